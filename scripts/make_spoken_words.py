"""The synthesised spoken-words set for the sound kind's tests (run by scripts/fetch-model).

    python3 scripts/make_spoken_words.py OUT_DIR

Eight words, each said once by every voice: a voice is an espeak-ng accent with a speaker
variant (en-us+m3). Split by voice, strictly: no accent and no variant of the test side is heard
in training, so the test asks for words, not voices. Each clip gets its own speed, pitch, level,
place in the second and (every other clip) noise, from a generator seeded by its name, so the
output is the same on every run. 16 kHz mono 16-bit WAV, one second each.
"""
import concurrent.futures, os, random, shutil, subprocess, sys, tempfile, zipfile

WORDS = ["yes", "no", "up", "down", "left", "right", "stop", "go"]
# espeak-ng's numbered variants and some of its named speakers; the more voices training hears,
# the less a fine-tune learns the voices instead of the words (40 → 85 voices: held-out accuracy
# 0.844 → 0.906 with seed 0, the same training time)
TRAIN = {"accents": ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029"],
         "variants": ["m1", "m3", "m5", "m6", "m7", "m8", "f1", "f3", "f5",
                      "adam", "linda", "steph", "max", "paul", "quincy", "rob", "zac"]}
# 24 held-out voices: one clip more or less moves the score by half a point
TEST = {"accents": ["en-us-nyc", "en-gb-x-gbclan", "en-gb-x-gbcwmd"],
        "variants": ["m2", "m4", "f2", "f4", "Alex", "Annie", "david", "belinda"]}
RATE = 16000
# the fake microphone's words: a held-out voice, one second or more of silence around each
MIC_VOICE, MIC_WORDS = "en-us-nyc+f2", ["yes", "down", "left", "stop"]


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def seconds(path):
    out = subprocess.run(["soxi", "-D", path], check=True, capture_output=True, text=True)
    return float(out.stdout)


def speak(word, voice, speed, pitch, path):
    """espeak-ng at its own rate → 16 kHz mono, the silence it adds around the word trimmed."""
    raw = path + ".raw.wav"
    run("espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-w", raw, word)
    # -R: sox's dither and noise are seeded (the same bytes on every run)
    run("sox", "-R", raw, "-r", str(RATE), "-c", "1", "-b", "16", path,
        "silence", "1", "0.01", "0.5%", "reverse", "silence", "1", "0.01", "0.5%", "reverse")
    os.remove(raw)


def clip(job):
    word, voice, out, tmp = job
    rng = random.Random(f"{word}/{voice}")  # a str seed is hashed (sha512): stable across runs
    speed, pitch = rng.randrange(130, 191, 10), rng.randrange(25, 76, 5)
    gain = -rng.randrange(1, 13)  # peak at −1 … −12 dBFS
    noise = ["", "whitenoise", "pinknoise", "brownnoise"][rng.randrange(4)] if rng.random() < 0.5 else ""
    base = os.path.join(tmp, f"{word}-{voice}")
    speak(word, voice, speed, pitch, base + ".wav")
    length = min(seconds(base + ".wav"), 1.0)
    before = round(rng.random() * (1.0 - length), 3)
    after = max(0.0, 1.0 - length - before)
    effects = ["trim", "0", "1", "norm", str(gain), "pad", str(before), str(after), "trim", "0", "1"]
    if not noise:
        run("sox", "-R", base + ".wav", out, *effects)
        return
    run("sox", "-R", base + ".wav", base + ".word.wav", *effects)
    # about 20 to 30 dB below the word: heard, not hiding it
    run("sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", base + ".noise.wav",
        "synth", "1", noise, "vol", str(round(10 ** ((gain - rng.randrange(20, 31)) / 20), 4)))
    run("sox", "-R", "-m", "-v", "1", base + ".word.wav", "-v", "1", base + ".noise.wav", out)


def mic_test(out_dir, tmp):
    """Held-out words with silence between, as one file; returns (word, start, end) rows."""
    parts, rows, t = [], [], 1.0
    for i, word in enumerate(MIC_WORDS):
        path = os.path.join(tmp, f"mic-{i}.wav")
        speak(word, MIC_VOICE, 160, 50, path)
        run("sox", "-R", path, path + ".n.wav", "norm", "-3")
        length = seconds(path + ".n.wav")
        rows.append((word, round(t, 3), round(t + length, 3)))
        parts.append(path + ".n.wav")
        t += length + 1.5
    silence = os.path.join(tmp, "silence.wav")
    run("sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", silence, "trim", "0", "1.5")
    lead = os.path.join(tmp, "lead.wav")
    run("sox", "-R", "-n", "-r", str(RATE), "-c", "1", "-b", "16", lead, "trim", "0", "1.0")
    seq = [lead] + [p for part in parts for p in (part, silence)]
    run("sox", "-R", *seq, os.path.join(out_dir, "mic-test.wav"))
    return rows


