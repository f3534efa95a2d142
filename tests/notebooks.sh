#!/usr/bin/env bash
# Execute every notebook in notebooks/ headless (nbclient), at small scale; fail on
# any cell error, or if a notebook draws no inline chart. Creates (or reuses) the venv
# .venv at the repository root. The notebooks never build sellout; they find it through
# $SELLOUT_BIN, target/release/sellout or PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r notebooks/requirements.txt
[ -x target/release/sellout ] || cargo build --release
export SELLOUT_SCALE="${SELLOUT_SCALE:-0.05}" SELLOUT_REPLICATIONS="${SELLOUT_REPLICATIONS:-2}"
# The backend comes from the environment (the notebooks never pick one): matplotlib-inline,
# the backend Jupyter uses, renders PNGs without a display, so the executed copies in
# target/ci-out/notebooks/ hold the charts a reader would see.
export MPLBACKEND="module://matplotlib_inline.backend_inline"
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
pngs = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
if pngs == 0:
    sys.exit(f"{sys.argv[1]}: no chart (image/png output) was drawn inline")
print(f"{pngs} inline charts", end="  ")
PY
  echo "ok  $nb ($(( $(date +%s) - start )) s)"
done
