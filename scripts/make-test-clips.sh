#!/usr/bin/env bash
# Makes the small video clips the video tests use, from the real photo
# .deps/testdata/astronaut.png (scripts/fetch-testdata.sh), with Debian's
# ffmpeg CLI. Nothing here is committed; clips are made at test time.
#
#   scripts/make-test-clips.sh           the test clips (a few seconds of CPU)
#   scripts/make-test-clips.sh --bench   also the 1080p benchmark clip
#
# Idempotent and safe to run from several test processes at once: a lock
# serializes runs, each clip is written under a temporary name and renamed,
# and clips that exist are kept. Bump `version` when a recipe changes.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v2
photo=.deps/testdata/astronaut.png
dest=.deps/testdata/clips/$version
bench=0
case "${1:-}" in
  --bench) bench=1 ;;
  "") ;;
  *) echo "usage: scripts/make-test-clips.sh [--bench]" >&2; exit 2 ;;
esac

command -v ffmpeg >/dev/null || { echo "ffmpeg CLI not found (apt-get install ffmpeg)" >&2; exit 1; }
[ -f "$photo" ] || bash scripts/fetch-testdata.sh
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9

ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }

# clip <name> <ffmpeg arguments without the output>: writes $dest/<name>.
clip() {
  local name=$1
  shift
  [ -f "$dest/$name" ] && return 0
  local tmp="$dest/tmp.$$.$name"
  ff "$@" "$tmp"
  mv -f "$tmp" "$dest/$name"
}

still=(-loop 1 -framerate 25 -i "$photo")
tone() { echo "sine=frequency=$1:sample_rate=48000"; }

# 640x360, 2 s, 25 fps pan over the photo; H.264 + AAC; location, title and
# device tags as a phone would write them.
clip pan.mp4 "${still[@]}" -f lavfi -i "$(tone 440)" \
  -filter_complex "[0:v]scale=1280:1280,crop=640:360:x='160*t':y='200+100*t',format=yuv420p[v]" \
  -map "[v]" -map 1:a -t 2 -c:v libx264 -preset veryfast -crf 28 -c:a aac -b:a 64k \
  -metadata title="Holiday" -metadata location="+48.8584+002.2945/" \
  -metadata make="Apple" -metadata model="iPhone 12"

# The same as QuickTime with Apple's mdta keys (an iPhone's location atoms).
clip pan.mov -i "$dest/pan.mp4" -c copy -movflags use_metadata_tags \
  -metadata com.apple.quicktime.location.ISO6709="+48.8584+002.2945+035.000/" \
  -metadata com.apple.quicktime.make=Apple \
  -metadata com.apple.quicktime.model="iPhone 12" \
  -metadata com.apple.quicktime.software="16.1"

# A phone video held upright: stored landscape with a 90-degree display
# matrix; plus the first frame as ffmpeg's CLI shows it (autorotated), the
# reference for "upright".
clip rotated.mp4 -i "$dest/pan.mp4" -c copy -metadata:s:v:0 rotate=90
clip rotated-first.png -i "$dest/rotated.mp4" -frames:v 1 -update 1

# Variable frame rate (25 fps, then 10 fps) MPEG-4 Part 2 + Opus + SubRip in
# Matroska.
printf '1\n00:00:00,200 --> 00:00:00,900\nHello\n\n2\n00:00:01,000 --> 00:00:01,800\nWorld\n' \
  >"$dest/subs.srt"
clip vfr-subs.mkv "${still[@]}" -f lavfi -i "$(tone 300)" -i "$dest/subs.srt" \
  -filter_complex "[0:v]scale=640:640,crop=320:240:x='100*t':y=100,setpts='if(lt(N,20),N/25,0.8+(N-20)/10)/TB',format=yuv420p[v]" \
  -map "[v]" -map 1:a -map 2:s -t 2 -fps_mode passthrough -c:v mpeg4 -q:v 5 \
  -c:a libopus -b:a 32k -c:s srt

