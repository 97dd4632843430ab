// A network a Detector loads when it is first needed, once for the
// Detector's life, and shares read-only afterwards (ncnn's shape: the
// loaded net is immutable, each Detect call only reads it).
#ifndef FACEVEIL_DETECT_LOAD_ONCE_H_
#define FACEVEIL_DETECT_LOAD_ONCE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

#include "faceveil/status.h"

namespace faceveil {

// Networks built by every Detector of this process so far (BlazeFace, SSD
// and CrowdNet count one each). For tests and measurements: a caller that
// reuses a Detector shows as no new loads.
int64_t NetworkLoads();

// Counts one network built; called by LoadOnce only.
void CountNetworkLoad();

template <typename Net>
class LoadOnce {
 public:
  using Loader = std::function<Result<std::unique_ptr<Net>>()>;

  explicit LoadOnce(Loader load) : load_(std::move(load)) {}
  LoadOnce(const LoadOnce&) = delete;
  LoadOnce& operator=(const LoadOnce&) = delete;

  // The network, loaded by the first call (the others wait for it).
  // Thread-safe. A load that failed fails every later call the same way:
  // the embedded models do not change while the process runs. A load that
  // threw is tried again by the next call.
  Result<const Net*> Get() const {
    if (const Net* net = ready_.load(std::memory_order_acquire)) return net;
    std::lock_guard<std::mutex> lock(mu_);
    if (net_ == nullptr && failed_.ok()) {
      Result<std::unique_ptr<Net>> loaded = load_();
      if (!loaded.ok()) {
        failed_ = loaded.status();
      } else {
        net_ = std::move(loaded).value();
        CountNetworkLoad();
        ready_.store(net_.get(), std::memory_order_release);
      }
    }
    if (!failed_.ok()) return failed_;
    return static_cast<const Net*>(net_.get());
  }

  // Whether a network is loaded (a Get() has succeeded).
  bool loaded() const {
    return ready_.load(std::memory_order_acquire) != nullptr;
  }

 private:
  const Loader load_;
  mutable std::mutex mu_;                           // guards net_ and failed_
  mutable std::unique_ptr<Net> net_;                // set once, then read-only
  mutable Status failed_;                           // the first failed load
  mutable std::atomic<const Net*> ready_{nullptr};  // net_ once loaded
};

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_LOAD_ONCE_H_
