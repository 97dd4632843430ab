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
(cd "$work/cwd" && exec "$binary" serve --port 0 --quiet) >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$work/server.out" | head -n 1)"
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "faceveil serve did not start:" >&2
  cat "$work/server.err" >&2
  exit 1
fi

FACEVEIL_URL="http://127.0.0.1:$port/" \
FACEVEIL_TESTDATA="$testdata" \
FACEVEIL_CHROMIUM="$chromium" \
E2E_WORK="$work" \
  node --test --test-reporter=spec "$here/all.test.mjs"