# A drone's MP4 (DJI style): the pan's video and audio, its GPS telemetry as
# a mov_text subtitle track, a second video track and timecode data tracks
# (tmcd, one per video track).
printf '1\n00:00:00,000 --> 00:00:01,000\nF/2.8, SS 500, ISO 100, GPS (8.5432, 47.3761, 19), H 30.1m\n\n2\n00:00:01,000 --> 00:00:02,000\nF/2.8, SS 500, ISO 100, GPS (8.5433, 47.3762, 19), H 30.4m\n' \
  >"$dest/gps.srt"
clip drone.mp4 -i "$dest/pan.mp4" -i "$dest/gps.srt" -f lavfi -i "testsrc=size=160x90:rate=25" \
  -map 0:v -map 0:a -map 1:s -map 2:v -t 2 -c:v:0 copy -c:a copy -c:s mov_text \
  -c:v:1 libx264 -preset ultrafast -timecode 00:00:00:00

# WebM: VP8 + Opus, 1 s.
clip small.webm "${still[@]}" -f lavfi -i "$(tone 500)" \
  -filter_complex "[0:v]scale=320:320,crop=320:180:x=0:y='50*t',format=yuv420p[v]" \
  -map "[v]" -map 1:a -t 1 -c:v libvpx -b:v 300k -deadline realtime -cpu-used 8 \
  -c:a libopus -b:a 32k

# AVI: MJPEG + 16-bit PCM, 1 s.
clip small.avi "${still[@]}" -f lavfi -i "$(tone 600)" \
  -filter_complex "[0:v]scale=320:320,crop=320:240:x='50*t':y=0,format=yuvj420p[v]" \
  -map "[v]" -map 1:a -t 1 -c:v mjpeg -q:v 5 -c:a pcm_s16le

# HEVC 10-bit (as newer phones record HDR-less 10-bit), 1 s, no audio.
clip hevc10.mkv "${still[@]}" -t 1 \
  -vf "scale=320:320,crop=320:240:x=0:y='40*t',format=yuv420p10le" \
  -c:v libx265 -preset ultrafast -x265-params log-level=error

# Odd frame size (4:2:0 output needs even sizes), lossless FFV1, 10 frames.
clip odd.mkv "${still[@]}" -frames:v 10 \
  -vf "scale=161:161,crop=161:121:x=0:y='20*t'" -c:v ffv1

# Truncated: the index first (faststart), then only 60% of the file, as an
# interrupted copy leaves it. A second cut keeps too little to hold the index.
if [ ! -f "$dest/truncated.mp4" ]; then
  ff -i "$dest/pan.mp4" -c copy -movflags +faststart "$dest/tmp.$$.fs.mp4"
  size=$(stat -c %s "$dest/tmp.$$.fs.mp4")
  head -c $((size * 6 / 10)) "$dest/tmp.$$.fs.mp4" >"$dest/tmp.$$.truncated.mp4"
  head -c 2000 "$dest/tmp.$$.fs.mp4" >"$dest/tmp.$$.headonly.mp4"
  rm -f "$dest/tmp.$$.fs.mp4"
  mv -f "$dest/tmp.$$.headonly.mp4" "$dest/headonly.mp4"
  mv -f "$dest/tmp.$$.truncated.mp4" "$dest/truncated.mp4"
fi

# The benchmark clip: 1920x1080, 5 s, 30 fps H.264 (High, CRF 20) + AAC. Film
# grain (temporal noise) brings the bitrate to what a phone records (~10-20
# Mbit/s); a clean pan over a still would decode unrealistically fast.
if [ "$bench" = 1 ]; then
  clip bench-1080p-grain.mp4 -loop 1 -framerate 30 -i "$photo" -f lavfi -i "$(tone 440)" \
    -filter_complex "[0:v]scale=3840:3840,crop=1920:1080:x='300*t':y='1200+150*t',noise=alls=6:allf=t,format=yuv420p[v]" \
    -map "[v]" -map 1:a -t 5 -c:v libx264 -preset veryfast -crf 20 -c:a aac -b:a 128k
fi
