// Where the requests in flight are, for the page's progress display, and
// how a handler learns that its client has gone.
//
// A client that wants progress names its request with a header
// (X-Faceveil-Job: ID, an ID it made up) and asks GET /api/progress?job=ID
// while it waits. The board holds a stage and a fraction per named request,
// nothing about the image, and forgets an entry when its request ends.
#ifndef FACEVEIL_TOOLS_SERVER_PROGRESS_BOARD_H_
#define FACEVEIL_TOOLS_SERVER_PROGRESS_BOARD_H_

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "faceveil/pipeline.h"

namespace faceveil::server {

class ProgressBoard {
 public:
  // At most `max_jobs` named requests are followed at once; more run
  // without progress.
  explicit ProgressBoard(size_t max_jobs) : max_jobs_(max_jobs) {}

  // Follows request `id` until destroyed. Empty (Update() does nothing)
  // when `id` is not 8 to 64 characters of [A-Za-z0-9_-], is already
  // followed, or the board is full.
  class Entry {
   public:
    Entry() = default;
    Entry(Entry&& other) noexcept;
    Entry& operator=(Entry&& other) noexcept;
    ~Entry();
    void Update(const WorkProgress& progress);

   private:
    friend class ProgressBoard;
    Entry(ProgressBoard* board, std::string id)
        : board_(board), id_(std::move(id)) {}
    ProgressBoard* board_ = nullptr;
    std::string id_;
  };
  Entry Follow(std::string_view id);

  // What one followed request is doing.
  struct State {
    bool waiting = true;  // for a free work slot: no Update() yet
    WorkProgress progress;
  };
  // The state of request `id`, or nullopt when none is followed under that
  // name.
  std::optional<State> Find(std::string_view id) const;

 private:
  const size_t max_jobs_;
  mutable std::mutex mu_;
  std::map<std::string, State, std::less<>> jobs_;
};

// `{"stage": "detect", "fraction": 0.42}`; stages are "waiting", "decode",
// "detect", "anonymize" and "encode".
std::string ProgressJson(const ProgressBoard::State& state);

// True when the peer of socket `fd` has closed or reset the connection
// (a browser does so when a page aborts its request). False for an
// invalid fd. Never blocks.
bool PeerHasGone(int fd);

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_PROGRESS_BOARD_H_
