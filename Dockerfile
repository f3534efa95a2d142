# syntax=docker/dockerfile:1
#
# sellout in a container: the binary, the shipped models and the experiments.
#
#   docker build -t sellout:0.1.0 .
#   docker run --rm -v "$PWD/out:/sellout/out" sellout:0.1.0 run models/baseline.toml
#
# Both stages follow Debian stable (rust:1-slim is built on it), so the binary's
# glibc is never newer than the runtime's.

FROM rust:1-slim AS build
WORKDIR /src
COPY . .
# --locked: the image builds exactly the dependency versions in Cargo.lock.
# The cache mounts keep the registry and target between builds (BuildKit).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin sellout \
    && cp target/release/sellout /usr/local/bin/sellout

FROM debian:stable-slim
COPY --from=build /usr/local/bin/sellout /usr/local/bin/sellout
# Relative paths work as in a checkout: `sellout sweep experiments/…/sweep.toml`
# finds ../../models/…, and outputs go to /sellout/out unless --out says otherwise.
WORKDIR /sellout
COPY models/ models/
COPY experiments/ experiments/
ENTRYPOINT ["sellout"]
CMD ["--help"]
