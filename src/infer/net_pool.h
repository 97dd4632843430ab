// A pool of cv::dnn::Net instances built from one model, so that concurrent
// callers each run their own network (a Net is not safe for concurrent
// forward passes) without building one per call.
//
// A Net re-plans its layers and buffers whenever its input shape changes,
// which costs a large part of an inference (CrowdNet: ~14 ms per switch
// between a 1024 and a 256 input, measured by crowdnet_bench's
// BM_CrowdNetAlternatingShapes). Callers that alternate shapes pass the
// shape as the borrow's key and get back a network that last ran it.
#ifndef FACEVEIL_INFER_NET_POOL_H_
#define FACEVEIL_INFER_NET_POOL_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <opencv2/dnn.hpp>
#include <utility>
#include <vector>

#include "faceveil/status.h"

namespace faceveil {

class NetPool {
 public:
  using Factory = std::function<Result<cv::dnn::Net>()>;

  // What a network last ran (e.g. its input's height and width); 0 when the
  // caller does not say.
  using Key = uint64_t;

  // `factory` builds a fresh network; it must be callable from any thread.
  // At most `max_idle` networks are kept between calls: a pool whose callers
  // pass keys needs a bound, or every new shape would keep one more network.
  explicit NetPool(Factory factory,
                   size_t max_idle = std::numeric_limits<size_t>::max())
      : factory_(std::move(factory)), max_idle_(max_idle) {}

  NetPool(const NetPool&) = delete;
  NetPool& operator=(const NetPool&) = delete;

  // A borrowed network, returned to the pool when the lease is destroyed.
  // The pool must outlive its leases.
  class Lease {
   public:
    Lease(NetPool* pool, cv::dnn::Net net, Key key)
        : pool_(pool), net_(std::move(net)), key_(key) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          net_(std::move(other.net_)),
          key_(other.key_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(net_), key_);
    }
    cv::dnn::Net& net() { return net_; }

   private:
    NetPool* pool_;  // null once moved from: nothing to return
    cv::dnn::Net net_;
    Key key_;
  };

  // An idle network that last ran `key`; else a new one while fewer than
  // max_idle networks are idle (so each of a few alternating shapes keeps
  // its own); else the idle network used longest ago. A new one also when
  // all are in use. Building happens outside the lock so one slow build
  // does not stall the other callers.
  Result<Lease> Borrow(Key key = 0);

  // Adds a network built ahead of time (e.g. to check the model builds),
  // as one that has run nothing yet.
  void Add(cv::dnn::Net net) { Return(std::move(net), kNothingYet); }

  // Number of idle networks; for tests.
  size_t idle() const;
  // Number of networks the factory has built; for tests.
  size_t built() const;

 private:
  // The key of a network that has not run yet: any caller may have it.
  static constexpr Key kNothingYet = ~Key{0};

  struct Idle {
    cv::dnn::Net net;
    Key key;
  };

  void Return(cv::dnn::Net net, Key key);

  Factory factory_;
  const size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<Idle> idle_;  // guarded by mu_; returned longest ago first
  size_t built_ = 0;        // guarded by mu_
};

}  // namespace faceveil

#endif  // FACEVEIL_INFER_NET_POOL_H_
