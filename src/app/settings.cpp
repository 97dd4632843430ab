#include "faceveil/settings.h"

#include <charconv>
#include <cstdio>
#include <functional>
#include <map>

namespace faceveil {

namespace {

Result<float> ParseSettingFloat(const std::string& name,
                                const std::string& text, float lo, float hi) {
  float v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || !(v >= lo && v <= hi)) {
    char range[64];
    std::snprintf(range, sizeof range, "%g to %g", lo, hi);
    return Status::InvalidArgument(name + " must be a number from " + range +
                                   ", not '" + text + "'");
  }
  return v;
}

Result<int> ParseInt(const std::string& name, const std::string& text, int lo,
                     int hi) {
  int v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || v < lo || v > hi) {
    return Status::InvalidArgument(name + " must be a whole number from " +
                                   std::to_string(lo) + " to " +
                                   std::to_string(hi) + ", not '" + text + "'");
  }
  return v;
}

Result<bool> ParseBool(const std::string& name, const std::string& text) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") {
    return true;
  }
  if (text == "0" || text == "false" || text == "no" || text == "off") {
    return false;
  }
  return Status::InvalidArgument(name + " must be true or false, not '" + text +
                                 "'");
}

template <typename T>
Status Assign(Result<T> parsed, T* field) {
  if (!parsed.ok()) return parsed.status();
  *field = *parsed;
  return Status::Ok();
}

using Setter = std::function<Status(PipelineOptions*, const std::string&)>;

const std::map<std::string, Setter>& Setters() {
  static const auto* setters = new std::map<std::string, Setter>{
      {"model",
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseModelKind(v), &o->detector.model);
       }},
      // Drops a threshold chosen before, so that the one measured for the
      // mode and the pipeline's models applies (ScoreThreshold()):
      // "threshold" sorts after "mode", so an explicit threshold in the
      // same request still wins.
      {"mode",
       [](PipelineOptions* o, const std::string& v) {
         Result<DetectionMode> mode = ParseDetectionMode(v);
         if (!mode.ok()) return mode.status();
         o->detector.mode = *mode;
         o->detector.score_threshold.reset();
         return Status::Ok();
       }},
      {"min-face",
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseSettingFloat("min-face", v, 0, 4096),
                       &o->detector.min_face_px);
       }},
      {"threshold",
       [](PipelineOptions* o, const std::string& v) {
         Result<float> threshold = ParseSettingFloat("threshold", v, 0, 1);
         if (!threshold.ok()) return threshold.status();
         o->detector.score_threshold = *threshold;
         return Status::Ok();
       }},
      {"style",
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseAnonymizeStyle(v), &o->anonymize.style);
       }},
      {"shape",
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseMaskShape(v), &o->anonymize.shape);
       }},
      {"mask-scale",
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseSettingFloat("mask-scale", v, 1, 4),
                       &o->anonymize.mask_scale);
       }},
      {"strength",
       [](PipelineOptions* o, const std::string& v) {
         return Assign(
             ParseSettingFloat("strength", v, kMinStrength, kMaxStrength),
             &o->anonymize.strength);
       }},
      {"color",
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseColor(v), &o->anonymize.color);
       }},
      {"outline",
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseBool("outline", v), &o->anonymize.outline);
       }},
      {"format",
       [](PipelineOptions* o, const std::string& v) {
         if (v == "same") {
           o->output_format = ImageFormat::kUnknown;
           return Status::Ok();
         }
         return Assign(ParseImageFormat(v), &o->output_format);
       }},
      {"quality",
       [](PipelineOptions* o, const std::string& v) {
         Status s =
             Assign(ParseInt("quality", v, 1, 100), &o->encode.jpeg_quality);
         if (s.ok()) o->encode.webp_quality = o->encode.jpeg_quality;
         return s;
       }},
      {"keep-metadata",
       [](PipelineOptions* o, const std::string& v) {
         // The documented names are none|safe; "strip" (the library's name
         // for none) is accepted too, but errors speak as the docs do.
         Result<MetadataPolicy> policy = ParseMetadataPolicy(
             v == "none"
                 ? std::string(MetadataPolicyName(MetadataPolicy::kStrip))
                 : v);
         if (!policy.ok()) {
           return Status::InvalidArgument(
               "keep-metadata must be none or safe, not '" + v + "'");
         }
         o->metadata = *policy;
         return Status::Ok();
       }},
  };
  return *setters;
}

}  // namespace

const std::vector<SettingInfo>& AnonymizeSettings() {
  static const auto* infos = new std::vector<SettingInfo>{
      {"style", "blur|pixelate|solid",
       "how faces are hidden: a strong blur that grows with the face, large "
       "blocks, or a solid fill",
       "blur"},
      {"shape", "box|ellipse", "the shape of each mask", "box"},
      {"mask-scale", "X",
       "mask size as a multiple of the detected face box (1 to 4); the "
       "default also covers hair line, ears and chin",
       "1.3"},
      {"strength", "X",
       "blur/pixel strength (0.8 to 4); 1 is already unrecognisable, higher "
       "hides more",
       "1"},
      {"color", "COLOR",
       "fill colour for --style solid: #rrggbb, black, "
       "white or gray",
       "black"},
      {"outline", "true|false", "draw a green marker around each hidden face",
       "false"},
      {"format", "same|jpg|png|webp|bmp|tiff",
       "output image format; 'same' keeps the input's (HEIC is written as "
       "JPEG)",
       "same"},
      {"quality", "1-100", "JPEG/WebP quality", "92"},
      {"keep-metadata", "none|safe",
       "none: strip all metadata (the colour profile is kept); safe: also keep "
       "capture date and camera model. GPS, serial numbers, owner names and "
       "thumbnails are never kept",
       "none"},
  };
  return *infos;
}

Status ApplySetting(PipelineOptions* options, const std::string& name,
                    const std::string& value) {
  auto it = Setters().find(name);
  if (it == Setters().end()) {
    return Status::InvalidArgument("unknown setting '" + name + "'");
  }
  return it->second(options, value);
}

Result<cv::Scalar> ParseColor(const std::string& text) {
  if (text == "black") return cv::Scalar(0, 0, 0);
  if (text == "white") return cv::Scalar(255, 255, 255);
  if (text == "gray" || text == "grey") return cv::Scalar(128, 128, 128);
  if (text.size() == 7 && text[0] == '#') {
    unsigned rgb = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data() + 1, end, rgb, 16);
    if (ec == std::errc() && ptr == end) {
      return cv::Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff);
    }
  }
  return Status::InvalidArgument(
      "color must be #rrggbb, black, white or "
      "gray, not '" +
      text + "'");
}

}  // namespace faceveil
