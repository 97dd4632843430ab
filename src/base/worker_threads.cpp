#include "base/worker_threads.h"

#include <system_error>
#include <thread>
#include <vector>

namespace faceveil {

int RunOnWorkerThreads(int threads, const std::function<void()>& work) {
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // fewer workers than asked for; this thread still works
    }
  }
  work();
  for (std::thread& thread : pool) thread.join();
  return static_cast<int>(pool.size()) + 1;
}

}  // namespace faceveil
