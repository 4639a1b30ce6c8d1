"""Loads tabtune's exports in the libraries people use them with and compares their outputs
with tabtune's own (written by scripts/check-exports): transformers' text-classification
pipeline on a `pooling: cls` model's HF folder (an exact BertForSequenceClassification), and
SentenceTransformer on the sentence-transformers folders. Prints the max differences; exits 1
past TOL."""
import json
import sys
from pathlib import Path

TOL = 1e-4


def lines(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def check_pipeline(model_dir, predictions):
    from transformers import pipeline

    config = json.loads((Path(model_dir) / "config.json").read_text())
    assert config["architectures"] == ["BertForSequenceClassification"], config["architectures"]
    clf = pipeline("text-classification", model=str(model_dir), top_k=None, device="cpu")
    texts = [p["text"] for p in predictions]
    ours = clf(texts, truncation=True)
    worst, wrong = 0.0, 0
    for mine, theirs in zip(predictions, ours):
        probs = {d["label"]: d["score"] for d in theirs}
        top = max(probs, key=probs.get)
        wrong += top != mine["label"]
        for label, p in mine["probs"].items():
            worst = max(worst, abs(p - probs[label]))
    return worst, wrong


def check_sentence_transformers(model_dir, embeddings):
    import numpy as np
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_dir), device="cpu")
    got = st.encode([e["text"] for e in embeddings], convert_to_numpy=True)
    want = np.array([e["embedding"] for e in embeddings], dtype=np.float32)
    return float(np.abs(got - want).max())


def main(work):
    work = Path(work)
    failed = False
    for pooling in ["cls", "mean"]:
        if pooling == "cls":
            preds = lines(work / "cls-predict.jsonl")
            worst, wrong = check_pipeline(work / "cls-hf", preds)
            ok = worst <= TOL and wrong == 0
            failed |= not ok
            print(f"{'OK' if ok else 'NOT OK'}  cls  transformers pipeline vs tabtune predict: {len(preds)} texts, "
                  f"max |Δp| = {worst:.2e}, labels differing: {wrong}")
        emb = lines(work / f"{pooling}-embed.jsonl")
        worst = check_sentence_transformers(work / f"{pooling}-st", emb)
        ok = worst <= TOL
        failed |= not ok
        print(f"{'OK' if ok else 'NOT OK'}  {pooling:4} SentenceTransformer.encode vs tabtune embed: {len(emb)} texts, max |Δ| = {worst:.2e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
