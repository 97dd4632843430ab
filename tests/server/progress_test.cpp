// Progress and cancellation: a Pipeline call tells its watcher where it is
// and stops when told; the server follows named requests and stops the
// work of a client that has gone.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "api_util.h"
#include "faceveil/pipeline.h"
#include "progress_board.h"
#include "server_test_util.h"

namespace faceveil::server::testing {
namespace {

using Stage = WorkProgress::Stage;

// A photo large enough for many detection tiles, with no face in it.
std::string LargeJpeg() {
  cv::Mat small(30, 40, CV_8UC3);
  cv::randu(small, 0, 255);
  cv::Mat big;
  cv::resize(small, big, cv::Size(4000, 3000), 0, 0, cv::INTER_CUBIC);
  std::vector<uint8_t> bytes;
  cv::imencode(".jpg", big, bytes);
  return std::string(bytes.begin(), bytes.end());
}

class WorkWatcherDetectTest : public ::testing::TestWithParam<DetectorModels> {
};

// The ensemble (BlazeFace's tiles, then the SSD's passes) and CrowdNet's
// tiles each report and stop.
TEST_P(WorkWatcherDetectTest, ReportsStagesAndTilesAndStopsWhenTold) {
  const std::string bytes = LargeJpeg();
  PipelineOptions options;
  options.detector.models = GetParam();
  auto pipeline = Pipeline::Create(options);
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().ToString();
  std::vector<WorkProgress> seen;
  const WorkWatcher watcher = [&](const WorkProgress& p) {
    seen.push_back(p);
    // Stop on the third tile of detection.
    return !(p.stage == Stage::kDetect && seen.size() >= 4);
  };
  auto report = (*pipeline)->Detect(
      std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
      watcher);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kCancelled);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].stage, Stage::kDecode);
  EXPECT_EQ(seen[1].stage, Stage::kDetect);
  for (size_t i = 2; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].stage, Stage::kDetect);
    EXPECT_GE(seen[i].fraction, seen[i - 1].fraction);
    EXPECT_LT(seen[i].fraction, 1.0);
  }
  EXPECT_GT(seen.back().fraction, 0.0) << "tiles are counted";
}

INSTANTIATE_TEST_SUITE_P(Models, WorkWatcherDetectTest,
                         ::testing::Values(DetectorModels::kEnsemble,
                                           DetectorModels::kCrowdNet));

TEST(WorkWatcherTest, AnonymizeSelectionStopsBetweenStages) {
  const std::string bytes = ReadTestFile("astronaut.png");
  ASSERT_FALSE(bytes.empty()) << "run scripts/fetch-testdata.sh";
  auto pipeline = Pipeline::Create({});
  ASSERT_TRUE(pipeline.ok());
  std::vector<Stage> stages;
  auto out = (*pipeline)->AnonymizeSelection(
      std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
      Selection{}, AnonymizeOptions{}, [&](const WorkProgress& p) {
        stages.push_back(p.stage);
        return p.stage != Stage::kEncode;
      });
  EXPECT_EQ(out.status().code(), Status::Code::kCancelled);
  EXPECT_EQ(stages, (std::vector<Stage>{Stage::kDecode, Stage::kAnonymize,
                                        Stage::kEncode}));
}

TEST(ProgressBoardTest, FollowsNamedRequestsWhileTheyRun) {
  ProgressBoard board(2);
  EXPECT_FALSE(board.Find("job-0001"));
  {
    ProgressBoard::Entry entry = board.Follow("job-0001");
    auto state = board.Find("job-0001");
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->waiting);
    EXPECT_EQ(ProgressJson(*state), R"({"stage":"waiting","fraction":0.000})");
    entry.Update({Stage::kDetect, 0.5});
    state = board.Find("job-0001");
    ASSERT_TRUE(state);
    EXPECT_EQ(ProgressJson(*state), R"({"stage":"detect","fraction":0.500})");
    // A second request under the same name is not followed.
    ProgressBoard::Entry twin = board.Follow("job-0001");
    twin.Update({Stage::kEncode, 0});
    EXPECT_EQ(board.Find("job-0001")->progress.stage, Stage::kDetect);
  }
  EXPECT_FALSE(board.Find("job-0001")) << "forgotten when the request ends";
}

