#!/usr/bin/env bash
# The whole test suite, as README.md documents it and CI runs it.
# Rust comes from the machine's toolchain; the system packages installed, if
# missing, are Debian's chromium (tests/report_html.sh, tests/replay_html.sh),
# slurm-wlm and munge (tests/slurm.sh), prometheus and nodejs (tests/export.sh),
# and llvm-N, N being rustc's LLVM major version, for llvm-profdata (tests/pgo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format and lint"
cargo fmt --all --check
cargo clippy --workspace --all-targets --release -- -D warnings

echo "== unit, property and integration tests (release: the statistical tests simulate millions of customers)"
cargo test --workspace --release

echo "== every shipped model runs from the CLI"
for model in models/*.toml; do
  # on-sale models run scaled to a tenth (--scale is for on-sales only: other kinds warn)
  scale=()
  if grep -q '^kind = "onsale"' "$model"; then scale=(--scale 0.1); fi
  cargo run --release --quiet -- run "$model" "${scale[@]}" --out "target/ci-out/$(basename "$model" .toml)" > /dev/null
  echo "ok  $model"
done

echo "== fuzz: 2,000 mutated model, venue and experiment files (no panic, abort, hang or exit 1)"
python3 tests/fuzz_models.py --cases 2000 --seed "${FUZZ_SEED:-1}"

echo "== the postmortem HTML renders offline in headless Chromium"
bash tests/report_html.sh

echo "== the replay page plays back and drills in headless Chromium"
bash tests/replay_html.sh

echo "== exports checked by promtool, node and a headless Locust run"
bash tests/export.sh

echo "== experiments, scaled down (2 replications each)"
bash tests/experiments.sh

echo "== output schemas: summary.json, sweep.json, plan.json and every CSV of every model kind, against schemas/"
bash tests/schemas.sh

echo "== notebooks, headless at small scale"
bash tests/notebooks.sh

echo "== README's Slurm job array on a single-node Slurm cluster (skips where Slurm cannot start)"
bash tests/slurm.sh

echo "== the profile-guided build (scripts/build-pgo.sh) builds, and its outputs equal the plain build's"
bash tests/pgo.sh

echo "== the Dockerfile builds and its image runs (skips without a docker daemon)"
bash tests/docker.sh
