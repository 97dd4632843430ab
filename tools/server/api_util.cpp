#include "api_util.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "faceveil/encode.h"
#include "faceveil/report.h"

namespace faceveil::server {

std::string SizeInWords(int64_t bytes) {
  char text[32];
  const double mb = static_cast<double>(bytes) / (1 << 20);
  if (mb >= 1) {
    std::snprintf(text, sizeof text,
                  mb == std::floor(mb) || mb >= 100 ? "%.0f MB" : "%.1f MB",
                  mb);
  } else {
    std::snprintf(text, sizeof text, "%.0f KB",
                  std::ceil(static_cast<double>(bytes) / 1024));
  }
  return text;
}

std::string UploadTooLargeMessage(int64_t max_bytes) {
  return "This photo is larger than " + SizeInWords(max_bytes) +
         ", the most this server accepts.";
}

std::string ErrorJson(std::string_view message) {
  nlohmann::json body = {{"error", std::string(message)}};
  // Replace invalid UTF-8 rather than throw: messages may quote input.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
    case Status::Code::kCorrupt:
    case Status::Code::kNotFound:
      return 400;
    case Status::Code::kTooLarge:
      return 413;
    case Status::Code::kUnsupported:
      return 415;
    case Status::Code::kIoError:
    case Status::Code::kInternal:
      return 500;
    case Status::Code::kCancelled:
      return 503;  // the client has gone; nobody reads it
  }
  return 500;
}

Result<std::vector<Box>> ParseRegions(std::string_view json) {
  const auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    return Status::InvalidArgument(
        "regions must be a JSON array of [x, y, w, h] boxes");
  }
  if (parsed.size() > kMaxSelectionItems) {
    return Status::InvalidArgument("too many regions (at most " +
                                   std::to_string(kMaxSelectionItems) + ")");
  }
  std::vector<Box> boxes;
  for (const auto& item : parsed) {
    if (!item.is_array() || item.size() != 4) {
      return Status::InvalidArgument("each region must be [x, y, w, h]");
    }
    float v[4];
    for (int i = 0; i < 4; ++i) {
      if (!item[i].is_number()) {
        return Status::InvalidArgument("region values must be numbers");
      }
      v[i] = item[i].get<float>();
      if (!std::isfinite(v[i])) {
        return Status::InvalidArgument("region values must be finite");
      }
    }
    if (!(v[2] > 0 && v[3] > 0)) {
      return Status::InvalidArgument("region width and height must be > 0");
    }
    boxes.push_back(Box{v[0], v[1], v[2], v[3]});
  }
  return boxes;
}

Result<std::vector<Face>> ParseFaces(std::string_view json) {
  auto faces = FacesFromJson(std::string(json));
  if (!faces.ok()) {
    return Status::InvalidArgument("faces: " + faces.status().message());
  }
  if (faces->size() > kMaxSelectionItems) {
    return Status::InvalidArgument("too many faces (at most " +
                                   std::to_string(kMaxSelectionItems) + ")");
  }
  for (const Face& f : *faces) {
    const Box& b = f.box;
    if (!std::isfinite(b.x) || !std::isfinite(b.y) || !std::isfinite(b.w) ||
        !std::isfinite(b.h) || !(b.w > 0 && b.h > 0)) {
      return Status::InvalidArgument(
          "faces: each box must be finite with width and height > 0");
    }
  }
  return faces;
}

namespace {

// ',"embeddings":[[...128 numbers], null, ...],"references":[true, false,
// ...],"match_distance":0.33' when the report has embeddings (null for a
// face too small or unclear to embed; `references` false for it and for a
// face compared only, too unclear to be a person to keep or hide), else "".
// 5 decimals: finer digits change no distance that matters.
std::string EmbeddingsJson(const ImageReport& report) {
  if (report.identities.size() != report.faces.size()) return "";
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json references = nlohmann::json::array();
  for (const FaceIdentity& id : report.identities) {
    references.push_back(id.embedded && id.reference);
    if (!id.embedded) {
      list.push_back(nullptr);
      continue;
    }
    nlohmann::json values = nlohmann::json::array();
    for (float v : id.embedding.values) {
      values.push_back(std::round(v * 1e5) / 1e5);
    }
    list.push_back(std::move(values));
  }
  char distance[32];
  std::snprintf(distance, sizeof distance, "%.4f", DefaultMatchDistance());
  return ",\"embeddings\":" + list.dump() +
         ",\"references\":" + references.dump() +
         ",\"match_distance\":" + distance;
}

}  // namespace

std::string DetectResponseJson(const ImageReport& report) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.2f", report.detect_ms);
  return "{\"width\":" + std::to_string(report.width) +
         ",\"height\":" + std::to_string(report.height) +
         ",\"faces\":" + FacesToJson(report.faces) + ",\"ms\":" + ms +
         EmbeddingsJson(report) + "}";
}

const char* MimeTypeFor(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "image/jpeg";
    case ImageFormat::kPng:
      return "image/png";
    case ImageFormat::kWebp:
      return "image/webp";
    case ImageFormat::kBmp:
      return "image/bmp";
    case ImageFormat::kTiff:
      return "image/tiff";
    case ImageFormat::kHeif:
      return "image/heif";
    case ImageFormat::kUnknown:
      break;
  }
  return "application/octet-stream";
}

std::string DownloadName(std::string_view uploaded_name, ImageFormat format) {
  // The last path component, then everything before its last dot.
  const size_t slash = uploaded_name.find_last_of("/\\");
  if (slash != std::string_view::npos) {
    uploaded_name.remove_prefix(slash + 1);
  }
  const size_t dot = uploaded_name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) {
    uploaded_name = uploaded_name.substr(0, dot);
  }
  std::string stem;
  for (char c : uploaded_name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                      c == '-';
    if (keep && stem.size() < 64) stem += c;
  }
  while (!stem.empty() && stem.front() == '.') stem.erase(stem.begin());
  if (stem.empty()) stem = "image";
  return stem + "-anon" + FileExtensionFor(format);
}

}  // namespace faceveil::server
