// The microphone's samples, from the audio thread (an AudioWorklet, loaded by mic.js): the input's
// channels averaged to mono and posted to the page in blocks of 2,048 samples (~43 ms at 48 kHz)
// rather than every 128-sample render quantum, so the page gets ~23 messages a second, not ~375.
// It writes nothing to its output: the graph plays silence.
const BLOCK = 2048;

class Capture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(BLOCK);
    this.n = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels?.length) return true; // no input connected yet (or it went away)
    const frames = channels[0].length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (const ch of channels) sum += ch[i];
      this.block[this.n++] = sum / channels.length;
      if (this.n === BLOCK) {
        this.port.postMessage(this.block, [this.block.buffer]); // handed over, not copied
        this.block = new Float32Array(BLOCK);
        this.n = 0;
      }
    }
    return true;
  }
}

registerProcessor('tabtune-capture', Capture);
