"""onnxruntime on tabtune's ONNX export of an image model vs `tabtune predict`: same pixels, same numbers.

usage: check_onnx_image.py make DIR SIDE       writes 8 RGB PNGs of SIDE×SIDE into DIR
       check_onnx_image.py check MODEL.onnx PREDICTIONS.jsonl
PREDICTIONS is `tabtune predict --model IMAGE_DIR --input DIR/*.png` (one JSON object per image,
`input` = its path, `probs` keyed by label). The PNGs are written and read here with zlib alone
(8-bit RGB, filter 0 on every row: no Pillow), so they are exactly image_size square and tabtune's
scaling and crop leave them as they are; onnxruntime gets pixel / 255 as ONE batch. Exits 1 when
any probability differs by more than 1e-4 or any predicted class differs, printing the largest
difference.
"""
import json
import struct
import sys
import zlib

import numpy as np
import onnxruntime as ort

from predictions import compare

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))  # filter type 0 per row
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit, colour type 2 (RGB)
    with open(path, "wb") as f:
        f.write(PNG_MAGIC + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def read_png(path):
    """The PNGs `write_png` writes (8-bit RGB, filter 0): anything else is refused."""
    data = open(path, "rb").read()
    assert data[:8] == PNG_MAGIC, f"{path}: not a PNG"
    pos, idat, size = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2), f"{path}: only 8-bit RGB PNGs"
            size = (w, h)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h = size
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, 1 + 3 * w)
    assert (rows[:, 0] == 0).all(), f"{path}: only filter 0"
    return rows[:, 1:].reshape(h, w, 3)


def make(out_dir, side):
    """8 images that reach every part of the network differently: noise, gradients, edges."""
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:side, 0:side] / (side - 1)
    images = [
        rng.integers(0, 256, (side, side, 3)),  # noise
        rng.integers(100, 156, (side, side, 3)),  # low-contrast noise
        np.stack([xx, yy, 1 - xx], -1) * 255,  # colour gradients
        np.stack([(xx > 0.5), (yy > 0.5), (xx + yy > 1)], -1) * 255,  # hard edges at the centre
        np.repeat((((xx * 8).astype(int) + (yy * 8).astype(int)) % 2)[..., None], 3, -1) * 255,  # checkerboard
        np.zeros((side, side, 3)),  # black
        np.full((side, side, 3), 255),  # white
        np.repeat((255 * np.exp(-((xx - 0.3) ** 2 + (yy - 0.6) ** 2) * 12))[..., None], 3, -1),  # a blob off-centre
    ]
    for i, img in enumerate(images):
        write_png(f"{out_dir}/image{i}.png", np.clip(np.rint(img), 0, 255).astype(np.uint8))


def check(onnx_path, predictions_path):
    session = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    labels, side = json.loads(meta["labels"]), int(meta["image_size"])
    names = ([i.name for i in session.get_inputs()], [o.name for o in session.get_outputs()])
    assert names == (["pixel_values"], ["probabilities"]), f"unexpected inputs/outputs {names}"
    assert meta["task"] == "image", meta["task"]

    rows = [json.loads(line) for line in open(predictions_path, encoding="utf-8") if line.strip()]
    pixels = np.stack([read_png(r["input"]) for r in rows])  # [b, h, w, 3]
    assert pixels.shape[1:3] == (side, side), f"images are {pixels.shape[1:3]}, the model takes {side}"
    x = (pixels.astype(np.float32) / np.float32(255)).transpose(0, 3, 1, 2)  # NCHW, RGB in [0, 1]
    (got,) = session.run(None, {"pixel_values": np.ascontiguousarray(x)})

    return compare(onnx_path, got, rows, labels, f"image, {len(rows)} images {side}x{side}", "image")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