def main(out_dir):
    tmp = tempfile.mkdtemp()
    jobs, counts = [], {}
    for side, spec in (("train", TRAIN), ("test", TEST)):
        voices = [f"{a}+{v}" for a in spec["accents"] for v in spec["variants"]]
        counts[side] = len(voices)
        for word in WORDS:
            os.makedirs(os.path.join(out_dir, side, word), exist_ok=True)
            for voice in voices:
                jobs.append((word, voice, os.path.join(out_dir, side, word, voice.replace("+", "-") + ".wav"), tmp))
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        list(pool.map(clip, jobs))
    rows = mic_test(out_dir, tmp)
    # the same held-out clip in the other formats the CLI reads (MP3 when lame is installed)
    formats = os.path.join(out_dir, "formats")
    os.makedirs(formats, exist_ok=True)
    source = os.path.join(out_dir, "test", "yes", "en-us-nyc-m2.wav")
    shutil.copy(source, os.path.join(formats, "yes.wav"))
    run("sox", "-R", source, os.path.join(formats, "yes.ogg"))
    run("sox", "-R", source, os.path.join(formats, "yes.flac"))
    if shutil.which("lame"):
        run("lame", "--quiet", "-b", "64", source, os.path.join(formats, "yes.mp3"))
    shutil.rmtree(tmp)
    with open(os.path.join(out_dir, "README.txt"), "w") as f:
        f.write(README.format(
            words=", ".join(WORDS), train=counts["train"], test=counts["test"],
            train_accents=", ".join(TRAIN["accents"]), train_variants=", ".join(TRAIN["variants"]),
            test_accents=", ".join(TEST["accents"]), test_variants=", ".join(TEST["variants"]),
            mic_voice=MIC_VOICE,
            mic="\n".join(f"  {w:<5} {a:6.3f} s – {b:6.3f} s" for w, a, b in rows)))


README = """Spoken words, synthesised for tabtune's sound tests by scripts/make_spoken_words.py
(run by scripts/fetch-model) with espeak-ng and sox; nothing recorded, nothing downloaded.

Words (one folder each): {words}.
Every clip: one word, 16 kHz mono 16-bit WAV, exactly 1 s, the word at a random place in the
second, a random speed (130–190 words/min), pitch (25–75), peak level (−1 to −12 dBFS), and in
about half of the clips white, pink or brown noise 20–30 dB below the word. The choices are
seeded by each clip's name, so every run writes the same files.

A voice is an espeak-ng accent with a speaker variant (file names: accent-variant.wav).
Split by voice: no accent and no variant of test/ is in train/.
  train/: {train} voices per word = accents {train_accents} × variants {train_variants}
  test/:  {test} voices per word = accents {test_accents} × variants {test_variants}

formats/: test/yes/en-us-nyc-m2.wav as WAV, Ogg Vorbis, FLAC and MP3 (lame, 64 kbit/s), for the
decoder's tests.

mic-test.wav: a fake microphone for the browser tests (Chromium's
--use-file-for-fake-audio-capture), a held-out voice ({mic_voice}), peak −3 dBFS, 16 kHz mono;
1 s of silence, then each word followed by 1.5 s of silence:
{mic}
"""

def zip_train(dest):
    """train/ as dest/train.zip, entries sorted and dated 2026-01-01: the page's sample sounds."""
    part = os.path.join(dest, "train.zip.part")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
        for root, _, files in sorted(os.walk(os.path.join(dest, "train"))):
            for name in sorted(files):
                path = os.path.join(root, name)
                info = zipfile.ZipInfo(os.path.relpath(path, dest), (2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with open(path, "rb") as f:
                    z.writestr(info, f.read())
    os.replace(part, os.path.join(dest, "train.zip"))


if __name__ == "__main__":
    if sys.argv[1] == "--zip":
        zip_train(sys.argv[2])
    else:
        main(sys.argv[1])
