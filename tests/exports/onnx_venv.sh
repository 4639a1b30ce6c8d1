#!/usr/bin/env bash
# Prints the path of a Python venv with onnxruntime, numpy, tokenizers (the ONNX export's check)
# and PyYAML (the model card's), creating it on first use. Pinned so a new release cannot change the check's result;
# a few tens of MB of wheels, no PyTorch. Progress goes to stderr, the path to stdout.
set -euo pipefail
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/tabtune/onnx-venv"
PACKAGES=(onnxruntime==1.23.2 numpy==2.3.5 tokenizers==0.22.1 pyyaml==6.0.3)
STAMP="$VENV/.tabtune-packages"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "${PACKAGES[*]}" ]; then
  echo "creating $VENV (${PACKAGES[*]})" >&2
  python3 -m venv "$VENV" || {
    echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)" >&2; exit 1; }
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PACKAGES[@]}" >&2 || {
    echo "pip install ${PACKAGES[*]} failed: check the network, or delete $VENV and retry" >&2; exit 1; }
  echo "${PACKAGES[*]}" >"$STAMP"
fi
echo "$VENV"
