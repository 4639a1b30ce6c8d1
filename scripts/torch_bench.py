"""PyTorch on the CPU, the workload `tabtune bench` times (../shared/bench/torch_baseline.py,
same figures): MiniLM-L6 shape, random weights, batch 32, seq 128, top-2 layers + head trained
with AdamW (lr 2e-5, weight decay 0.01, as tabtune's default recipe), dropout 0.1 in the layers.
Like tabtune, the frozen prefix (embeddings + lower layers) runs without dropout (the anchor
script ran it in train mode). Differences from tabtune: no dropout on the pooled vector before the head (tabtune: 0.1), and
the cached states stay an f32 tensor (tabtune stacks them from its f16 host cache each step,
as its trainer does). Inference runs in eval mode (no dropout), as tabtune's does.
Usage: torch_bench.py THREADS [STEPS] [--profile]   prints one JSON line (or a profile table)."""
import json, os, sys, time
import torch
from transformers import BertConfig, BertModel

threads = int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads()
steps = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 5
profile = "--profile" in sys.argv
torch.set_num_threads(threads)

cfg = BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                 intermediate_size=1536, max_position_embeddings=512, hidden_dropout_prob=0.1,
                 attention_probs_dropout_prob=0.1,
                 # transformers' default attention (sdpa); TORCH_ATTN=eager: plain matmul-softmax
                 attn_implementation=os.environ.get("TORCH_ATTN", "sdpa"))
B, T, K, C = 32, 128, 2, 2
torch.manual_seed(0)
model = BertModel(cfg, add_pooling_layer=False)
head = torch.nn.Linear(384, C)
for p in model.parameters():
    p.requires_grad_(False)
for layer in model.encoder.layer[-K:]:
    for p in layer.parameters():
        p.requires_grad_(True)
params = [p for p in model.parameters() if p.requires_grad] + list(head.parameters())
opt = torch.optim.AdamW(params, lr=2e-5, weight_decay=0.01)
ids = torch.randint(1000, 30000, (B, T))
mask = torch.ones(B, T, dtype=torch.long)
y = torch.randint(0, C, (B,))


def finish(x):
    pooled = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
    loss = torch.nn.functional.cross_entropy(head(pooled), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def full_step():
    model.train()
    # tabtune runs the frozen prefix without dropout (it is not trained), so torch does too
    model.embeddings.eval()
    for layer in model.encoder.layer[:-K]:
        layer.eval()
    finish(model(input_ids=ids, attention_mask=mask).last_hidden_state)


with torch.no_grad():  # the frozen prefix's output, computed once
    h = model.embeddings(input_ids=ids)
    for layer in model.encoder.layer[:-K]:
        o = layer(h)
        h = o[0] if isinstance(o, tuple) else o
cached = h.detach()


def cached_step():
    model.train()
    x = cached
    for layer in model.encoder.layer[-K:]:
        o = layer(x)
        x = o[0] if isinstance(o, tuple) else o
    finish(x)


def infer_step():
    model.eval()
    with torch.no_grad():
        model(input_ids=ids, attention_mask=mask)


def timed(fn):
    for _ in range(2):  # warm-up, as tabtune bench
        fn()
    t = time.perf_counter()
    for _ in range(steps):
        fn()
    return round(B * steps / (time.perf_counter() - t), 2)


if profile:
    from torch.profiler import profile as prof, ProfilerActivity
    for name, fn in [("full", full_step), ("cached", cached_step), ("infer", infer_step)]:
        fn()
        with prof(activities=[ProfilerActivity.CPU]) as p:
            for _ in range(steps):
                fn()
        print(f"## {name}\n" + p.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))
    sys.exit(0)

print(json.dumps({
    "engine": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
    "batch": B, "seq": T, "trainable_layers": K, "steps": steps,
    "train_samples_per_s": timed(full_step),
    "train_cached_samples_per_s": timed(cached_step),
    "infer_samples_per_s": timed(infer_step),
}))
