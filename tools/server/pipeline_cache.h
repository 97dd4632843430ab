// Pipelines for the settings requests ask for, built once and reused.
//
// Creating a Pipeline loads networks; everything else a request chooses
// (mode, threshold, style, quality, ...) goes with each call on an already
// loaded one (Pipeline's `call` options). So only the settings that change
// what is loaded (SettingInfo::loads, faceveil/settings.h: the BlazeFace
// model) select a pipeline, and the server keeps the few it has recently
// needed.
#ifndef FACEVEIL_TOOLS_SERVER_PIPELINE_CACHE_H_
#define FACEVEIL_TOOLS_SERVER_PIPELINE_CACHE_H_

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil::server {

// Setting name → text value, as in a query string or a form field.
using Settings = std::map<std::string, std::string>;

// What selects the pipeline of a request whose options are `call`:
// "name=value\n" for each setting that changes what Pipeline::Create()
// loads (SettingInfo::loads) and differs from `base`; empty when the base
// pipeline serves the request.
std::string PipelineKey(const PipelineOptions& base,
                        const PipelineOptions& call);

class PipelineCache {
 public:
  // `base`: the options every request starts from (the server's defaults).
  // `capacity`: pipelines kept besides the one for `base` (at least 1).
  PipelineCache(PipelineOptions base, int capacity);

  // Builds the default pipeline; fails as Pipeline::Create() does.
  Status Init();

  // `base` with `settings` applied (through ApplySetting(), the one parser
  // of settings): the `call` options of the request. Unknown names and bad
  // values are InvalidArgument.
  Result<PipelineOptions> Resolve(const Settings& settings) const;

  // The pipeline for `settings` (its PipelineKey()), which takes
  // Resolve(settings) as a call's options. Thread-safe; the returned
  // pipeline stays valid while the caller holds it.
  Result<std::shared_ptr<const Pipeline>> Get(const Settings& settings);

  const PipelineOptions& base() const { return base_; }

 private:
  const PipelineOptions base_;
  const size_t capacity_;
  std::shared_ptr<const Pipeline> default_;
  std::mutex mu_;         // guards lru_
  std::mutex create_mu_;  // one model load at a time
  // Most recently used first: PipelineKey() → its pipeline.
  std::list<std::pair<std::string, std::shared_ptr<const Pipeline>>> lru_;
};

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_PIPELINE_CACHE_H_
