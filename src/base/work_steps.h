// How a caller watches, and stops, the detection running on its thread.
//
// Detection runs its passes and tiles one after another on the calling
// thread (OpenCV may spread one inference over cores, but the loops are
// the caller's). A caller that wants progress or a way to stop installs a
// watcher for the length of one Detect() call with ScopedWorkSteps; the
// loops call WorkStep() before each pass or tile. Without a watcher,
// WorkStep() is a cheap no-op, so detection needs no extra argument.
#ifndef FACEVEIL_BASE_WORK_STEPS_H_
#define FACEVEIL_BASE_WORK_STEPS_H_

#include <functional>

#include "faceveil/status.h"

namespace faceveil {

// Told the fraction of the detection done, in [0, 1]; returns false to
// stop it.
using WorkStepWatcher = std::function<bool(double fraction)>;

// Installs `watcher` for this thread until destroyed (and restores the one
// before). `watcher` must outlive the scope.
class ScopedWorkSteps {
 public:
  explicit ScopedWorkSteps(const WorkStepWatcher* watcher);
  ~ScopedWorkSteps();
  ScopedWorkSteps(const ScopedWorkSteps&) = delete;
  ScopedWorkSteps& operator=(const ScopedWorkSteps&) = delete;

 private:
  const WorkStepWatcher* previous_;
  int previous_part_, previous_parts_;
};

// Detection is made of `parts` parts run in turn (the ensemble: BlazeFace,
// then the SSD); `part` (0-based) starts now. Scales WorkStep()'s fractions.
void WorkPart(int part, int parts);

// Called by a detection loop before step `done` of `total` of the current
// part (a pass, a tile or a batch of tiles). Status::Cancelled when the
// watcher asks to stop; the loop returns it at once.
Status WorkStep(int done, int total);

}  // namespace faceveil

#endif  // FACEVEIL_BASE_WORK_STEPS_H_
