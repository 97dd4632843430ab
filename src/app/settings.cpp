#include "faceveil/settings.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

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

// "%g": the shortest text that reads back as the same float.
std::string FormatFloat(float v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

std::string FormatColor(const cv::Scalar& bgr) {
  for (const char* name : {"black", "white", "gray"}) {
    const cv::Scalar named = *ParseColor(name);
    if (named[0] == bgr[0] && named[1] == bgr[1] && named[2] == bgr[2]) {
      return name;
    }
  }
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x",
                static_cast<unsigned>(bgr[2]) & 0xff,
                static_cast<unsigned>(bgr[1]) & 0xff,
                static_cast<unsigned>(bgr[0]) & 0xff);
  return text;
}

// A row's SettingInfo; its default_value is filled in by MakeTable().
SettingInfo Info(const char* name, const char* group, std::string value_name,
                 const char* help, bool loads = false, bool listed = true) {
  return SettingInfo{name,  group, std::move(value_name), help, "",
                     loads, listed};
}

// A row only the command line gives (SettingInfo::in_requests): the web API
// refuses it and the page does not list it. `in_help` false: an expert flag
// that --help leaves out.
SettingInfo CommandLineOnly(SettingInfo info, bool in_help = true) {
  info.listed = false;
  info.in_requests = false;
  info.in_help = in_help;
  return info;
}

using Setter = std::function<Status(PipelineOptions*, const std::string&)>;
using Getter = std::function<std::string(const PipelineOptions&)>;

// One row of the settings table: what front ends show (its default_value
// is filled from `get` of the built-in options), how it is set and read.
struct Setting {
  SettingInfo info;
  Setter set;
  Getter get;
};

// An expert on|off switch of the detector, for measuring: command line
// only, left out of --help.
Setting ExpertSwitch(const char* name, const char* help,
                     bool DetectOptions::*field) {
  return {CommandLineOnly(Info(name, "detect", "on|off", help),
                          /*in_help=*/false),
          [name, field](PipelineOptions* o, const std::string& v) {
            return Assign(ParseBool(name, v), &(o->detector.*field));
          },
          [field](const PipelineOptions& o) {
            return std::string(o.detector.*field ? "on" : "off");
          }};
}