TEST(ProgressBoardTest, RefusesBadNamesAndPastItsSize) {
  ProgressBoard board(1);
  for (const char* bad : {"", "short", "has space in it", "../../etc/pass",
                          "x123456789012345678901234567890123456789012345678"
                          "90123456789012345"}) {
    ProgressBoard::Entry e = board.Follow(bad);
    EXPECT_FALSE(board.Find(bad)) << bad;
  }
  ProgressBoard::Entry a = board.Follow("aaaaaaaa");
  ProgressBoard::Entry b = board.Follow("bbbbbbbb");
  EXPECT_TRUE(board.Find("aaaaaaaa"));
  EXPECT_FALSE(board.Find("bbbbbbbb")) << "the board is full";
}

TEST(PeerHasGoneTest, TrueOnlyOnceThePeerCloses) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EXPECT_FALSE(PeerHasGone(fds[0]));
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  EXPECT_FALSE(PeerHasGone(fds[0])) << "unread data is not a hang-up";
  close(fds[1]);
  EXPECT_TRUE(PeerHasGone(fds[0]));
  close(fds[0]);
  EXPECT_FALSE(PeerHasGone(-1));
}

TEST(SizeInWordsTest, SaysMegabytesAsPeopleDo) {
  EXPECT_EQ(SizeInWords(int64_t{64} << 20), "64 MB");
  EXPECT_EQ(SizeInWords(int64_t{3} << 19), "1.5 MB");
  EXPECT_EQ(SizeInWords(900 * 1024), "900 KB");
  EXPECT_EQ(UploadTooLargeMessage(int64_t{64} << 20),
            "This photo is larger than 64 MB, the most this server accepts.");
}

// The request of a client that closes its connection while the server is
// finding faces ends there (503, cancelled) instead of running to the end.
TEST(ServerCancelTest, WorkStopsWhenTheClientGoes) {
  std::ostringstream log;
  ServerOptions options;
  options.log = &log;
  auto running = std::make_unique<RunningServer>(options);
  RunningServer& server = *running;
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string jpeg = LargeJpeg();
  const int fd = faceveil::server::testing::ConnectLoopback(server.port());
  ASSERT_GE(fd, 0);
  const std::string head =
      "POST /api/detect HTTP/1.1\r\nHost: 127.0.0.1:" +
      std::to_string(server.port()) +
      "\r\nContent-Type: image/jpeg\r\nX-Faceveil-Job: cancel-test-1\r\n"
      "Content-Length: " +
      std::to_string(jpeg.size()) + "\r\n\r\n";
  const std::string request = head + jpeg;
  for (size_t at = 0; at < request.size();) {
    const ssize_t n =
        send(fd, request.data() + at, request.size() - at, MSG_NOSIGNAL);
    ASSERT_GT(n, 0);
    at += static_cast<size_t>(n);
  }
  // Wait until it is finding faces, past the first tile.
  auto client = server.Client();
  bool detecting = false;
  for (int i = 0; i < 600 && !detecting; ++i) {
    auto res = client->Get("/api/progress?job=cancel-test-1");
    if (res && res->status == 200) {
      const auto body = nlohmann::json::parse(res->body);
      detecting = body["stage"] == "detect" && body["fraction"] > 0;
    }
    if (!detecting) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(detecting) << "the request was followed into detection";
  close(fd);
  // The request ends (it is no longer followed) ...
  bool ended = false;
  for (int i = 0; i < 3000 && !ended; ++i) {
    auto res = client->Get("/api/progress?job=cancel-test-1");
    ended = res && res->status == 404;
    if (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(ended);
  // ... without its work done, as the log says once the server has stopped
  // (Stop() lets in-flight requests finish; the log is not read before).
  client.reset();
  running.reset();
  const std::string text = log.str();
  const size_t at = text.find("POST /api/detect");
  ASSERT_NE(at, std::string::npos) << text;
  const std::string line = text.substr(at, text.find('\n', at) - at);
  EXPECT_NE(line.find("POST /api/detect 503"), std::string::npos) << line;
}

}  // namespace
}  // namespace faceveil::server::testing
