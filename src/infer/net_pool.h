// A pool of cv::dnn::Net instances built from one model, so that concurrent
// callers each run their own network (a Net is not safe for concurrent
// forward passes) without building one per call.
#ifndef FACEVEIL_INFER_NET_POOL_H_
#define FACEVEIL_INFER_NET_POOL_H_

#include <functional>
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

  // `factory` builds a fresh network; it must be callable from any thread.
  explicit NetPool(Factory factory) : factory_(std::move(factory)) {}

  NetPool(const NetPool&) = delete;
  NetPool& operator=(const NetPool&) = delete;

  // A borrowed network, returned to the pool when the lease is destroyed.
  // The pool must outlive its leases.
  class Lease {
   public:
    Lease(NetPool* pool, cv::dnn::Net net)
        : pool_(pool), net_(std::move(net)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          net_(std::move(other.net_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(net_));
    }
    cv::dnn::Net& net() { return net_; }

   private:
    NetPool* pool_;  // null once moved from: nothing to return
    cv::dnn::Net net_;
  };

  // An idle network, or a new one when all are in use. Building happens
  // outside the lock so one slow build does not stall the other callers.
  Result<Lease> Borrow();

  // Adds a network built ahead of time (e.g. to check the model builds).
  void Add(cv::dnn::Net net) { Return(std::move(net)); }

  // Number of idle networks; for tests.
  size_t idle() const;

 private:
  void Return(cv::dnn::Net net);

  Factory factory_;
  mutable std::mutex mu_;
  std::vector<cv::dnn::Net> idle_;  // guarded by mu_
};

}  // namespace faceveil

#endif  // FACEVEIL_INFER_NET_POOL_H_
