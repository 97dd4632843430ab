#include "api.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>

#include "api_util.h"
#include "faceveil/settings.h"

namespace faceveil::server {
namespace {

// Multipart fields that carry data, not settings.
bool IsDataField(const std::string& name) {
  return name == "image" || name == "faces" || name == "regions";
}

// Longer values than this are no setting a person types.
constexpr size_t kMaxSettingLength = 256;

// Settings from the query string and, for multipart requests, from the
// non-file fields. The query is parsed from the target, not from
// req.params, which also holds a form-encoded body (curl's default type for
// --data-binary, i.e. raw image bytes).
Result<Settings> RequestSettings(const httplib::Request& req) {
  Settings settings;
  auto add = [&](const std::string& name, const std::string& value) -> Status {
    if (name.empty() || name.size() > 64 || value.size() > kMaxSettingLength) {
      return Status::InvalidArgument("malformed setting");
    }
    if (!settings.emplace(name, value).second) {
      return Status::InvalidArgument("setting '" + name + "' given twice");
    }
    return Status::Ok();
  };
  const size_t q = req.target.find('?');
  if (q != std::string::npos) {
    httplib::Params query;
    httplib::detail::parse_query_text(req.target.substr(q + 1), query);
    for (const auto& [name, value] : query) {
      FACEVEIL_RETURN_IF_ERROR(add(name, value));
    }
  }
  if (req.is_multipart_form_data()) {
    for (const auto& [name, part] : req.files) {
      if (IsDataField(name)) {
        if (req.files.count(name) > 1) {
          return Status::InvalidArgument("field '" + name + "' given twice");
        }
        continue;
      }
      if (!part.filename.empty()) {
        return Status::InvalidArgument("unexpected file field '" + name + "'");
      }
      FACEVEIL_RETURN_IF_ERROR(add(name, part.content));
    }
  }
  return settings;
}

struct Upload {
  std::span<const uint8_t> bytes;
  std::string filename;
};

// The uploaded image, viewed in place (no copy of a possibly large body).
Result<Upload> RequestImage(const httplib::Request& req) {
  Upload upload;
  const std::string* data = &req.body;
  if (req.is_multipart_form_data()) {
    auto it = req.files.find("image");
    if (it == req.files.end()) {
      return Status::InvalidArgument("the multipart field 'image' is missing");
    }
    if (req.files.count("image") > 1) {
      return Status::InvalidArgument("one 'image' per request");
    }
    data = &it->second.content;
    upload.filename = it->second.filename;
  }
  if (data->empty()) {
    return Status::InvalidArgument(
        "no image: send the image bytes as the body or as the multipart "
        "field 'image'");
  }
  upload.bytes = std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(data->data()), data->size());
  return upload;
}

// The text of multipart field `name`, if present.
std::optional<std::string_view> Field(const httplib::Request& req,
                                      const std::string& name) {
  if (!req.is_multipart_form_data()) return std::nullopt;
  auto it = req.files.find(name);
  if (it == req.files.end()) return std::nullopt;
  return std::string_view(it->second.content);
}

void SetStatusError(httplib::Response& res, const Status& status) {
  SetError(res, HttpStatusFor(status), status.message());
}

// A failure of the pipeline on an upload, told as a person would want to
// hear it; the library's own words stay in brackets for the details.
void SetPhotoError(httplib::Response& res, const Status& status) {
  std::string text;
  switch (status.code()) {
    case Status::Code::kUnsupported:
      text =
          "This is not a photo faceveil can read (JPEG, PNG, WebP, BMP, "
          "TIFF, HEIC)";
      break;
    case Status::Code::kCorrupt:
      text =
          "This photo could not be read; the file may be damaged or cut "
          "short";
      break;
    case Status::Code::kTooLarge:
      // Not the area a selection may hide: that is the caller's doing.
      if (status.message().find("pixel") == std::string::npos) {
        return SetStatusError(res, status);
      }
      text = "This photo has more pixels than faceveil takes";
      break;
    default:
      return SetStatusError(res, status);
  }
  // The details, unless they only say the same (no known format).
  const bool same = status.message().rfind("not a recognised", 0) == 0;
  SetError(res, HttpStatusFor(status),
           same ? text + "." : text + " (" + status.message() + ").");
}

// A pipeline slot, or a 503 already set on `res`.
std::optional<WorkGate::Ticket> EnterGate(ApiContext& ctx,
                                          httplib::Response& res) {
  auto ticket = ctx.gate->Enter();
  if (!ticket) {
    SetError(res, 503,
             "The server is busy with other photos; try again in a moment.");
    res.set_header("Retry-After", std::to_string(ctx.retry_after_s));
  }
  return ticket;
}

// The progress entry of this request (empty unless it names itself) and a
// watcher that keeps it current and stops the work once the client has
// gone.
struct Watch {
  ProgressBoard::Entry entry;
  WorkWatcher watcher;
};

std::unique_ptr<Watch> WatchRequest(ApiContext& ctx,
                                    const httplib::Request& req) {
  auto watch = std::make_unique<Watch>();
  if (ctx.progress != nullptr && req.has_header("X-Faceveil-Job")) {
    watch->entry = ctx.progress->Follow(req.get_header_value("X-Faceveil-Job"));
  }
  watch->watcher = [&ctx, w = watch.get()](const WorkProgress& progress) {
    w->entry.Update(progress);
    return !(ctx.client_gone && ctx.client_gone());
  };
  return watch;
}

void AddSetting(nlohmann::json& list, const std::string& group,
                const std::string& name, const std::string& value_name,
                const std::string& help, const std::string& default_value) {
  list.push_back({{"name", name},
                  {"group", group},
                  {"value_name", value_name},
                  {"help", help},
                  {"default", default_value}});
}

}  // namespace

