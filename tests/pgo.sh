#!/usr/bin/env bash
# The profile-guided build (scripts/build-pgo.sh) builds, and its outputs are
# byte-identical to the plain release build's: every file of an on-sale, a
# storm and a queueing network, at two replications.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/build-pgo.sh
cargo build --release --quiet --bin sellout
out=target/pgo-check
rm -rf "$out"
for spec in "eras-2022 --scale 0.05" "retry-storm" "seat-map-stampede --scale 0.1" "mmc"; do
  set -- $spec
  model=$1
  shift
  for build in release pgo/release; do
    mkdir -p "$out/$build"
    # Scaling warnings go to a log, shown if the run fails.
    "target/$build/sellout" run "models/$model.toml" "$@" --replications 2 --threads 1 \
      --out "$out/$build/$model" > /dev/null 2> "$out/$build/$model.log" \
      || { cat "$out/$build/$model.log" >&2; exit 1; }
  done
  if ! diff -q <(ls "$out/release/$model") <(ls "$out/pgo/release/$model") > /dev/null; then
    echo "FAIL: $model: the plain and the profile-guided build wrote different files" >&2
    exit 1
  fi
  for file in "$out/release/$model"/*; do
    if ! cmp -s "$file" "$out/pgo/release/$model/$(basename "$file")"; then
      echo "FAIL: $model: $(basename "$file") differs between the plain and the profile-guided build" >&2
      exit 1
    fi
  done
  echo "ok  $model: $(ls "$out/release/$model" | wc -l) files identical"
done
