#!/usr/bin/env bash
# End-to-end test of `faceveil serve` in a real browser: starts the server
# on a free port, runs all.test.mjs (ui, review, errors and people.test.mjs in one
# node --test process, playwright-core driving Debian's /usr/bin/chromium),
# stops the server.
#
#   scripts/e2e/run.sh path/to/faceveil path/to/testdata
#
# Exits 77 (ctest: skipped) with the reason when Chromium, Node.js or
# playwright-core is missing; scripts/setup.sh --test installs all three.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "$1")"
testdata="$(realpath "$2")"
chromium="${FACEVEIL_CHROMIUM:-/usr/bin/chromium}"

skip() { echo "SKIPPED: $1 (scripts/setup.sh --test installs it)"; exit 77; }
[ -x "$chromium" ] || skip "no Chromium at $chromium"
command -v node >/dev/null 2>&1 || skip "no Node.js"
[ -f "$here/node_modules/playwright-core/package.json" ] ||
  skip "playwright-core is not installed in scripts/e2e (npm ci)"
[ -f "$testdata/astronaut.png" ] || skip "no test photos in $testdata"

work="$(mktemp -d "${TMPDIR:-/tmp}/faceveil-e2e-XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/cwd"
# The server's output files are made here, before it starts: a background
# job's redirections are opened by the forked child, so reading them right
# after `&` raced the child (sed: "can't read .../server.out", which under
# pipefail and -e ended the test at once; seen once in a loaded parallel
# ctest run, and 350 times in 2000 starts of the same shape on a busy
# machine).
: >"$work/server.out"
: >"$work/server.err"
(cd "$work/cwd" && exec "$binary" serve --port 0 --quiet) >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=""
status=""
for _ in $(seq 1 300); do
  port="$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$work/server.out" | head -n 1)"
  [ -n "$port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    wait "$server_pid" && status=0 || status=$?
    server_pid=""
    break
  fi
  sleep 0.1
done
if [ -z "$port" ]; then
  if [ -n "$status" ]; then
    echo "faceveil serve exited (status $status) before saying its port:" >&2
  else
    echo "faceveil serve did not say its port within 30 s:" >&2
  fi
  echo "--- stdout ($work/server.out):" >&2
  cat "$work/server.out" >&2
  echo "--- stderr:" >&2
  cat "$work/server.err" >&2
  exit 1
fi

FACEVEIL_URL="http://127.0.0.1:$port/" \
FACEVEIL_TESTDATA="$testdata" \
FACEVEIL_CHROMIUM="$chromium" \
E2E_WORK="$work" \
  node --test --test-reporter=spec "$here/all.test.mjs"
