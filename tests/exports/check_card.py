"""A model card as Hugging Face and people read it (tests/exports/check-onnx runs it).

usage: check_card.py README.md EPOCHS.jsonl [MODEL.onnx]

The README's front matter parses as YAML (PyYAML) and has the keys of Hugging Face's model cards;
its numbers are the run's: every epoch's losses and validation scores equal the JSON lines
`tabtune train` printed, the model-index metrics equal the kept epoch's, the data's class counts
add up to the rows used and the split; the body's epoch table says each number to 4 decimals.
With MODEL.onnx: its metadata holds each front-matter value, character for character."""
import json
import sys

import yaml

readme, epochs_path = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
assert text.startswith("---\n"), "the card opens with no front matter"
front_text, body = text[4:].split("\n---\n", 1)
front = yaml.safe_load(front_text)
for key in ("library_name", "pipeline_tag", "license", "tags", "metrics", "tabtune"):
    assert key in front, f"front matter has no {key}"
printed = [json.loads(line) for line in open(epochs_path) if line.startswith('{"epoch"')]
facts = front["tabtune"]
assert len(printed) > 0 and len(facts["epochs"]) == len(printed), (len(facts["epochs"]), len(printed))

checked = 0
for mine, theirs in zip(facts["epochs"], printed):
    assert mine["epoch"] == theirs["epoch"]
    assert float(mine["train_loss"]) == float(theirs["train_loss"]), (mine["train_loss"], theirs["train_loss"])
    assert mine["val_scores"].keys() == theirs["val_scores"].keys()
    row = f"| {theirs['epoch']} | {theirs['train_loss']:.4f} |"
    for key in sorted(theirs["val_scores"]):
        assert float(mine["val_scores"][key]) == float(theirs["val_scores"][key]), key
        row += f" {theirs['val_scores'][key]:.4f} |"
        checked += 1
    assert row in body, f"the body's epoch table has no row {row!r}"

data = facts["data"]
assert sum(n for _, n in data["classes"]) == data["used"], data
assert facts["train_rows"] + facts["val_rows"] == data["used"], (facts["train_rows"], facts["val_rows"], data["used"])
kept = printed[facts["kept_epoch"] - 1]
if facts["val_rows"]:
    index = {m["name"]: m["value"] for m in front["model-index"][0]["results"][0]["metrics"]}
    assert index["accuracy"] == kept["val_acc"] and index["macro F1"] == kept["val_macro_f1"], (index, kept)
    per_class = facts["validation"]["per_class"]
    assert sum(c["support"] for c in per_class) == facts["val_rows"]
    for c in per_class:
        assert f"| {c['label']} | {c['precision']:.4f} | {c['recall']:.4f} | {c['f1']:.4f} | {c['support']} |" in body, c["label"]
else:
    assert "model-index" not in front and facts["validation"] is None

if len(sys.argv) > 3:
    import onnxruntime as ort

    meta = ort.InferenceSession(sys.argv[3], providers=["CPUExecutionProvider"]).get_modelmeta().custom_metadata_map
    lines = dict(line.split(": ", 1) for line in front_text.splitlines())
    for key, value in lines.items():
        want = value if key != "library_name" else json.dumps("onnx", separators=(",", ":"))
        assert meta.get(key) == want, f"ONNX metadata {key}: {meta.get(key)!r} != {want!r}"
print(f"card {readme}: {len(printed)} epochs, {checked} validation scores equal the run's"
      + (f"; {len(lines)} front-matter keys in the ONNX metadata" if len(sys.argv) > 3 else ""))
