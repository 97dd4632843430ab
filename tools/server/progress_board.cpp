#include "progress_board.h"

#include <poll.h>

#include <cmath>
#include <cstdio>

namespace faceveil::server {
namespace {

bool ValidId(std::string_view id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

const char* StageName(WorkProgress::Stage stage) {
  switch (stage) {
    case WorkProgress::Stage::kDecode:
      return "decode";
    case WorkProgress::Stage::kDetect:
      return "detect";
    case WorkProgress::Stage::kAnonymize:
      return "anonymize";
    case WorkProgress::Stage::kEncode:
      return "encode";
  }
  return "decode";
}

}  // namespace

ProgressBoard::Entry::Entry(Entry&& other) noexcept
    : board_(other.board_), id_(std::move(other.id_)) {
  other.board_ = nullptr;
}

ProgressBoard::Entry& ProgressBoard::Entry::operator=(Entry&& other) noexcept {
  if (this != &other) {
    Entry gone(std::move(*this));  // forgets what this followed
    board_ = other.board_;
    id_ = std::move(other.id_);
    other.board_ = nullptr;
  }
  return *this;
}

ProgressBoard::Entry::~Entry() {
  if (board_ == nullptr) return;
  std::lock_guard<std::mutex> lock(board_->mu_);
  board_->jobs_.erase(id_);
}

void ProgressBoard::Entry::Update(const WorkProgress& progress) {
  if (board_ == nullptr) return;
  std::lock_guard<std::mutex> lock(board_->mu_);
  board_->jobs_[id_] = State{false, progress};
}

ProgressBoard::Entry ProgressBoard::Follow(std::string_view id) {
  if (!ValidId(id)) return Entry();
  std::lock_guard<std::mutex> lock(mu_);
  if (jobs_.size() >= max_jobs_ || jobs_.count(id) > 0) return Entry();
  jobs_.emplace(std::string(id), State{});
  return Entry(this, std::string(id));
}

std::optional<ProgressBoard::State> ProgressBoard::Find(
    std::string_view id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

std::string ProgressJson(const ProgressBoard::State& state) {
  const WorkProgress& progress = state.progress;
  const double f = std::isfinite(progress.fraction)
                       ? std::fmin(std::fmax(progress.fraction, 0.0), 1.0)
                       : 0.0;
  char text[96];
  std::snprintf(text, sizeof text, "{\"stage\":\"%s\",\"fraction\":%.3f}",
                state.waiting ? "waiting" : StageName(progress.stage), f);
  return text;
}

bool PeerHasGone(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

}  // namespace faceveil::server
