"""From one fine-tuned tabtune model, two more that take the export's other paths, with no
extra training (the check compares the export with `tabtune predict` on the same weights, so
weights need not be trained for their task):

  cls-multi/   a Hugging Face BertForSequenceClassification layout: `bert.`-prefixed names,
               the base model's `pooler.dense` (so tabtune loads it with [CLS]-pooler pooling),
               problem_type multi_label_classification (sigmoid outputs), no `tabtune` record,
               hidden_act gelu_new (GELU's tanh form).
  regression/  the mean-pooled model with a one-output head (the first class's row),
               tabtune.task = regression (the raw value out) and hidden_act relu.
So every pooling, output and activation the export writes is checked.

usage: onnx_variants.py TRAINED_DIR BASE_DIR OUT_DIR
safetensors is read and written by hand (8-byte header length, JSON header, F32 data), so the
venv needs only numpy.
"""
import json
import os
import shutil
import struct
import sys

import numpy as np


def read_safetensors(path, keep=lambda name: True):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in header.items():
        if name == "__metadata__" or not keep(name):
            continue
        assert t["dtype"] == "F32", f"{name}: {t['dtype']} (expected F32)"
        start, end = t["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(t["shape"])
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, a in tensors.items():
        b = np.ascontiguousarray(a, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def folder(out, config, tensors, tokenizer):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    write_safetensors(os.path.join(out, "model.safetensors"), tensors)
    shutil.copy(tokenizer, os.path.join(out, "tokenizer.json"))


def main(trained, base, out):
    config = json.load(open(os.path.join(trained, "config.json")))
    weights = read_safetensors(os.path.join(trained, "model.safetensors"))
    base_weights = read_safetensors(os.path.join(base, "model.safetensors"), keep=lambda n: "pooler.dense" in n)
    tokenizer = os.path.join(trained, "tokenizer.json")

    pooler = {k.removeprefix("bert."): v for k, v in base_weights.items()}
    assert len(pooler) == 2, "the base model has no pooler.dense weights"
    cls = {("" if k.startswith("classifier.") else "bert.") + k: v for k, v in weights.items()}
    cls.update({"bert." + k: v for k, v in pooler.items()})
    cls_config = {k: v for k, v in config.items() if k != "tabtune"}
    cls_config.update(architectures=["BertForSequenceClassification"], problem_type="multi_label_classification", hidden_act="gelu_new")
    folder(os.path.join(out, "cls-multi"), cls_config, cls, tokenizer)

    reg = dict(weights)
    reg["classifier.weight"], reg["classifier.bias"] = weights["classifier.weight"][:1], weights["classifier.bias"][:1]
    reg_config = dict(config, id2label={"0": "score"}, label2id={"score": 0}, hidden_act="relu")
    reg_config["tabtune"] = dict(config.get("tabtune", {}), task="regression")
    folder(os.path.join(out, "regression"), reg_config, reg, tokenizer)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
