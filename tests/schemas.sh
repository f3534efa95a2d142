#!/usr/bin/env bash
# Validate real outputs of every model kind, a sweep and a plan against schemas/
# (JSON Schemas and the CSV data dictionary): see tests/schemas.py. Creates (or reuses)
# the venv .venv at the repository root, as tests/notebooks.sh does. Finds sellout
# through $SELLOUT_BIN, target/release/sellout or PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements-schemas.txt
[ -n "${SELLOUT_BIN:-}" ] || [ -x target/release/sellout ] || cargo build --release
.venv/bin/python tests/schemas.py "$@"
