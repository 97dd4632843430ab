// Load test of `faceveil serve` on loopback: concurrent uploads of real
// photos with malformed requests mixed in (bad multipart, wrong content
// type, oversized bodies, garbage bytes, slow and abandoned requests), then
// /api/health while 30 connections stall mid-header.
//
// Checked: every request is answered; good requests get 200 and bad ones
// their 4xx, never a 5xx, while the clients stay within the server's
// concurrency limit (jobs + queue); above it the only extra answer allowed
// is 503 with Retry-After (docs/LIMITS.md); peak RSS stays bounded; the
// server answers correctly afterwards. Speed is printed, never asserted
// (scripts/load-test.sh runs a larger round for the figures).
//
// FACEVEIL_LOAD_REQUESTS overrides the number of requests per phase.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "server/serve_process.h"
#include "server_test_util.h"

namespace faceveil::server::testing {
namespace {

using faceveil::testing::ChildEnv;
using faceveil::testing::ServeProcess;
using Clock = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// The server under test: 2 jobs, a queue of 6; 1 MiB uploads.
constexpr int kJobs = 2;
constexpr int kQueue = 6;
constexpr int kMaxUploadMb = 1;

int RequestsPerPhase() {
  if (const char* n = std::getenv("FACEVEIL_LOAD_REQUESTS")) {
    return std::max(10, std::atoi(n));
  }
  return kSanitized ? 48 : 160;
}

// A raw exchange on a fresh connection: sends `bytes` (optionally in
// pieces with pauses, optionally abandoning the request halfway), then
// reads until the server closes. Returns what came back.
std::string RawExchange(int port, const std::string& bytes, int pieces = 1,
                        int pause_ms = 0, bool abandon = false,
                        bool half_close = true) {
  const int fd = faceveil::server::testing::ConnectLoopback(port);
  if (fd < 0) return "";
  timeval tv{120, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const size_t step = (bytes.size() + pieces - 1) / pieces;
  const size_t end = abandon ? bytes.size() / 2 : bytes.size();
  for (size_t at = 0; at < end; at += step) {
    const size_t n = std::min(step, end - at);
    if (send(fd, bytes.data() + at, n, MSG_NOSIGNAL) < 0) break;
    if (pause_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
  }
  if (abandon) {
    close(fd);
    return "";
  }
  // cpp-httplib writes no answer to a client that has half-closed (it
  // takes the end of input for a dead peer), so requests that expect an
  // answer keep the socket open and rely on "Connection: close".
  if (half_close) shutdown(fd, SHUT_WR);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, n);
  close(fd);
  return got;
}

// A connection that sends the start of a request and then nothing (a
// client stalled mid-header); -1 when it could not connect.
int OpenStalled(int port) {
  const int fd = faceveil::server::testing::ConnectLoopback(port);
  if (fd < 0) return -1;
  const std::string start =
      "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
      "\r\nX-Stalled: ";
  send(fd, start.data(), start.size(), MSG_NOSIGNAL);
  return fd;
}

int LoadStatusOf(const std::string& raw) {
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12) return 0;
  return std::atoi(raw.c_str() + 9);
}

struct Outcome {
  std::string kind;
  int status = 0;  // 0: no answer
  bool retry_after = false;
  double ms = 0;
  std::string error;  // the client's error when there was no answer
};

class Load {
 public:
  Load(int port, std::string png, std::string jpg)
      : port_(port), png_(std::move(png)), jpg_(std::move(jpg)) {}

