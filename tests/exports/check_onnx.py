"""onnxruntime on tabtune's ONNX export vs `tabtune predict`: the same texts, the same numbers.

usage: check_onnx.py MODEL.onnx TOKENIZER.json PREDICTIONS.jsonl
PREDICTIONS is `tabtune predict`'s output (one JSON object per text, with `text` and `probs`
keyed by label, or `value` for regression). The texts are tokenized here with the exported
tokenizer.json as it is (it must itself truncate at the max_len the ONNX file records, and pad
nothing) and run as ONE right-padded batch, so the attention mask and the pooling's handling of
padding are exercised.
Exits 1 when any probability differs by more than 1e-4, and prints the largest difference.
"""
import json
import sys

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

TOLERANCE = 1e-4


def main(onnx_path, tokenizer_path, predictions_path):
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    labels, task, max_len = json.loads(meta["labels"]), meta["task"], int(meta["max_len"])
    names = ([i.name for i in session.get_inputs()], [o.name for o in session.get_outputs()])
    out_name = "value" if task == "regression" else "probabilities"
    assert names == (["input_ids", "attention_mask"], [out_name]), f"unexpected inputs/outputs {names}"

    rows = [json.loads(line) for line in open(predictions_path, encoding="utf-8") if line.strip()]
    tok = Tokenizer.from_file(tokenizer_path)
    # the file as a user gets it: its own truncation, no fixed padding (nothing set here)
    truncation = tok.truncation or {}
    if truncation.get("max_length") != max_len or tok.padding is not None:
        print(f"NOT OK: {tokenizer_path} truncates at {truncation.get('max_length')} and pads {tok.padding}, "
              f"but the model predicts at max_len {max_len} with no fixed padding", file=sys.stderr)
        return 1
    ids = [e.ids for e in tok.encode_batch([r["text"] for r in rows])]
    width = max(len(i) for i in ids)
    input_ids = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for r, row in enumerate(ids):
        input_ids[r, : len(row)] = row
        mask[r, : len(row)] = 1
    (got,) = session.run(None, {"input_ids": input_ids, "attention_mask": mask})

    if task == "regression":
        want = np.array([[r["value"]] for r in rows], dtype=np.float64)
    else:
        want = np.array([[r["probs"][l] for l in labels] for r in rows], dtype=np.float64)
    assert got.shape == want.shape, f"onnxruntime gave {got.shape}, predict {want.shape}"
    diff = np.abs(got.astype(np.float64) - want)
    worst = np.unravel_index(diff.argmax(), diff.shape)
    lengths = mask.sum(1)
    print(
        f"{onnx_path}: {task}, pooling {meta.get('pooling')}, {len(rows)} texts of {lengths.min()}..{lengths.max()} "
        f"tokens in one batch: max |onnxruntime - tabtune predict| = {diff.max():.2e} "
        f"(row {worst[0]}, output {worst[1]})"
    )
    if not diff.max() <= TOLERANCE:
        print(f"NOT OK: above {TOLERANCE}; text: {rows[worst[0]]['text'][:80]!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
