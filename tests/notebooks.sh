#!/usr/bin/env bash
# Execute every notebook in notebooks/ headless (nbclient), at small scale; fail on
# any cell error. Creates (or reuses) the venv .venv at the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r notebooks/requirements.txt
[ -x target/release/sellout ] || cargo build --release
export SELLOUT_SCALE="${SELLOUT_SCALE:-0.05}" SELLOUT_REPLICATIONS="${SELLOUT_REPLICATIONS:-2}"
export MPLBACKEND=Agg
out="target/ci-out/notebooks"
rm -rf "$out"; mkdir -p "$out"
for nb in notebooks/*.ipynb; do
  name="$(basename "$nb" .ipynb)"
  start=$(date +%s)
  SELLOUT_OUT="$PWD/$out/$name" .venv/bin/python - "$nb" "$out/$name.ipynb" <<'PY'
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": "notebooks"}}).execute()
nbformat.write(nb, sys.argv[2])
PY
  echo "ok  $nb ($(( $(date +%s) - start )) s)"
done