// The one table of settings, in the order --help and /api/settings list
// them.
std::vector<Setting> MakeTable() {
  std::string modes;
  for (DetectionMode mode :
       {DetectionMode::kSingle, DetectionMode::kFast, DetectionMode::kBalanced,
        DetectionMode::kThorough}) {
    if (!modes.empty()) modes += '|';
    modes += DetectionModeName(mode);
  }
  std::string models;
  for (ModelKind kind : {ModelKind::kFullRange, ModelKind::kFullRangeSparse,
                         ModelKind::kShortRange}) {
    if (!models.empty()) models += '|';
    models += ModelKindName(kind);
  }
  std::string detectors;
  for (DetectorModels m :
       {DetectorModels::kEnsemble, DetectorModels::kBlazeFace,
        DetectorModels::kSsd, DetectorModels::kCrowdNet}) {
    if (!detectors.empty()) detectors += '|';
    detectors += DetectorModelsName(m);
  }
  std::vector<Setting> table = {
      {Info("mode", "detect", modes,
            "how hard to look for small faces: single looks at the whole image "
            "once; fast, balanced and thorough also look at tiles, slower and "
            "finding smaller faces"),
       // Drops a threshold chosen before, so that the one measured for the
       // mode and the pipeline's models applies (ScoreThreshold()):
       // ApplySetting() is called in name order ("mode" < "threshold"), so
       // an explicit threshold in the same request still wins.
       [](PipelineOptions* o, const std::string& v) {
         Result<DetectionMode> mode = ParseDetectionMode(v);
         if (!mode.ok()) return mode.status();
         o->detector.mode = *mode;
         o->detector.score_threshold.reset();
         return Status::Ok();
       },
       [](const PipelineOptions& o) {
         return std::string(DetectionModeName(o.detector.mode));
       }},
      // The back end: the page does not offer it, so the API does not take
      // it. Like the mode, it drops a threshold chosen before it.
      {CommandLineOnly(
           Info("detector", "detect", detectors,
                "which networks look for faces: the ensemble finds the most; "
                "blazeface, ssd or crowdnet alone (see below)")),
       [](PipelineOptions* o, const std::string& v) {
         Result<DetectorModels> models = ParseDetectorModels(v);
         if (!models.ok()) return models.status();
         o->detector.models = *models;
         o->detector.score_threshold.reset();
         return Status::Ok();
       },
       [](const PipelineOptions& o) {
         return std::string(DetectorModelsName(o.detector.models));
       }},
      {Info("model", "detect", models,
            "detection model: full finds faces near and far, full-sparse is "
            "faster, short is for faces close to the camera",
            /*loads=*/true),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseModelKind(v), &o->detector.model);
       },
       [](const PipelineOptions& o) {
         return std::string(ModelKindName(o.detector.model));
       }},
      {Info("threshold", "detect", "X",
            "minimum face score (0 to 1): lower finds more faces, and more "
            "false ones. Unset, each mode and detector has its own measured "
            "one"),
       [](PipelineOptions* o, const std::string& v) {
         Result<float> threshold = ParseSettingFloat("threshold", v, 0, 1);
         if (!threshold.ok()) return threshold.status();
         o->detector.score_threshold = *threshold;
         return Status::Ok();
       },
       [](const PipelineOptions& o) {
         return FormatFloat(ScoreThreshold(o.detector));
       }},
      // Accepted from the API as on the command line (--min-face), but not
      // on the page, which has no use for it.
      {Info("min-face", "detect", "PX",
            "smallest face height in pixels that balanced and thorough look "
            "for; smaller costs more time (0: the mode's own, 20 in balanced, "
            "12 in thorough)",
            /*loads=*/false, /*listed=*/false),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseSettingFloat("min-face", v, 0, 4096),
                       &o->detector.min_face_px);
       },
       [](const PipelineOptions& o) {
         return FormatFloat(o.detector.min_face_px);
       }},
      {CommandLineOnly(Info("nms-threshold", "detect", "X",
                            "overlapping detections with IoU above this (0 "
                            "to 1) are merged into one face")),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseSettingFloat("nms-threshold", v, 0, 1),
                       &o->detector.nms_iou_threshold);
       },
       [](const PipelineOptions& o) {
         return FormatFloat(o.detector.nms_iou_threshold);
       }},
      // A file the process reads: never from a request. Empty: the
      // embedded model.
      {CommandLineOnly(
           Info("model-file", "detect", "FILE",
                "load this .tflite file instead of the built-in BlazeFace "
                "model; it must have the input size and outputs of --model",
                /*loads=*/true)),
       [](PipelineOptions* o, const std::string& v) {
         std::error_code ec;
         if (!v.empty() && !std::filesystem::is_regular_file(v, ec)) {
           return Status::InvalidArgument("model-file must be a file, not '" +
                                          v + "'");
         }
         o->detector.model_file = v;
         return Status::Ok();
       },
       [](const PipelineOptions& o) { return o.detector.model_file; }},
      // Expert, for measuring SSD input sizes (DetectOptions::ssd_long_side).
      {CommandLineOnly(Info("ssd-size", "detect", "PX",
                            "SSD input long side for the whole-image pass, "
                            "pixels: 0 (the mode's own) or 64 to 4096"),
                       /*in_help=*/false),
       [](PipelineOptions* o, const std::string& v) {
         Result<int> side = ParseInt("ssd-size", v, 0, 4096);
         if (side.ok() && *side > 0 && *side < 64) {
           return Status::InvalidArgument(
               "ssd-size must be 0 or from 64 to 4096, not '" + v + "'");
         }
         return Assign(side, &o->detector.ssd_long_side);
       },
       [](const PipelineOptions& o) {
         return std::to_string(o.detector.ssd_long_side);
       }},
      // Experts', for measuring (DetectOptions::crowdnet_verifier and
      // crowdnet_mirror).
      ExpertSwitch("crowdnet-verifier",
                   "CrowdNet's second look at uncertain candidates (on); off "
                   "keeps its first scores",
                   &DetectOptions::crowdnet_verifier),
      ExpertSwitch("crowdnet-mirror",
                   "CrowdNet's second view of the photo mirrored, where the "
                   "mode has one (on); off looks once",
                   &DetectOptions::crowdnet_mirror),
      {Info("style", "anonymize", "blur|pixelate|solid",
            "how faces are hidden: a strong blur that grows with the face, "
            "large "
            "blocks, or a solid fill"),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseAnonymizeStyle(v), &o->anonymize.style);
       },
       [](const PipelineOptions& o) {
         return std::string(AnonymizeStyleName(o.anonymize.style));
       }},
      {Info("shape", "anonymize", "box|ellipse", "the shape of each mask"),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseMaskShape(v), &o->anonymize.shape);
       },
       [](const PipelineOptions& o) {
         return std::string(MaskShapeName(o.anonymize.shape));
       }},
      {Info("mask-scale", "anonymize", "X",
            "mask size as a multiple of the detected face box (1 to 4); the "
            "default also covers hair line, ears and chin"),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseSettingFloat("mask-scale", v, 1, 4),
                       &o->anonymize.mask_scale);
       },
       [](const PipelineOptions& o) {
         return FormatFloat(o.anonymize.mask_scale);
       }},
      {Info("strength", "anonymize", "X",
            "blur/pixel strength (0.8 to 4); 1 is already unrecognisable, "
            "higher "
            "hides more"),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(
             ParseSettingFloat("strength", v, kMinStrength, kMaxStrength),
             &o->anonymize.strength);
       },
       [](const PipelineOptions& o) {
         return FormatFloat(o.anonymize.strength);
       }},
      {Info("color", "anonymize", "COLOR",
            "fill colour for --style solid: #rrggbb, black, white or gray"),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseColor(v), &o->anonymize.color);
       },
       [](const PipelineOptions& o) { return FormatColor(o.anonymize.color); }},
      {Info("outline", "anonymize", "true|false",
            "draw a green marker around each hidden face"),
       [](PipelineOptions* o, const std::string& v) {
         return Assign(ParseBool("outline", v), &o->anonymize.outline);
       },
       [](const PipelineOptions& o) {
         return std::string(o.anonymize.outline ? "true" : "false");
       }},
      {Info("format", "anonymize", "same|jpg|png|webp|bmp|tiff",
            "output image format; 'same' keeps the input's (HEIC is written as "
            "JPEG)"),
       [](PipelineOptions* o, const std::string& v) {
         if (v == "same") {
           o->output_format = ImageFormat::kUnknown;
           return Status::Ok();
         }
         return Assign(ParseImageFormat(v), &o->output_format);
       },
       [](const PipelineOptions& o) {
         return o.output_format == ImageFormat::kUnknown
                    ? std::string("same")
                    : std::string(ImageFormatName(o.output_format));
       }},
      {Info("quality", "anonymize", "1-100", "JPEG/WebP quality"),
       [](PipelineOptions* o, const std::string& v) {
         Status s =
             Assign(ParseInt("quality", v, 1, 100), &o->encode.jpeg_quality);
         if (s.ok()) o->encode.webp_quality = o->encode.jpeg_quality;
         return s;
       },
       [](const PipelineOptions& o) {
         return std::to_string(o.encode.jpeg_quality);
       }},
      {Info("keep-metadata", "anonymize", "none|safe",
            "none: strip all metadata (the colour profile is kept); safe: also "
            "keep capture date and camera model. GPS, serial numbers, owner "
            "names "
            "and thumbnails are never kept"),
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
       },
       [](const PipelineOptions& o) {
         return o.metadata == MetadataPolicy::kStrip
                    ? std::string("none")
                    : std::string(MetadataPolicyName(o.metadata));
       }},
  };
  const PipelineOptions builtin;
  for (Setting& s : table) s.info.default_value = s.get(builtin);
  return table;
}

