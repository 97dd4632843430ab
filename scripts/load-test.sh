#!/usr/bin/env bash
# Load test of `faceveil serve` at a larger size than ctest's, for the
# figures: requests/s, latency p50/p95/p99 and peak RSS, within and above
# the server's concurrency limit. What it checks is in
# tests/server/load_test.cpp (every request answered, no 5xx for bad input,
# bounded memory, healthy afterwards); speed is printed, never asserted.
#
#   scripts/load-test.sh [BUILD_DIR] [REQUESTS_PER_PHASE]   (build, 400)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
requests=${2:-400}
test_binary="$build/tests/server/server_load_test"
[ -x "$test_binary" ] || cmake --build "$build" --target server_load_test faceveil_cli
FACEVEIL_LOAD_REQUESTS=$requests "$test_binary" --gtest_brief=1 |
  grep -E '^\[load\]|FAILED|PASSED'
