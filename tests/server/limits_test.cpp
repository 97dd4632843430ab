// The server's concurrency limit end to end: with one job slot and no
// queue, simultaneous uploads past the first get 503 with Retry-After and a
// JSON reason, the admitted ones are served, and the server is healthy
// afterwards. (Upload bytes and pixels: errors_test.cpp; the gate itself:
// work_gate_test.cpp; the numbers: docs/LIMITS.md.)
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "server_test_util.h"

namespace faceveil::server::testing {
namespace {

TEST(ServerLimitsTest, WorkPastTheConcurrencyLimitIs503WithRetryAfter) {
  ServerOptions options;
  options.max_concurrent_jobs = 1;
  options.max_queued_jobs = 0;
  options.threads = 12;  // HTTP workers are not the bottleneck here
  RunningServer server(options);
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string png = ReadTestFile("astronaut.png");
  ASSERT_FALSE(png.empty()) << "run scripts/fetch-testdata.sh";

  // Eight uploads released at once; each takes far longer to process than
  // the others take to arrive. A burst can, rarely, be spread out by the
  // scheduler, so up to three bursts are tried.
  int busy = 0, served = 0;
  for (int burst = 0; burst < 3 && busy == 0; ++burst) {
    constexpr int kClients = 8;
    std::latch go(kClients);
    struct Answer {
      int status = 0;  // 0: none
      std::string retry_after, body;
    };
    std::vector<Answer> results(kClients);
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
      threads.emplace_back([&, i] {
        auto client = server.Client();
        client->Get("/api/health");  // connected before the burst
        go.arrive_and_wait();
        auto res = client->Post("/api/detect?mode=thorough", png, "image/png");
        if (res) {
          results[i] = {res->status, res->get_header_value("Retry-After"),
                        res->body};
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& res : results) {
      ASSERT_NE(res.status, 0) << "every request is answered";
      if (res.status == 503) {
        ++busy;
        EXPECT_EQ(res.retry_after, "2");
        EXPECT_NE(res.body.find("\"error\""), std::string::npos) << res.body;
        EXPECT_NE(res.body.find("busy"), std::string::npos) << res.body;
      } else {
        EXPECT_EQ(res.status, 200) << res.body;
        ++served;
      }
    }
  }
  EXPECT_GT(busy, 0) << "no upload was refused past the limit";
  EXPECT_GT(served, 0) << "the one slot served someone";
  auto after = server.Client()->Post("/api/detect", png, "image/png");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << "a free slot serves again";
}

}  // namespace
}  // namespace faceveil::server::testing
