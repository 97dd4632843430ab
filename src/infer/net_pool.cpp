#include "infer/net_pool.h"

namespace faceveil {

Result<NetPool::Lease> NetPool::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      cv::dnn::Net net = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(net));
    }
  }
  Result<cv::dnn::Net> net = factory_();
  if (!net.ok()) return net.status();
  return Lease(this, std::move(net).value());
}

size_t NetPool::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_.size();
}

void NetPool::Return(cv::dnn::Net net) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(net));
}

}  // namespace faceveil
