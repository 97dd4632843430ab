#include "work_gate.h"

#include <algorithm>

namespace faceveil::server {

WorkGate::WorkGate(int slots, int max_waiting,
                   std::chrono::milliseconds max_wait)
    : slots_(std::max(1, slots)),
      max_waiting_(std::max(0, max_waiting)),
      max_wait_(max_wait) {}

std::optional<WorkGate::Ticket> WorkGate::Enter() {
  std::unique_lock<std::mutex> lock(mu_);
  if (active_ < slots_ && waiting_ == 0) {
    ++active_;
    return Ticket(this);
  }
  if (waiting_ >= max_waiting_) return std::nullopt;
  ++waiting_;
  const bool got =
      freed_.wait_for(lock, max_wait_, [this] { return active_ < slots_; });
  --waiting_;
  if (!got) return std::nullopt;
  ++active_;
  return Ticket(this);
}

void WorkGate::Leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --active_;
  }
  freed_.notify_one();
}

int WorkGate::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

int WorkGate::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_;
}

}  // namespace faceveil::server
