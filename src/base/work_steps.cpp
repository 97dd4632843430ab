#include "base/work_steps.h"

#include <algorithm>

namespace faceveil {
namespace {

// Per thread: each Detect() call runs its loops on the thread it was
// called on.
thread_local const WorkStepWatcher* t_watcher = nullptr;
thread_local int t_part = 0;
thread_local int t_parts = 1;

}  // namespace

ScopedWorkSteps::ScopedWorkSteps(const WorkStepWatcher* watcher)
    : previous_(t_watcher), previous_part_(t_part), previous_parts_(t_parts) {
  t_watcher = watcher;
  t_part = 0;
  t_parts = 1;
}

ScopedWorkSteps::~ScopedWorkSteps() {
  t_watcher = previous_;
  t_part = previous_part_;
  t_parts = previous_parts_;
}

void WorkPart(int part, int parts) {
  t_parts = std::max(1, parts);
  t_part = std::clamp(part, 0, t_parts - 1);
}

Status WorkStep(int done, int total) {
  if (t_watcher == nullptr || !*t_watcher) return Status::Ok();
  const double within =
      total > 0 ? std::clamp(static_cast<double>(done) / total, 0.0, 1.0) : 0;
  if ((*t_watcher)((t_part + within) / t_parts)) return Status::Ok();
  return Status::Cancelled("stopped on request");
}

}  // namespace faceveil
