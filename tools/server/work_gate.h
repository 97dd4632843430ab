// A bound on concurrent pipeline work with a short, bounded queue in front
// of it. Decoding, detection and encoding are CPU-bound: running more of
// them at once than there are cores only makes each slower, and an
// unbounded backlog lets one client pin memory with uploads. Requests past
// the bound wait (briefly, FIFO-ish) for a slot; when the queue is full or
// the wait runs out, the caller answers 503.
#ifndef FACEVEIL_TOOLS_SERVER_WORK_GATE_H_
#define FACEVEIL_TOOLS_SERVER_WORK_GATE_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

namespace faceveil::server {

class WorkGate {
 public:
  // Holds one slot until destroyed.
  class Ticket {
   public:
    explicit Ticket(WorkGate* gate) : gate_(gate) {}
    Ticket(Ticket&& other) noexcept : gate_(other.gate_) {
      other.gate_ = nullptr;
    }
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    ~Ticket() {
      if (gate_ != nullptr) gate_->Leave();
    }

   private:
    WorkGate* gate_;
  };

  // `slots` jobs run at once (at least 1); at most `max_waiting` more wait,
  // each for at most `max_wait`.
  WorkGate(int slots, int max_waiting, std::chrono::milliseconds max_wait);

  // A slot, or nullopt when the gate is saturated (queue full or timed out).
  // The gate must outlive the ticket.
  std::optional<Ticket> Enter();

  int active() const;
  int waiting() const;

 private:
  void Leave();

  const int slots_;
  const int max_waiting_;
  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  int active_ = 0;
  int waiting_ = 0;
};

}  // namespace faceveil::server

#endif  // FACEVEIL_TOOLS_SERVER_WORK_GATE_H_
