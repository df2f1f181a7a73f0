#!/usr/bin/env bash
# Installs tinyfit's Debian packages (only what is missing; apt-get update only then), configures and
# builds Release into ./build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang
  libgtest-dev libgmock-dev libbenchmark-dev
  libflatbuffers-dev flatbuffers-compiler
  libsndfile1-dev libfftw3-dev zlib1g-dev
  libcurl4-openssl-dev libarchive-dev libssl-dev
  libcli11-dev nlohmann-json3-dev
  python3-numpy python3-scipy python3-soundfile
  gnuplot-nox weasyprint poppler-utils
  libtorch-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

BUILD_DIR=${TINYFIT_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$BUILD_DIR" -j "$(nproc)" >&2
