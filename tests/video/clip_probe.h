// Reads video files back for the transcode tests, with libav* directly
// (independently of the code under test): every packet's hash and
// timestamp, metadata, display matrices, and decoded frames.
#ifndef FACEVEIL_TESTS_VIDEO_CLIP_PROBE_H_
#define FACEVEIL_TESTS_VIDEO_CLIP_PROBE_H_

extern "C" {
#include <libavformat/avformat.h>
}

#include <cstdint>
#include <functional>
#include <map>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "faceveil/status.h"

namespace faceveil::testing {

struct StreamProbe {
  AVMediaType type = AVMEDIA_TYPE_UNKNOWN;
  std::string codec;
  std::string pixel_format;  // video only
  int width = 0;             // video only
  int height = 0;            // video only
  std::map<std::string, std::string> metadata;
  bool has_display_matrix = false;
  double display_rotation_ccw = 0;      // av_display_rotation_get()
  std::vector<uint64_t> packet_hashes;  // FNV-1a of each packet's bytes
  std::vector<double> packet_pts_s;     // each packet's pts in seconds
};

struct ClipProbe {
  std::map<std::string, std::string> metadata;  // container level
  std::vector<StreamProbe> streams;
  double duration_s = 0;
  // The first stream of `type`, or null.
  const StreamProbe* First(AVMediaType type) const;
  int Count(AVMediaType type) const;
};

Result<ClipProbe> ProbeClip(const std::string& path);

// Decodes the first video stream and calls `fn` for each frame in
// presentation order with its BGR pixels as stored (no rotation applied)
// and its pts in seconds. Returns the number of frames.
Result<int> DecodeClip(const std::string& path,
                       const std::function<void(const cv::Mat&, double)>& fn);

// The whole file's bytes ("" when it cannot be read).
std::string ReadAll(const std::string& path);

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_VIDEO_CLIP_PROBE_H_
