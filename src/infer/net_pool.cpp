#include "infer/net_pool.h"

#include <algorithm>
#include <iterator>

namespace faceveil {

Result<NetPool::Lease> NetPool::Borrow(Shape shape) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The most recently returned network that last ran `shape`, or one
    // added ahead of time.
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
      if (it->shape.id == shape.id || it->shape.id == kAnyShape) {
        cv::dnn::Net net = std::move(it->net);
        idle_cost_ -= it->shape.cost;
        idle_.erase(std::next(it).base());
        return Lease(this, std::move(net), shape);
      }
    }
    // A shape seen for the first time, or one more network past the bound:
    // the one returned longest ago runs this shape instead. (Photos of many
    // sizes would otherwise each leave a network behind; a shape that comes
    // back, as a video's every frame, gets its own.)
    const bool recurs =
        std::find(seen_.begin(), seen_.end(), shape.id) != seen_.end();
    if (!recurs) {
      seen_.push_back(shape.id);
      if (seen_.size() > kSeenShapes) seen_.pop_front();
    }
    if (!idle_.empty() && (!recurs || idle_cost_ > max_idle_cost_ ||
                           shape.cost > max_idle_cost_ - idle_cost_)) {
      cv::dnn::Net net = std::move(idle_.front().net);
      idle_cost_ -= idle_.front().shape.cost;
      idle_.erase(idle_.begin());
      return Lease(this, std::move(net), shape);
    }
    ++built_;
  }
  Result<cv::dnn::Net> net = factory_();
  if (!net.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --built_;
    return net.status();
  }
  return Lease(this, std::move(net).value(), shape);
}

size_t NetPool::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_.size();
}

size_t NetPool::built() const {
  std::lock_guard<std::mutex> lock(mu_);
  return built_;
}

void NetPool::Return(cv::dnn::Net net, Shape shape) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(Idle{std::move(net), shape});
  idle_cost_ += shape.cost;
  // Past the bound, the networks returned longest ago go; the last one
  // returned always stays.
  while (idle_.size() > 1 && idle_cost_ > max_idle_cost_) {
    idle_cost_ -= idle_.front().shape.cost;
    idle_.erase(idle_.begin());
  }
}

}  // namespace faceveil
