#!/usr/bin/env bash
# Puts real photos for the tests into .deps/testdata, taken from Debian
# packages (no image is committed to the repository). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.deps/testdata
mkdir -p "$dest"

# opencv-doc (installed by setup.sh): one clear face plus a crowd.
cp -f /usr/share/doc/opencv-doc/examples/data/messi5.jpg "$dest/messi5.jpg"

# python3-skimage: NASA's astronaut portrait (public domain), extracted from
# the .deb without installing the package or Python.
if [ ! -f "$dest/astronaut.png" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -qq python3-skimage >/dev/null 2>&1 ||
     { apt-get update -qq && apt-get download -qq python3-skimage >/dev/null; })
  dpkg -x "$work"/python3-skimage_*.deb "$work/x"
  cp "$(find "$work/x" -name astronaut.png | head -n 1)" "$dest/astronaut.png"
fi
