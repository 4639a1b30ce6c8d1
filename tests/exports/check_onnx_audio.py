"""onnxruntime on tabtune's ONNX export of a sound model vs `tabtune predict`: same clips, same numbers.

usage: check_onnx_audio.py MODEL.onnx MODEL_DIR PREDICTIONS.jsonl
PREDICTIONS is `tabtune predict --model MODEL_DIR --input FOLDER` on 16-bit mono 16 kHz WAVs of
exactly one second (one JSON object per file, `input` = its path, `probs` keyed by label), so
tabtune's clip rule leaves the samples as they are. The windows are made here, the way
docs/onnx.md says, with nothing of tabtune's but the folder's melspectrogram.onnx: the 16-bit
values / 32768 × input_scale, melspectrogram.onnx one clip per call (its −80 dB floor is
relative to everything in one call), dB / 10 + 2, 76 frames every 8. All clips go through the
export as ONE batch. Exits 1 when any probability differs by more than 1e-4 or any predicted
class differs, printing the largest difference (measured 2.5e-6; with the -0.4 Max left out of
the graph: 1.0, same class 42/96; the windows without x32768: 0.86, one mel call for all clips: 0.22).
"""
import json
import sys
import wave

import numpy as np
import onnxruntime as ort

from predictions import compare



def read_wav(path):
    """16-bit mono 16 kHz PCM as tabtune decodes it (value / 32768); anything else is refused."""
    with wave.open(path) as w:
        fmt = (w.getnchannels(), w.getsampwidth(), w.getframerate())
        assert fmt == (1, 2, 16000), f"{path}: {fmt}, not 16-bit mono 16 kHz"
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm.astype(np.float32) / np.float32(32768)


def clip_windows(mel, meta, samples):
    """One clip's [windows, 76, 32]: the recipe of docs/onnx.md."""
    x = (samples * np.float32(meta["input_scale"]))[None].astype(np.float32)
    (db,) = mel.run(None, {"input": x})  # [frames, 1, 1, 32] for one clip
    features = db.reshape(-1, db.shape[-1]) / np.float32(meta["feature_divisor"]) + np.float32(meta["feature_offset"])
    frames, stride = int(meta["window_frames"]), int(meta["window_stride"])
    starts = range(0, len(features) - frames + 1, stride)
    return np.stack([features[s : s + frames] for s in starts]).astype(np.float32)


def check(onnx_path, model_dir, predictions_path):
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    mel = ort.InferenceSession(f"{model_dir}/melspectrogram.onnx", providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    labels = json.loads(meta["labels"])
    names = ([i.name for i in session.get_inputs()], [o.name for o in session.get_outputs()])
    assert names == (["windows"], ["probabilities"]), f"unexpected inputs/outputs {names}"
    assert (meta["task"], meta["sample_rate"]) == ("audio", "16000"), (meta["task"], meta["sample_rate"])

    rows = [json.loads(line) for line in open(predictions_path, encoding="utf-8") if line.strip()]
    clips = [read_wav(r["input"]) for r in rows]
    assert all(len(c) == 16000 for c in clips), "every WAV must be exactly one second (16,000 samples)"
    windows = np.stack([clip_windows(mel, meta, c) for c in clips])  # [clips, 3, 76, 32]
    (got,) = session.run(None, {"windows": windows})

    return compare(onnx_path, got, rows, labels, f"audio, {len(rows)} clips x {windows.shape[1]} windows", "clip")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(check(*sys.argv[1:]))