const std::vector<Setting>& Table() {
  static const auto* table = new std::vector<Setting>(MakeTable());
  return *table;
}

const Setting* Find(const std::string& name) {
  for (const Setting& s : Table()) {
    if (s.info.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

const std::vector<SettingInfo>& AllSettings() {
  static const auto* infos = [] {
    auto* list = new std::vector<SettingInfo>;
    for (const Setting& s : Table()) list->push_back(s.info);
    return list;
  }();
  return *infos;
}

const SettingInfo* FindSetting(const std::string& name) {
  for (const SettingInfo& s : AllSettings()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<SettingInfo> SettingsOfGroup(const std::string& group) {
  std::vector<SettingInfo> list;
  for (const SettingInfo& s : AllSettings()) {
    if (s.group == group) list.push_back(s);
  }
  return list;
}

const std::vector<SettingInfo>& AnonymizeSettings() {
  static const auto* infos =
      new std::vector<SettingInfo>(SettingsOfGroup("anonymize"));
  return *infos;
}

Status ApplySetting(PipelineOptions* options, const std::string& name,
                    const std::string& value) {
  const Setting* setting = Find(name);
  if (setting == nullptr) {
    return Status::InvalidArgument("unknown setting '" + name + "'");
  }
  return setting->set(options, value);
}

std::string SettingValue(const PipelineOptions& options,
                         const std::string& name) {
  const Setting* setting = Find(name);
  return setting != nullptr ? setting->get(options) : std::string();
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
