#!/usr/bin/env bash
# Unity builds (CMAKE_UNITY_BUILD, DEVELOPERS.md) compile several .cpp files
# as one, so a file-local function (anonymous namespace or `static`) sees the
# file-local functions of the files before it. Two with the same name and
# different parameters do not clash: they overload, and a call may silently
# pick the other file's one (PNG's AppendChunk(out, const char*) once wrote
# WebP chunks). This fails when a name is defined file-locally in two files
# that can share a batch:
#   - src/ and tools/: any two files (the library and the command);
#   - tests/<part>/: any two files of the same folder (bench/ and fuzz/
#     build one executable per file).
# It reads function definitions that start a line (Google style), so it is a
# guard for this codebase's layout, not a C++ parser.
#
#   scripts/check-local-names.sh [REPO_ROOT]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

# "name file" for each file-local function definition in the given files.
local_functions() {
  awk '
    FNR == 1 { anon = 0 }
    /^namespace \{/ { anon = 1; next }
    /^\}  \/\/ namespace$/ { anon = 0; next }
    {
      line = $0
      if (line ~ /^(return|if|for|while|switch|namespace|using|typedef|struct|class|enum|template|#)/) next
      if (anon && line ~ /^[A-Za-z_][A-Za-z0-9_:<>,*& ]* [*&]?[A-Za-z_][A-Za-z0-9_]*\(/ ||
          line ~ /^static [A-Za-z_].* [*&]?[A-Za-z_][A-Za-z0-9_]*\(/) {
        s = line
        sub(/\(.*/, "", s)
        n = split(s, parts, /[ *&]+/)
        name = parts[n]
        if (name != "" && name !~ /^operator/) print name, FILENAME
      }
    }' "$@"
}

# Prints "name: file file..." for each name defined in more than one file.
duplicates() {
  [ "$#" -gt 0 ] || return 0
  local_functions "$@" | sort -u |
    awk '{ count[$1]++; files[$1] = files[$1] " " $2 }
         END { for (n in count) if (count[n] > 1) print n ":" files[n] }'
}

found=$(
  mapfile -t code < <(git ls-files 'src/*.cpp' 'tools/*.cpp' 2>/dev/null ||
    find src tools -name '*.cpp')
  duplicates "${code[@]}"
  for dir in tests/*/; do
    [ -d "$dir" ] || continue
    mapfile -t files < <(find "$dir" -maxdepth 1 -name '*.cpp' | sort)
    duplicates "${files[@]}"
  done
)
if [ -n "$found" ]; then
  echo "File-local functions with the same name in files that may share a" >&2
  echo "unity batch (give each a distinct name, or share one in a header):" >&2
  echo "$found" | sort >&2
  exit 1
fi
echo "file-local function names are distinct"
