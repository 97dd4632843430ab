#!/usr/bin/env bash
# Hardening checks; CI runs this after `scripts/setup.sh --test` (which
# installed clang, built build/ and ran every test there).
#
#   1. One clang build (build-asan/) with AddressSanitizer + UBSan
#      (-fno-sanitize-recover: any UB fails) and -fsanitize=fuzzer-no-link;
#      every test runs there with LeakSanitizer on, one process per test
#      executable (FACEVEIL_TEST_PER_EXECUTABLE: each process start loads
#      ~230 shared libraries under ASan, and there are ~590 tests).
#   2. Each libFuzzer target in fuzz/ runs for FUZZ_SECONDS (two at once)
#      from seed corpora made here from real files (.deps/).
#   3. The server load test (tests/server/load_test.cpp, already run by
#      ctest) once more at a larger size, printing requests/s, latency
#      percentiles and peak RSS (scripts/load-test.sh).
#
# Environment: FUZZ_SECONDS (default 30), HARDENING_BUILD (build-asan),
# HARDENING_SKIP_TESTS=1 to only fuzz. A crash leaves its input in
# $HARDENING_BUILD/fuzz-artifacts/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${HARDENING_BUILD:-build-asan}
fuzz_seconds=${FUZZ_SECONDS:-30}
jobs=$(nproc)

step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS" >&2; }

# -O1: the level the sanitizers are meant for, and quicker to compile than
# -O3 (the CI budget: this build is most of this script's time); the heavy
# numeric work is in uninstrumented OpenCV either way.
step "sanitized build ($build)"
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG -gline-tables-only" \
  -DFACEVEIL_SANITIZE=ON -DFACEVEIL_FUZZ=ON -DFACEVEIL_TEST_PER_EXECUTABLE=ON \
  -DFACEVEIL_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j "$jobs"

# halt_on_error: the first report fails the test. detect_leaks needs ptrace,
# which LeakSanitizer uses to stop threads; it works in an unprivileged
# container as long as ptrace is not forbidden (checked below).
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# OpenCV's and FFmpeg's own thread pools and libheif's plugin registry are
# allocated once per process and never freed; they are not ours.
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0

step "LeakSanitizer self-check"
leak_check=$(mktemp -d)
printf '#include <cstdlib>\nint main(){void* p=malloc(77);p=nullptr;return 0;}\n' \
  >"$leak_check/leak.cpp"
clang++ -fsanitize=address -g "$leak_check/leak.cpp" -o "$leak_check/leak"
if "$leak_check/leak" 2>"$leak_check/err"; then
  echo "LeakSanitizer did not run (ptrace forbidden?): leaks go unnoticed" >&2
  cat "$leak_check/err" >&2
  exit 1
fi
grep -q "77 byte(s) leaked" "$leak_check/err" ||
  { cat "$leak_check/err" >&2; exit 1; }
rm -rf "$leak_check"

if [ "${HARDENING_SKIP_TESTS:-0}" != 1 ]; then
  step "every test under ASan + UBSan + LSan"
  # server_e2e_browser: Chromium is not instrumented and the page's server
  # side is already covered by the API tests; under ASan the browser run
  # only measures timeouts.
  ctest --test-dir "$build" --output-on-failure -j "$jobs" \
    -E '^server_e2e_browser$' --timeout 900
fi

step "seed corpora"
bash fuzz/make-seeds.sh "$build/fuzz-seeds"

step "fuzz regressions (fuzz/regressions/TARGET/)"
# Inputs that once failed, replayed once each before any new fuzzing.
for dir in fuzz/regressions/*/; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  "$build/fuzz/$name" "$dir"* >/dev/null 2>&1 ||
    { echo "regression input of $name fails again" >&2; exit 1; }
done

step "fuzzing, ${fuzz_seconds}s per target"
mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"
fuzz() {
  local name=$1
  shift
  local corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  # The new corpus directory first (it grows), then the seeds (read only).
  "$build/fuzz/$name" "$corpus" "$build/fuzz-seeds/$name" \
    -max_total_time="$fuzz_seconds" -timeout=20 -rss_limit_mb=3072 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name-" \
    "$@" >"$build/fuzz-logs/$name.log" 2>&1
}
summary() {
  local name=$1 log="$build/fuzz-logs/$1.log"
  local last
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  printf '%-14s %s | %s\n' "$name" "$last" \
    "$(grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec' "$log" |
      tr -s ' ' | tr '\n' ' ')" >&2
}
failed=0
run_pair() {
  local pids=() names=()
  for spec in "$@"; do
    # spec: name[:extra libFuzzer flag]
    local name=${spec%%:*} extra=""
    [ "$spec" != "$name" ] && extra=${spec#*:}
    fuzz "$name" $extra &
    pids+=($!)
    names+=("$name")
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "FUZZ FAILURE in ${names[$i]}: see $build/fuzz-logs/${names[$i]}.log" >&2
      tail -n 60 "$build/fuzz-logs/${names[$i]}.log" >&2
      failed=1
    fi
    summary "${names[$i]}"
  done
}
run_pair tflite_fuzz:-max_len=1200000 image_fuzz:-max_len=131072
run_pair metadata_fuzz:-max_len=65536 \
  "http_fuzz:-dict=fuzz/http.dict"
if [ "$failed" != 0 ]; then
  echo "fuzzing found crashes; inputs in $build/fuzz-artifacts/" >&2
  exit 1
fi

step "load test of faceveil serve"
bash scripts/load-test.sh

step "hardening passed"
