#include "base/worker_threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace faceveil {
namespace {

// Takes items from a shared counter, as the batch and eval runs do.
struct Items {
  explicit Items(int n) : done(n) {}
  void Work() {
    for (int i = next++; i < static_cast<int>(done.size()); i = next++) {
      ++done[i];
      std::lock_guard<std::mutex> lock(mu);
      threads.insert(std::this_thread::get_id());
    }
  }
  std::atomic<int> next{0};
  std::vector<int> done;  // one slot per item, written by one thread each
  std::mutex mu;
  std::set<std::thread::id> threads;  // guarded by mu
};

TEST(WorkerThreadsTest, EveryItemOnceAndAllJoinedBeforeReturn) {
  Items items(200);
  const int ran = RunOnWorkerThreads(4, [&] { items.Work(); });
  EXPECT_EQ(ran, 4);
  // Read without a lock: every thread has been joined.
  for (int count : items.done) ASSERT_EQ(count, 1);
  EXPECT_LE(items.threads.size(), 4u);
  EXPECT_GE(items.threads.size(), 1u);
}

TEST(WorkerThreadsTest, OneOrFewerRunsOnTheCallingThreadOnly) {
  for (int threads : {1, 0, -3}) {
    Items items(10);
    EXPECT_EQ(RunOnWorkerThreads(threads, [&] { items.Work(); }), 1);
    ASSERT_EQ(items.threads.size(), 1u);
    EXPECT_EQ(*items.threads.begin(), std::this_thread::get_id());
    for (int count : items.done) EXPECT_EQ(count, 1);
  }
}

}  // namespace
}  // namespace faceveil
