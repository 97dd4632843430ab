// Pipelines for the settings requests ask for, built once and reused.
//
// A Pipeline fixes its detector (model, threshold) and its output encoding
// at Create(), and creating one loads a model, so the server keeps the few
// it has recently needed. Anonymization settings (style, strength, ...) do
// not select a pipeline: they go to Pipeline::AnonymizeSelection() per call.
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

// The settings that change only PipelineOptions::anonymize, so that requests
// differing in them share a pipeline. A setting missing here merely costs an
// extra pipeline, never a wrong result.
bool IsAnonymizeOnlySetting(const std::string& name);

class PipelineCache {
 public:
  // `base`: the options every request starts from (the server's defaults).
  // `capacity`: pipelines kept besides the one for `base` (at least 1).
  PipelineCache(PipelineOptions base, int capacity);

  // Builds the default pipeline; fails as Pipeline::Create() does.
  Status Init();

  // `base` with `settings` applied (through ApplySetting(), the one parser
  // of settings). Unknown names and bad values are InvalidArgument.
  Result<PipelineOptions> Resolve(const Settings& settings) const;

  // The pipeline for `settings` (resolved as above). Thread-safe; the
  // returned pipeline stays valid while the caller holds it.
  Result<std::shared_ptr<const Pipeline>> Get(const Settings& settings);

  const PipelineOptions& base() const { return base_; }

 private:
  const PipelineOptions base_;
  const size_t capacity_;
  std::shared_ptr<const Pipeline> default_;
  std::mutex mu_;         // guards lru_
  std::mutex create_mu_;  // one model load at a time
  // Most recently used first: key (the pipeline-selecting settings) → it.
  std::list<std::pair<std::string, std::shared_ptr<const Pipeline>>> lru_;
};

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_PIPELINE_CACHE_H_
