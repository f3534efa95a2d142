#!/usr/bin/env bash
# Build the repository's Dockerfile and run the image (its --version, and `check`
# on a shipped model) when a docker daemon is reachable; otherwise say so and
# pass. The Dockerfile uses BuildKit cache mounts, hence DOCKER_BUILDKIT=1.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker > /dev/null 2>&1; then
  echo "SKIP: docker build: no docker command on this machine"
  exit 0
fi
if ! docker info > /dev/null 2>&1; then
  echo "SKIP: docker build: no docker daemon on this machine (docker info failed)"
  exit 0
fi
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
image="sellout:${version:-dev}-test"
start=$(date +%s)
DOCKER_BUILDKIT=1 docker build --tag "$image" .
echo "built $image ($(( $(date +%s) - start )) s)"
got="$(docker run --rm "$image" --version)"
case "$got" in
  "sellout ${version}"*) echo "ok  docker run $image --version: $got" ;;
  *) echo "FAIL docker run $image --version printed '$got', expected sellout $version"; exit 1 ;;
esac
# The image's working directory holds models/ and experiments/, as a checkout does.
docker run --rm "$image" check models/baseline.toml > /dev/null
echo "ok  docker run $image check models/baseline.toml"