  // One request of kind `i % kinds`; returns what happened.
  Outcome Run(int i) {
    Outcome o;
    const auto start = Clock::now();
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(120, 0);
    client.set_write_timeout(60, 0);
    const std::string host = "127.0.0.1:" + std::to_string(port_);
    auto finish = [&](const httplib::Result& res) {
      o.ms = Ms(start);
      if (res) {
        o.status = res->status;
        o.retry_after = res->has_header("Retry-After");
      } else {
        o.error = httplib::to_string(res.error());
      }
      return o;
    };
    switch (i % 10) {
      case 0:
      case 1:
        o.kind = "detect jpg";
        return finish(client.Post("/api/detect", jpg_, "image/jpeg"));
      case 2:
        o.kind = "anonymize png multipart";
        return finish(client.Post(
            "/api/anonymize", httplib::MultipartFormDataItems{
                                  {"image", png_, "secret.png", "image/png"}}));
      case 3:
        o.kind = "anonymize jpg pixelate webp";
        return finish(client.Post("/api/anonymize?style=pixelate&format=webp",
                                  jpg_, "image/jpeg"));
      case 4:
        o.kind = "bad multipart";
        return finish(client.Post(
            "/api/anonymize",
            "--xx\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n"
            "abc\r\n--x",
            "multipart/form-data; boundary=xx"));
      case 5:
        o.kind = "wrong content type";
        return finish(
            client.Post("/api/detect", "hello, not a picture", "text/plain"));
      case 6:
        o.kind = "oversized body";
        return finish(client.Post("/api/detect",
                                  std::string((kMaxUploadMb << 20) + 1024, 'x'),
                                  "image/jpeg"));
      case 7: {
        o.kind = "garbage bytes";
        std::mt19937 rng(i);
        std::string junk(2048, '\0');
        for (char& c : junk) c = static_cast<char>(rng());
        o.status = LoadStatusOf(RawExchange(port_, junk));
        // Unparsable bytes: a 400, or the connection closed unanswered.
        o.ms = Ms(start);
        return o;
      }
      case 8: {
        o.kind = "slow request";
        const std::string body = jpg_.substr(0, 3000);
        const std::string req = "POST /api/detect HTTP/1.1\r\nHost: " + host +
                                "\r\nContent-Type: image/jpeg\r\n"
                                "Content-Length: " +
                                std::to_string(body.size()) +
                                "\r\nConnection: close\r\n\r\n" + body;
        const std::string raw = RawExchange(port_, req, 20, 10, false, false);
        o.status = LoadStatusOf(raw);
        o.retry_after = raw.find("\r\nRetry-After: ") != std::string::npos;
        o.ms = Ms(start);
        return o;
      }
      default: {
        o.kind = "abandoned request";
        const std::string req =
            "POST /api/detect HTTP/1.1\r\nHost: " + host +
            "\r\nContent-Length: " + std::to_string(jpg_.size()) + "\r\n\r\n" +
            jpg_;
        RawExchange(port_, req, 4, 5, /*abandon=*/true);
        o.status = -1;  // nobody is left to answer
        o.ms = Ms(start);
        return o;
      }
    }
  }

  static int Expected(const std::string& kind) {
    static const std::map<std::string, int> want = {
        {"detect jpg", 200},
        {"anonymize png multipart", 200},
        {"anonymize jpg pixelate webp", 200},
        {"bad multipart", 400},
        {"wrong content type", 415},
        {"oversized body", 413},
        {"garbage bytes", 400},
        {"slow request", 400},
        {"abandoned request", -1},
    };
    return want.at(kind);
  }

  // `requests` requests from `clients` threads; outcomes in request order.
  std::vector<Outcome> Phase(int requests, int clients, double* seconds) {
    std::vector<Outcome> out(requests);
    std::atomic<int> next{0};
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) {
      threads.emplace_back([&] {
        for (int i; (i = next++) < requests;) out[i] = Run(i);
      });
    }
    for (auto& t : threads) t.join();
    *seconds = Ms(start) / 1000.0;
    return out;
  }

 private:
  static double Ms(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start)
        .count();
  }
  int port_;
  std::string png_, jpg_;
};

void PrintFigures(const char* phase, const std::vector<Outcome>& outcomes,
                  double seconds) {
  std::vector<double> ms;
  for (const Outcome& o : outcomes) ms.push_back(o.ms);
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))];
  };
  std::printf(
      "[load] %s: %zu requests in %.2f s = %.1f req/s; latency ms p50 %.1f "
      "p95 %.1f p99 %.1f max %.1f\n",
      phase, outcomes.size(), seconds, outcomes.size() / seconds, pct(0.50),
      pct(0.95), pct(0.99), ms.back());
}