Result<const FaceIdentifier*> LazyIdentifier::Get() {
  std::lock_guard<std::mutex> lock(mu_);
  if (identifier_ == nullptr) {
    auto created = FaceIdentifier::Create({});
    if (!created.ok()) {
      return created.status().WithContext("loading the face recognition model");
    }
    identifier_ = std::move(created).value();
  }
  return identifier_.get();
}

void SetError(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(ErrorJson(message), "application/json");
}

std::string BuildSettingsJson(const PipelineOptions& base,
                              const Settings& defaults,
                              int64_t max_upload_bytes) {
  nlohmann::json list = nlohmann::json::array();
  for (const SettingInfo& s : AllSettings()) {
    if (!s.listed) continue;
    // The server's own settings as given, else the value of `base`.
    auto given = defaults.find(s.name);
    AddSetting(
        list, s.group, s.name, s.value_name, s.help,
        given != defaults.end() ? given->second : SettingValue(base, s.name));
    if (s.name != "mode") continue;
    // Choosing a mode also sets its measured threshold (ApplySetting), so
    // the page can show it.
    nlohmann::json thresholds = nlohmann::json::object();
    for (DetectionMode mode :
         {DetectionMode::kSingle, DetectionMode::kFast,
          DetectionMode::kBalanced, DetectionMode::kThorough}) {
      thresholds[DetectionModeName(mode)] =
          DefaultScoreThreshold(mode, base.detector.models);
    }
    list.back()["thresholds"] = thresholds;
  }
  nlohmann::json body = {{"settings", list},
                         {"max_upload_bytes", max_upload_bytes}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void HandleDetect(ApiContext& ctx, const httplib::Request& req,
                  httplib::Response& res) {
  auto settings = RequestSettings(req);
  if (!settings.ok()) return SetStatusError(res, settings.status());
  // "embed" asks for the faces' embeddings; it selects no pipeline.
  bool embed = false;
  if (auto it = settings->find("embed"); it != settings->end()) {
    if (it->second != "0" && it->second != "1") {
      return SetError(res, 400, "embed must be 0 or 1");
    }
    embed = it->second == "1";
    settings->erase(it);
  }
  const FaceIdentifier* identifier = nullptr;
  if (embed) {
    if (ctx.identifier == nullptr) {
      return SetError(res, 400, "this server does not give embeddings");
    }
    auto loaded = ctx.identifier->Get();
    if (!loaded.ok()) return SetStatusError(res, loaded.status());
    identifier = *loaded;
  }
  auto upload = RequestImage(req);
  if (!upload.ok()) return SetStatusError(res, upload.status());
  auto options = ctx.pipelines->Resolve(*settings);
  if (!options.ok()) return SetStatusError(res, options.status());

  const auto watch = WatchRequest(ctx, req);
  auto ticket = EnterGate(ctx, res);
  if (!ticket) return;
  auto pipeline = ctx.pipelines->Get(*settings);
  if (!pipeline.ok()) return SetStatusError(res, pipeline.status());
  auto report =
      identifier != nullptr
          ? (*pipeline)->DetectWithEmbeddings(upload->bytes, *options,
                                              *identifier, watch->watcher)
          : (*pipeline)->Detect(upload->bytes, *options, watch->watcher);
  if (!report.ok()) return SetPhotoError(res, report.status());
  res.status = 200;
  res.set_content(DetectResponseJson(*report), "application/json");
}

void HandleAnonymize(ApiContext& ctx, const httplib::Request& req,
                     httplib::Response& res) {
  auto settings = RequestSettings(req);
  if (!settings.ok()) return SetStatusError(res, settings.status());
  auto upload = RequestImage(req);
  if (!upload.ok()) return SetStatusError(res, upload.status());
  auto options = ctx.pipelines->Resolve(*settings);
  if (!options.ok()) return SetStatusError(res, options.status());

  Selection selection;
  const auto faces_field = Field(req, "faces");
  if (faces_field) {
    auto faces = ParseFaces(*faces_field);
    if (!faces.ok()) return SetStatusError(res, faces.status());
    selection.faces = std::move(faces).value();
  }
  if (const auto regions_field = Field(req, "regions")) {
    auto regions = ParseRegions(*regions_field);
    if (!regions.ok()) return SetStatusError(res, regions.status());
    selection.regions = std::move(regions).value();
  }

  const auto watch = WatchRequest(ctx, req);
  auto ticket = EnterGate(ctx, res);
  if (!ticket) return;
  auto pipeline = ctx.pipelines->Get(*settings);
  if (!pipeline.ok()) return SetStatusError(res, pipeline.status());
  if (!faces_field) {
    auto report = (*pipeline)->Detect(upload->bytes, *options, watch->watcher);
    if (!report.ok()) return SetPhotoError(res, report.status());
    selection.faces = std::move(report->faces);
  }
  auto out = (*pipeline)->AnonymizeSelection(upload->bytes, selection, *options,
                                             watch->watcher);
  if (!out.ok()) return SetPhotoError(res, out.status());

  res.status = 200;
  res.set_header("Content-Disposition",
                 "attachment; filename=\"" +
                     DownloadName(upload->filename, out->output_format) + "\"");
  res.set_header("X-Faceveil-Faces", std::to_string(selection.faces.size()));
  res.set_header("X-Faceveil-Regions",
                 std::to_string(selection.regions.size()));
  res.set_content(reinterpret_cast<const char*>(out->bytes.data()),
                  out->bytes.size(), MimeTypeFor(out->output_format));
}

void HandleProgress(ApiContext& ctx, const httplib::Request& req,
                    httplib::Response& res) {
  const std::optional<ProgressBoard::State> progress =
      ctx.progress != nullptr ? ctx.progress->Find(req.get_param_value("job"))
                              : std::nullopt;
  if (!progress) return SetError(res, 404, "no such request in progress");
  res.status = 200;
  res.set_content(ProgressJson(*progress), "application/json");
}

}  // namespace faceveil::server
