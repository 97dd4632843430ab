#!/usr/bin/env bash
# Seed corpora for the fuzz targets, made from the real files in .deps/
# (models from scripts/fetch-models.sh, photos from
# scripts/fetch-testdata.sh) with ffmpeg and exiv2. Nothing binary is
# committed; fuzz/seeds/http/*.txt are the only hand-written seeds.
#
#   fuzz/make-seeds.sh OUT_DIR    -> OUT_DIR/{tflite,image,metadata,http}_fuzz/
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: fuzz/make-seeds.sh OUT_DIR}
models=.deps/models
photos=.deps/testdata
for f in "$models/short_range.tflite" "$photos/messi5.jpg" "$photos/astronaut.png"; do
  [ -f "$f" ] || { echo "missing $f: run scripts/setup.sh --test" >&2; exit 1; }
done
rm -rf "$out"
mkdir -p "$out"/{tflite,image,metadata,http}_fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# tflite_fuzz: each model whole, and cut at a few points (a truncated
# download is the likeliest real damage).
for m in "$models"/*.tflite; do
  name=$(basename "$m" .tflite)
  cp "$m" "$out/tflite_fuzz/$name"
  size=$(stat -c %s "$m")
  for cut in 64 4096 $((size / 2)) $((size - 16)); do
    head -c "$cut" "$m" >"$out/tflite_fuzz/$name-cut$cut"
  done
done

# Small real photos in every format the decoder sniffs, plus GIF (not
# supported: the refusal path). Sizes stay under image_fuzz's 256x256 cap
# and keep the faces large enough to be found.
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
ff -i "$photos/messi5.jpg" -vf scale=192:120 "$work/messi.png"
ff -i "$photos/astronaut.png" -vf scale=96:96 "$work/astro.png"
for base in messi astro; do
  src="$work/$base.png"
  ff -i "$src" -q:v 5 "$work/$base.jpg"
  ff -i "$src" -c:v libwebp -quality 60 "$work/$base.webp"
  ff -i "$src" -c:v tiff -compression_algo deflate "$work/$base.tiff"
  ff -i "$src" -c:v bmp "$work/$base.bmp"
  ff -i "$src" "$work/$base.gif"
  ff -i "$src" -pix_fmt gray "$work/$base-gray.png"
  ff -i "$src" -pix_fmt rgba64be "$work/$base-16bit.png"
done
ff -i "$work/astro.png" -vf scale=64:48 -pix_fmt yuv422p -q:v 3 "$work/tiny422.jpg"

# EXIF (with GPS, orientation, camera, owner), XMP and IPTC, as a phone or
# a photo manager writes them; exiv2 writes JPEG, PNG, WebP and TIFF.
tag() {
  exiv2 -q \
    -M"set Exif.Image.Make FuzzCam" -M"set Exif.Image.Model F1" \
    -M"set Exif.Image.Orientation 6" \
    -M"set Exif.Photo.DateTimeOriginal 2024:05:01 10:00:00" \
    -M"set Exif.Photo.BodySerialNumber 123456" \
    -M"set Exif.Image.Artist Jane Doe" \
    -M"set Exif.GPSInfo.GPSLatitudeRef N" \
    -M"set Exif.GPSInfo.GPSLatitude 48/1 51/1 2413/100" \
    -M"set Xmp.dc.creator Jane Doe" -M"set Xmp.photoshop.City Paris" \
    -M"set Iptc.Application2.City Paris" \
    -M"set Iptc.Application2.Byline Jane Doe" \
    mo "$1" 2>/dev/null || true
}
for f in messi.jpg astro.png messi.webp astro.tiff tiny422.jpg; do
  cp "$work/$f" "$work/meta-$f"
  tag "$work/meta-$f"
done

# image_fuzz: the last byte picks the pipeline variant (see image_fuzz.cpp).
i=0
for f in "$work"/*.{jpg,png,webp,tiff,bmp,gif}; do
  i=$((i + 1))
  cp "$f" "$out/image_fuzz/$(basename "$f")"
  { cat "$f"; printf "\\$(printf %03o $(((i * 37) % 256)))"; } \
    >"$out/image_fuzz/v$i-$(basename "$f")"
done

# metadata_fuzz: the first byte picks the mode (see metadata_fuzz.cpp).
for f in "$work"/meta-* "$work"/messi.jpg; do
  for mode in 0 2 6 10 14; do
    { printf "\\$(printf %03o "$mode")"; cat "$f"; } \
      >"$out/metadata_fuzz/m$mode-$(basename "$f")"
  done
done
{ printf '\001'; cat "$work/meta-messi.jpg"; } >"$out/metadata_fuzz/m1-rewrite.jpg"
{ printf '\005'; cat "$work/meta-astro.png"; } >"$out/metadata_fuzz/m5-rewrite.png"

# http_fuzz: the hand-written requests, and real uploads built around the
# small photos (raw body and multipart). PORT becomes the server's port.
cp fuzz/seeds/http/*.txt "$out/http_fuzz/"
crlf() { printf '%s\r\n' "$@"; }
raw_upload() {  # path content-type file
  local len
  len=$(stat -c %s "$3")
  { crlf "POST $1 HTTP/1.1" "Host: 127.0.0.1:PORT" "Content-Type: $2" \
      "Content-Length: $len" ""; cat "$3"; }
}
multipart_upload() {  # path file type extra-field-name extra-field-value
  local b=fuzzboundary body="$work/body"
  { crlf "--$b" 'Content-Disposition: form-data; name="image"; filename="x"' \
      "Content-Type: $3" ""; cat "$2"; crlf ""
    if [ -n "${4:-}" ]; then
      crlf "--$b" "Content-Disposition: form-data; name=\"$4\"" "" "$5"
    fi
    crlf "--$b--"; } >"$body"
  { crlf "POST $1 HTTP/1.1" "Host: 127.0.0.1:PORT" \
      "Content-Type: multipart/form-data; boundary=$b" \
      "Content-Length: $(stat -c %s "$body")" ""; cat "$body"; }
}
raw_upload /api/detect image/jpeg "$work/tiny422.jpg" >"$out/http_fuzz/detect-raw"
raw_upload "/api/anonymize?style=pixelate&format=png" image/png \
  "$work/astro.png" >"$out/http_fuzz/anon-raw"
multipart_upload /api/anonymize "$work/tiny422.jpg" image/jpeg regions \
  '[[1,2,30,20],[0,0,5,5]]' >"$out/http_fuzz/anon-regions"
multipart_upload /api/anonymize "$work/tiny422.jpg" image/jpeg faces \
  '[{"box":[10,10,20,20],"score":0.9}]' >"$out/http_fuzz/anon-faces"
multipart_upload "/api/detect?mode=fast" "$work/meta-tiny422.jpg" image/jpeg \
  >"$out/http_fuzz/detect-multipart"
# Two requests on one keep-alive connection.
{ cat fuzz/seeds/http/health.txt; cat "$out/http_fuzz/detect-raw"; } \
  >"$out/http_fuzz/keepalive"

echo "seeds: $(for d in "$out"/*; do printf '%s=%s ' "$(basename "$d")" \
  "$(ls "$d" | wc -l)"; done)" >&2
