"""scripts/bench's table: reads the JSON figures it gathered (native-1/-n, torch-1/-n, web) from
DIR and prints them side by side with their ratios; the last line is one JSON object."""
import datetime, json, os, platform, sys

d, cores = sys.argv[1], int(sys.argv[2])


def load(name):
    p = os.path.join(d, name + ".json")
    return json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else None


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


native1, nativen, torch1, torchn, web = (load(n) for n in ("native-1", "native-n", "torch-1", "torch-n", "web"))
keys = ("train_samples_per_s", "train_cached_samples_per_s", "infer_samples_per_s")
rows = [(f"tabtune, flex native, 1 thread", native1), (f"tabtune, flex native, {cores} threads", nativen)]
if torch1:
    rows += [(f"PyTorch {torch1['version']} CPU, 1 thread", torch1), (f"PyTorch CPU, {cores} threads", torchn)]
if web:
    rows.append(("tabtune in the tab, wasm CPU (1 thread)", web["cpu"]))
    if web.get("webgpu"):
        rows.append(("tabtune in the tab, WebGPU", web["webgpu"]))

print(f"\nsamples/s: batch {native1['batch']}, seq {native1['seq']}, top-{native1['trainable_layers']} + head trained; "
      f"{platform.processor() or platform.machine()}, {cores} cores, {datetime.date.today()}")
print(f"| {'':44} | train (full forward) | train (cached prefix) | inference |")
print(f"|{'-' * 46}|---------------------:|----------------------:|----------:|")
for name, r in rows:
    print(f"| {name:44} | {r[keys[0]]:20.1f} | {r[keys[1]]:21.1f} | {r[keys[2]]:9.1f} |")

ratios = {}
if torch1:
    for k, name in zip(keys, ("train", "cached", "infer")):
        ratios[f"over_torch_{name}"] = ratio(nativen[k], torchn[k])
        ratios[f"over_torch_{name}_1_thread"] = ratio(native1[k], torch1[k])
if web:
    ratios["wasm_over_native_train"] = ratio(web["cpu"]["train_cached_samples_per_s"], native1["train_cached_samples_per_s"])
    ratios["wasm_over_native_train_full"] = ratio(web["cpu"]["train_samples_per_s"], native1["train_samples_per_s"])
    ratios["wasm_over_native_infer"] = ratio(web["cpu"]["infer_samples_per_s"], native1["infer_samples_per_s"])
    tab, nat = web["tab"], web["native_1_thread"]
    tab_rate, nat_rate = tab["prefix"]["rows"] / tab["prefix"]["seconds"], nat["prefix"]["rows"] / nat["prefix"]["seconds"]
    # per worker: the pool's rows/s against one native thread times the workers it used
    ratios["wasm_over_native_prefix"] = ratio(tab_rate, nat_rate * tab["prefix"]["workers"])
    ratios["wasm_over_native_csv_epoch"] = ratio(tab["epoch_samples_per_s"][-1], nat["epoch_samples_per_s"][-1])
    print(f"\n1,000 SST-2 rows (CSV), top-1 layer, max_len 64, 3 epochs:")
    print("|                                  | frozen layers' pass | first loss point | whole run | last epoch samples/s | val acc |")
    print("|----------------------------------|--------------------:|-----------------:|----------:|---------------------:|--------:|")
    print(f"| in the tab, CPU, {tab['prefix']['workers']} workers        | {tab['prefix']['seconds']:15.1f} s ({tab_rate:.0f} rows/s) |"
          f" {tab['first_loss_s']:14.1f} s | {tab['run_s']:7.1f} s | {tab['epoch_samples_per_s'][-1]:20.1f} | {tab['val_acc']:.3f} |")
    print(f"| native flex, 1 thread            | {nat['prefix']['seconds']:15.1f} s ({nat_rate:.0f} rows/s) |"
          f" {'':>14}   | {nat['run_s']:7.1f} s | {nat['epoch_samples_per_s'][-1]:20.1f} | {nat['val_acc']:.3f} |")
    print(f"\nTry-it in the tab (CPU): p50 {tab['predict_ms']['p50']:.1f} ms, p90 {tab['predict_ms']['p90']:.1f} ms per prediction; "
          f"wasm {web['wasm_bytes'] / 1e6:.1f} MB, {web['wasm_brotli_bytes'] / 1e6:.1f} MB brotli")
if web and web.get("tab", {}).get("batch_predict"):
    bp = web["tab"]["batch_predict"]
    ratios["pool_scaling_infer"] = ratio(bp["pooled_samples_per_s"], bp["alone_samples_per_s"])
    print(f"\n{bp['texts']} SST-2 texts predicted in the tab (CPU): {bp['alone_samples_per_s']:.1f} texts/s on the worker alone, "
          f"{bp['pooled_samples_per_s']:.1f} on {bp['workers']} workers (the first pooled call, the model's export to the pool included: "
          f"{bp['pool_first_s']:.1f} s); a Try-it sent during a batch: {bp['try_it_during_batch_ms']:.0f} ms")
    tp = web.get("train_pool")
    if tp:
        ratios["pool_scaling_train"] = ratio(tp["pooled_samples_per_s"], tp["alone_samples_per_s"])
        print(f"Training in the tab (CPU, the CSV run's steps, batch {tp['batch_size']}): {tp['alone_samples_per_s']:.1f} samples/s on the worker alone, "
              f"{tp['pooled_samples_per_s']:.1f} on {tp['workers']} workers (weights {'shared' if tp['shared_weights'] else 'copied'})")
    tfjs = web.get("tfjs")
    if tfjs:
        ratios["over_tfjs_train"] = ratio(web["cpu"]["train_cached_samples_per_s"], tfjs["train_cached_samples_per_s"])
        print(f"TensorFlow.js {tfjs['version']} ({tfjs['backend']}, {tfjs['threads']} thread) on the bench workload, Linear gradients by hand: "
              f"{tfjs['train_cached_samples_per_s']:.1f} samples/s (cached prefix), tabtune in the tab on one thread {web['cpu']['train_cached_samples_per_s']:.1f}")
    ort = web.get("ort_web")
    if ort:
        # against onnxruntime-web batched as carefully as tabtune batches (texts of like length)
        ratios["over_ort_web_infer"] = ratio(bp["alone_samples_per_s"], ort["sorted_samples_per_s"])
        ratios["over_ort_web_infer_pool"] = ratio(bp["pooled_samples_per_s"], ort["sorted_samples_per_s"])
        ratios["over_ort_web_latency"] = ratio(ort["predict_ms"]["p50"], web["tab"]["predict_ms"]["p50"])
        print(f"onnxruntime-web {ort['version']} on the same model's ONNX export, {ort['threads']} thread, Tokenizers.js: "
              f"{ort['samples_per_s']:.1f} texts/s in their order, {ort['sorted_samples_per_s']:.1f} sorted by length; one text p50 {ort['predict_ms']['p50']:.1f} ms (probabilities within {ort['max_abs_diff']:.1e} of tabtune's)")
print("\nratios: " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
print(json.dumps({"date": str(datetime.date.today()), "cores": cores, "native_1_thread": native1, "native_all_threads": nativen,
                  "torch_1_thread": torch1, "torch_all_threads": torchn, "web": web, "ratios": ratios}))
