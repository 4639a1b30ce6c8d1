"""What the image and sound ONNX checks share: onnxruntime's probabilities against `tabtune
predict`'s JSON lines, class by class, and the verdict printed."""
import sys

import numpy as np

TOLERANCE = 1e-4


def compare(onnx_path, got, rows, labels, what, unit):
    """got: onnxruntime's [items, classes]; rows: predict's lines ({input, label, probs}).
    `what` describes the batch ("image, 8 images 32x32"); `unit` names one item ("image").
    Returns the exit status: 1 when a probability is off by more than TOLERANCE or a class differs."""
    want = np.array([[r["probs"][l] for l in labels] for r in rows], dtype=np.float64)
    assert got.shape == want.shape, f"onnxruntime gave {got.shape}, predict {want.shape}"
    diff = np.abs(got.astype(np.float64) - want)
    worst = np.unravel_index(diff.argmax(), diff.shape)
    same_class = [labels[int(i)] == r["label"] for i, r in zip(got.argmax(1), rows)]
    print(
        f"{onnx_path}: {what} in one batch, {len(labels)} classes: "
        f"max |onnxruntime - tabtune predict| = {diff.max():.2e} ({unit} {worst[0]}, class {worst[1]}); "
        f"same class {sum(same_class)}/{len(rows)}"
    )
    if not (diff.max() <= TOLERANCE and all(same_class)):
        print(f"NOT OK: above {TOLERANCE} or a different class; {unit}: {rows[worst[0]]['input']}", file=sys.stderr)
        return 1
    return 0
