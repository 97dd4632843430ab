#include "pipeline_cache.h"

#include <algorithm>
#include <string>

#include "faceveil/settings.h"

namespace faceveil::server {

std::string PipelineKey(const PipelineOptions& base,
                        const PipelineOptions& call) {
  std::string key;
  for (const SettingInfo& s : AllSettings()) {
    if (!s.loads) continue;
    const std::string value = SettingValue(call, s.name);
    if (value == SettingValue(base, s.name)) continue;
    // Names and values cannot hold '\n' usefully; it keeps keys unambiguous.
    key += s.name + '=' + value + '\n';
  }
  return key;
}

PipelineCache::PipelineCache(PipelineOptions base, int capacity)
    : base_(std::move(base)), capacity_(std::max(1, capacity)) {}

Status PipelineCache::Init() {
  auto pipeline = Pipeline::Create(base_);
  if (!pipeline.ok()) return pipeline.status();
  default_ = std::move(pipeline).value();
  return Status::Ok();
}

Result<PipelineOptions> PipelineCache::Resolve(const Settings& settings) const {
  PipelineOptions options = base_;
  for (const auto& [name, value] : settings) {
    // What only the command line chooses (a file to read, the back end)
    // is not a request's to choose.
    const SettingInfo* info = FindSetting(name);
    if (info != nullptr && !info->in_requests) {
      return Status::InvalidArgument("unknown setting '" + name + "'");
    }
    FACEVEIL_RETURN_IF_ERROR(ApplySetting(&options, name, value));
  }
  return options;
}

Result<std::shared_ptr<const Pipeline>> PipelineCache::Get(
    const Settings& settings) {
  auto options = Resolve(settings);
  if (!options.ok()) return options.status();
  const std::string key = PipelineKey(base_, *options);
  if (key.empty()) {
    if (default_ == nullptr)
      return Status::Internal("pipeline cache not ready");
    return default_;
  }
  auto lookup = [&]() -> std::shared_ptr<const Pipeline> {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = lru_.begin(); it != lru_.end(); ++it) {
      if (it->first == key) {
        lru_.splice(lru_.begin(), lru_, it);
        return lru_.front().second;
      }
    }
    return nullptr;
  };
  if (auto hit = lookup()) return hit;

  std::lock_guard<std::mutex> create_lock(create_mu_);
  if (auto hit = lookup()) return hit;  // built while we waited
  auto created = Pipeline::Create(*options);
  if (!created.ok()) return created.status();
  std::shared_ptr<const Pipeline> pipeline = std::move(created).value();
  std::lock_guard<std::mutex> lock(mu_);
  lru_.emplace_front(key, pipeline);
  while (lru_.size() > capacity_) lru_.pop_back();
  return pipeline;
}

}  // namespace faceveil::server
