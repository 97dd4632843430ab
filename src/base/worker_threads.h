// Running one loop body on several threads with every thread joined before
// returning, whatever happens: the thread guard of the batch and eval runs.
#ifndef FACEVEIL_BASE_WORKER_THREADS_H_
#define FACEVEIL_BASE_WORKER_THREADS_H_

#include <functional>

namespace faceveil {

// Runs `work` on the calling thread and on up to `threads` - 1 new threads
// at once, and returns when every call has returned. A thread the system
// refuses to start is skipped (fewer workers, never a crash), so `work` must
// take its items from a shared queue or counter rather than expect a share.
// `work` must not throw. Returns how many threads ran it (>= 1).
int RunOnWorkerThreads(int threads, const std::function<void()>& work);

}  // namespace faceveil

#endif  // FACEVEIL_BASE_WORKER_THREADS_H_
