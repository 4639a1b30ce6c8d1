"""onnxruntime's log-mel features and embeddings of a few clips, the speech parity test's reference.

Usage: speech_reference.py MODEL_DIR CLIP.wav...  (16-bit mono 16 kHz WAVs) → MODEL_DIR/reference.onnxruntime.json

Each clip goes through melspectrogram.onnx then embedding_model.onnx the way openWakeWord does
(openwakeword/utils.py `_get_melspectrogram`, `_get_embeddings`): the 16-bit values as float32
(not divided by 32768), features = dB / 10 + 2, windows of 76 frames every 8 frames. A clip
shorter than one window (12,512 samples) is zero-padded to one, tabtune's rule. The samples are
stored (as 16-bit integers) so the test feeds tabtune exactly these.
"""
import json
import sys
import wave

import numpy as np
import onnxruntime as ort

model_dir, clips = sys.argv[1], sys.argv[2:]
cfg = json.load(open(f"{model_dir}/config.json"))
mel = ort.InferenceSession(f"{model_dir}/melspectrogram.onnx", providers=["CPUExecutionProvider"])
emb = ort.InferenceSession(f"{model_dir}/embedding_model.onnx", providers=["CPUExecutionProvider"])
frames, stride = cfg["window_frames"], cfg["window_stride"]
min_samples = cfg["n_fft"] + (frames - 1) * cfg["hop"]

out = {"onnxruntime": ort.__version__, "clips": []}
for path in clips:
    w = wave.open(path)
    assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000), f"{path}: not 16-bit mono 16 kHz"
    pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    x = np.zeros(max(len(pcm), min_samples), np.float32)
    x[: len(pcm)] = pcm  # the 16-bit values as floats: tabtune's samples × input_scale
    spec = mel.run(None, {"input": x[None]})[0].squeeze((0, 1))
    features = (spec / cfg["feature_divisor"] + cfg["feature_offset"]).astype(np.float32)
    starts = [s for s in range(0, len(features), stride) if s + frames <= len(features)]
    windows = np.stack([features[s : s + frames] for s in starts])[..., None]
    e = emb.run(None, {"input_1": windows})[0].reshape(len(starts), -1)
    out["clips"].append({
        "name": path.rsplit("/", 1)[-1].removesuffix(".wav"),
        "samples_i16": pcm.tolist(),
        "features": features.tolist(),
        "window_starts": starts,
        "embeddings": e.tolist(),
        "embedding": e.mean(0).tolist(),
    })
json.dump(out, open(f"{model_dir}/reference.onnxruntime.json", "w"))
print(f"reference for {len(clips)} clips in {model_dir}/reference.onnxruntime.json")