TEST(ServerLoadTest, AnswersEveryRequestWithBoundedMemory) {
  const std::string png = ReadTestFile("astronaut.png");
  const std::string jpg = ReadTestFile("messi5.jpg");
  ASSERT_FALSE(png.empty() || jpg.empty()) << "run scripts/fetch-testdata.sh";

  ServeProcess server({"-j", std::to_string(kJobs), "--max-upload-mb",
                       std::to_string(kMaxUploadMb)},
                      "", ChildEnv());
  ASSERT_TRUE(server.ok());
  ASSERT_GT(server.port(), 0) << server.err();
  const int64_t idle_rss_kb = server.PeakRssKb();
  Load load(server.port(), png, jpg);
  const int n = RequestsPerPhase();

  // Within the limit: jobs + queue clients at most, so nothing may be
  // refused as busy.
  double seconds = 0;
  const auto within = load.Phase(n, kJobs + kQueue, &seconds);
  PrintFigures("within the limit (8 clients)", within, seconds);
  for (size_t i = 0; i < within.size(); ++i) {
    const Outcome& o = within[i];
    const int want = Load::Expected(o.kind);
    if (o.kind == "garbage bytes") {
      // httplib answers 400 or closes; both are fine, a 5xx is not.
      EXPECT_TRUE(o.status == 400 || o.status == 0) << i << " " << o.status;
    } else {
      EXPECT_EQ(o.status, want)
          << "request " << i << " (" << o.kind << ") " << o.error;
    }
  }

  // Above it: three times as many clients; 503 + Retry-After is allowed
  // for work that would queue past the limit, nothing else changes.
  const auto above = load.Phase(n, 3 * (kJobs + kQueue), &seconds);
  PrintFigures("above the limit (24 clients)", above, seconds);
  int busy = 0;
  for (size_t i = 0; i < above.size(); ++i) {
    const Outcome& o = above[i];
    if (o.status == 503) {
      ++busy;
      EXPECT_TRUE(o.retry_after) << "503 without Retry-After: " << o.kind;
      continue;
    }
    if (o.kind == "garbage bytes") {
      EXPECT_TRUE(o.status == 400 || o.status == 0) << i << " " << o.status;
    } else {
      EXPECT_EQ(o.status, Load::Expected(o.kind))
          << "request " << i << " (" << o.kind << ") " << o.error;
    }
  }
  std::printf("[load] busy (503) above the limit: %d of %zu\n", busy,
              above.size());

  // Slow clients: 30 connections stalled mid-header (they used to take
  // every worker thread, and /api/health stopped answering). Every health
  // check must be answered while they stall.
  {
    constexpr int kStalled = 30;
    constexpr int kChecks = 40;
    std::vector<int> stalled;
    for (int i = 0; i < kStalled; ++i) {
      const int fd = OpenStalled(server.port());
      ASSERT_GE(fd, 0);
      stalled.push_back(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::vector<double> ms;
    int answered = 0;
    for (int i = 0; i < kChecks; ++i) {
      httplib::Client check("127.0.0.1", server.port());
      check.set_read_timeout(5, 0);
      const auto start = Clock::now();
      auto res = check.Get("/api/health");
      ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start)
              .count());
      if (res && res->status == 200) ++answered;
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "[load] /api/health with %d connections stalled mid-header: %d of %d "
        "answered; latency ms p50 %.1f p95 %.1f max %.1f\n",
        kStalled, answered, kChecks, ms[ms.size() / 2],
        ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back());
    EXPECT_EQ(answered, kChecks) << "stalled clients locked others out";
    for (int fd : stalled) close(fd);
  }

  // Still healthy and correct.
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(120, 0);
  auto health = client.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto detect = client.Post("/api/detect", jpg, "image/jpeg");
  ASSERT_TRUE(detect);
  ASSERT_EQ(detect->status, 200) << detect->body;
  EXPECT_NE(detect->body.find("\"box\""), std::string::npos)
      << "the face in messi5.jpg is still found: " << detect->body;

  // Peak memory: each job holds one decoded photo and its network; the
  // queue holds at most jobs + queue bodies of <= 1 MiB. 1 GiB leaves
  // room for the model and allocator slack (ASan's shadow memory and
  // quarantine need more).
  const int64_t peak_kb = server.PeakRssKb();
  std::printf("[load] peak RSS (VmHWM): %lld KiB (idle %lld KiB)\n",
              static_cast<long long>(peak_kb),
              static_cast<long long>(idle_rss_kb));
  ASSERT_GT(peak_kb, 0);
  EXPECT_LT(peak_kb, (kSanitized ? 3 : 1) * 1024 * 1024);

  const int status = server.Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "a clean stop on SIGTERM; stderr: " << server.err().substr(0, 2000);
  // The request log never names an upload.
  EXPECT_EQ(server.err().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace faceveil::server::testing
