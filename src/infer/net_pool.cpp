#include "infer/net_pool.h"

#include <algorithm>

namespace faceveil {

Result<NetPool::Lease> NetPool::Borrow(Key key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The most recently returned network that last ran `key`, or one that
    // has run nothing yet.
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
      if (it->key == key || it->key == kNothingYet) {
        cv::dnn::Net net = std::move(it->net);
        idle_.erase(std::next(it).base());
        return Lease(this, std::move(net), key);
      }
    }
    if (!idle_.empty() && idle_.size() >= max_idle_) {
      cv::dnn::Net net = std::move(idle_.front().net);
      idle_.erase(idle_.begin());
      return Lease(this, std::move(net), key);
    }
    ++built_;
  }
  Result<cv::dnn::Net> net = factory_();
  if (!net.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --built_;
    return net.status();
  }
  return Lease(this, std::move(net).value(), key);
}

size_t NetPool::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_.size();
}

size_t NetPool::built() const {
  std::lock_guard<std::mutex> lock(mu_);
  return built_;
}

void NetPool::Return(cv::dnn::Net net, Key key) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(Idle{std::move(net), key});
  // Past the limit, the network used longest ago goes.
  if (idle_.size() > max_idle_) idle_.erase(idle_.begin());
}

}  // namespace faceveil
