#include "work_gate.h"

#include <gtest/gtest.h>

#include <thread>

namespace faceveil::server {
namespace {

TEST(WorkGateTest, BoundsConcurrentWork) {
  WorkGate gate(2, 0, std::chrono::milliseconds(0));
  auto a = gate.Enter();
  auto b = gate.Enter();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(gate.active(), 2);
  EXPECT_FALSE(gate.Enter()) << "no queue: a third job is refused";
  a.reset();
  EXPECT_EQ(gate.active(), 1);
  EXPECT_TRUE(gate.Enter()) << "a freed slot is reusable";
}

TEST(WorkGateTest, FullQueueRefusesAtOnce) {
  WorkGate gate(1, 1, std::chrono::hours(1));
  auto held = gate.Enter();
  ASSERT_TRUE(held);
  std::optional<WorkGate::Ticket> waited;
  std::thread waiter([&] {
    auto ticket = gate.Enter();
    if (ticket) waited.emplace(std::move(*ticket));
  });
  while (gate.waiting() == 0) std::this_thread::yield();
  // The one queue place is taken: refused without waiting an hour.
  EXPECT_FALSE(gate.Enter());
  held.reset();  // hands the slot to the waiter
  waiter.join();
  EXPECT_TRUE(waited.has_value());
  EXPECT_EQ(gate.active(), 1);
}

TEST(WorkGateTest, WaitEndsWithoutASlot) {
  WorkGate gate(1, 4, std::chrono::milliseconds(20));
  auto held = gate.Enter();
  ASSERT_TRUE(held);
  EXPECT_FALSE(gate.Enter()) << "the slot was never freed";
  EXPECT_EQ(gate.waiting(), 0);
}

}  // namespace
}  // namespace faceveil::server
