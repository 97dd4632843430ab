// Helpers for the server tests: a Server on a free loopback port running on
// its own thread, and small image checks.
#ifndef FACEVEIL_TESTS_SERVER_SERVER_TEST_UTIL_H_
#define FACEVEIL_TESTS_SERVER_SERVER_TEST_UTIL_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <thread>

#include "server.h"

namespace faceveil::server::testing {

// A TCP connection to 127.0.0.1:`port`, for tests that speak raw bytes;
// -1 when it could not connect.
inline int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

inline std::string ReadTestFile(const std::string& name) {
  std::ifstream in(std::string(FACEVEIL_TESTDATA_DIR) + "/" + name,
                   std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline cv::Mat DecodeBytes(const std::string& bytes) {
  std::vector<uint8_t> buf(bytes.begin(), bytes.end());
  if (buf.empty()) return {};
  return cv::imdecode(buf, cv::IMREAD_COLOR);
}

// Mean absolute difference of two images over `roi`, all channels.
inline double MeanDiff(const cv::Mat& a, const cv::Mat& b, cv::Rect roi) {
  cv::Mat diff;
  cv::absdiff(a(roi), b(roi), diff);
  const cv::Scalar m = cv::mean(diff);
  return (m[0] + m[1] + m[2]) / 3.0;
}

// A server listening on 127.0.0.1 (any free port) for the scope's life.
class RunningServer {
 public:
  explicit RunningServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    auto created = Server::Create(options);
    if (!created.ok()) {
      error_ = created.status().ToString();
      return;
    }
    server_ = std::move(created).value();
    thread_ = std::thread([this] { server_->Listen(); });
  }
  ~RunningServer() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  bool ok() const { return server_ != nullptr; }
  const std::string& error() const { return error_; }
  int port() const { return server_->port(); }
  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port());
    client->set_read_timeout(60, 0);
    return client;
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::string error_;
};

}  // namespace faceveil::server::testing

#endif  // FACEVEIL_TESTS_SERVER_SERVER_TEST_UTIL_H_
