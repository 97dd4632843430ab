#!/usr/bin/env bash
# Sets up everything faceveil needs on Debian 12 and builds it.
# Idempotent: packages already installed and models already fetched are kept.
#
#   scripts/setup.sh          install packages, fetch models, build build/faceveil
#   scripts/setup.sh --test   the same plus test data, then run every test
set -euo pipefail
cd "$(dirname "$0")/.."

mode=build
case "${1:-}" in
  --test) mode=test ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

# Build and runtime dependencies, all from Debian 12.
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libopencv-dev libflatbuffers-dev flatbuffers-compiler
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  libexiv2-dev libheif-dev libcpp-httplib-dev
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev
  opencv-doc clang-format
)
# Tools the tests use: real photos and clips, metadata writers, a browser,
# clang with its sanitizer and libFuzzer runtimes (scripts/hardening.sh).
test_packages=(exiv2 ffmpeg chromium clang libclang-rt-14-dev)
command -v npm >/dev/null 2>&1 || packages+=(npm)
[ "$mode" = test ] && packages+=("${test_packages[@]}")

source scripts/need-packages.sh
need_packages "${packages[@]}"

if [ "$mode" = test ]; then
  bash scripts/fetch-models.sh test
  bash scripts/fetch-testdata.sh
  # The browser test's driver, pinned by scripts/e2e/package-lock.json; it
  # drives Debian's chromium, so no browser is downloaded.
  if ! cmp -s scripts/e2e/package-lock.json scripts/e2e/node_modules/.installed-lock.json; then
    (cd scripts/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
      cp package-lock.json node_modules/.installed-lock.json)
  fi
  # The SSD oracle (tests/ssd): face-api and TensorFlow.js's WebAssembly
  # backend, pinned by scripts/oracle/package-lock.json; no install scripts,
  # so nothing native is downloaded.
  if ! cmp -s scripts/oracle/package-lock.json scripts/oracle/node_modules/.installed-lock.json; then
    (cd scripts/oracle && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null &&
      cp package-lock.json node_modules/.installed-lock.json)
  fi
else
  bash scripts/fetch-models.sh embed
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DFACEVEIL_BUILD_TESTS=$([ "$mode" = test ] && echo ON || echo OFF) \
  -DFACEVEIL_BUILD_BENCHMARKS=$([ "$mode" = test ] && echo ON || echo OFF) >/dev/null
cmake --build build -j "$(nproc)"

if [ "$mode" = test ]; then
  bash scripts/check-format.sh
  ctest --test-dir build --output-on-failure -j "$(nproc)"
fi
