// A pool of cv::dnn::Net instances built from one model, so that concurrent
// callers each run their own network (a Net is not safe for concurrent
// forward passes) without building one per call.
//
// A Net re-plans its layers and buffers whenever its input shape changes,
// which costs a large part of an inference (CrowdNet: ~15 ms per switch
// between a 1024x576 and a 256x144 input, against ~60 ms for the larger
// inference; crowdnet_bench's BM_CrowdNetAlternatingShapes). Callers that
// alternate shapes pass the shape to Borrow() and get back a network that
// last ran it, within a bound on what the idle networks hold.
#ifndef FACEVEIL_INFER_NET_POOL_H_
#define FACEVEIL_INFER_NET_POOL_H_

#include <cstdint>
#include <deque>
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

  // What a network last ran: an id the caller chooses (e.g. its input's
  // height and width; 0 when the caller does not say) and what keeping a
  // network that ran it costs (e.g. its input's pixels: a network's buffers
  // grow with them).
  struct Shape {
    uint64_t id = 0;
    size_t cost = 0;
  };

  // `factory` builds a fresh network; it must be callable from any thread.
  // Idle networks are kept between calls while their shapes' costs add up
  // to at most `max_idle_cost` (always the last one returned): a pool whose
  // callers pass shapes needs a bound, or every new shape would keep one
  // more network.
  explicit NetPool(Factory factory,
                   size_t max_idle_cost = std::numeric_limits<size_t>::max())
      : factory_(std::move(factory)), max_idle_cost_(max_idle_cost) {}

  NetPool(const NetPool&) = delete;
  NetPool& operator=(const NetPool&) = delete;

  // A borrowed network, returned to the pool when the lease is destroyed.
  // The pool must outlive its leases.
  class Lease {
   public:
    Lease(NetPool* pool, cv::dnn::Net net, Shape shape)
        : pool_(pool), net_(std::move(net)), shape_(shape) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          net_(std::move(other.net_)),
          shape_(other.shape_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(std::move(net_), shape_);
    }
    cv::dnn::Net& net() { return net_; }

   private:
    NetPool* pool_;  // null once moved from: nothing to return
    cv::dnn::Net net_;
    Shape shape_;
  };

  // An idle network that last ran `shape` (the one returned last); else,
  // for a shape asked for before, a new one while the idle networks' costs
  // and this shape's stay within the bound (so each of a few alternating
  // shapes keeps its own); else the idle network returned longest ago,
  // which re-plans. A new one also when all are in use. Building happens
  // outside the lock so one slow build does not stall the other callers.
  Result<Lease> Borrow(Shape shape);
  // For callers of one shape.
  Result<Lease> Borrow() { return Borrow(Shape{}); }

  // Adds a network built ahead of time (e.g. to check the model builds),
  // for the first caller of any shape to take.
  void Add(cv::dnn::Net net) { Return(std::move(net), {kAnyShape, 0}); }

  // Number of idle networks; for tests.
  size_t idle() const;
  // Number of networks the factory has built; for tests.
  size_t built() const;

 private:
  // The id of a network added ahead of time: any caller may take it.
  static constexpr uint64_t kAnyShape = ~uint64_t{0};
  // How many shape ids the pool remembers to tell a recurring shape.
  static constexpr size_t kSeenShapes = 16;

  struct Idle {
    cv::dnn::Net net;
    Shape shape;
  };

  void Return(cv::dnn::Net net, Shape shape);

  Factory factory_;
  const size_t max_idle_cost_;
  mutable std::mutex mu_;
  std::vector<Idle> idle_;     // guarded by mu_; returned longest ago first
  size_t idle_cost_ = 0;       // guarded by mu_: the sum of idle_'s costs
  std::deque<uint64_t> seen_;  // guarded by mu_: shapes asked for lately
  size_t built_ = 0;           // guarded by mu_
};

}  // namespace faceveil

#endif  // FACEVEIL_INFER_NET_POOL_H_
