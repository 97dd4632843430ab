// Every error path of the API answers a 4xx with {"error": "..."} and the
// server keeps serving; every response carries the privacy headers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server_test_util.h"

namespace faceveil::server::testing {
namespace {

class ErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    png_ = ReadTestFile("astronaut.png");
    ASSERT_FALSE(png_.empty()) << "run scripts/fetch-testdata.sh";
    ASSERT_TRUE(server_.ok()) << server_.error();
    client_ = server_.Client();
  }

  // `res` is a JSON error with `status`, and the server still answers.
  void ExpectError(const httplib::Result& res, int status,
                   const std::string& message_part) {
    ASSERT_TRUE(res) << "no response";
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    const auto body = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res->body;
    ASSERT_TRUE(body.contains("error")) << res->body;
    EXPECT_NE(body["error"].get<std::string>().find(message_part),
              std::string::npos)
        << res->body;
    auto health = server_.Client()->Get("/api/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
  }

  httplib::Result PostMultipart(const std::string& path,
                                httplib::MultipartFormDataItems items) {
    return client_->Post(path.c_str(), items);
  }

  std::string png_;
  RunningServer server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ErrorsTest, BytesThatAreNoImage) {
  ExpectError(client_->Post("/api/detect", "not an image at all",
                            "application/octet-stream"),
              415,
              "This is not a photo faceveil can read (JPEG, PNG, WebP, BMP, "
              "TIFF, HEIC).");
}

TEST_F(ErrorsTest, TruncatedImage) {
  ExpectError(client_->Post("/api/anonymize", png_.substr(0, 300), "image/png"),
              400, "This photo could not be read; the file may be damaged");
}

TEST_F(ErrorsTest, EmptyBody) {
  ExpectError(client_->Post("/api/detect", "", "application/octet-stream"), 400,
              "no image");
}

TEST_F(ErrorsTest, MultipartWithoutImage) {
  ExpectError(PostMultipart("/api/anonymize", {{"faces", "[]", "", ""}}), 400,
              "image");
}

TEST_F(ErrorsTest, MalformedFacesJson) {
  ExpectError(
      PostMultipart("/api/anonymize", {{"image", png_, "a.png", "image/png"},
                                       {"faces", "[{\"box\": [1, 2,", "", ""}}),
      400, "faces");
}

TEST_F(ErrorsTest, MalformedRegions) {
  ExpectError(
      PostMultipart("/api/anonymize", {{"image", png_, "a.png", "image/png"},
                                       {"regions", "[[1, 2, 3]]", "", ""}}),
      400, "region");
  ExpectError(
      PostMultipart("/api/anonymize", {{"image", png_, "a.png", "image/png"},
                                       {"regions", "[[1, 2, -3, 4]]", "", ""}}),
      400, "region");
}

TEST_F(ErrorsTest, UnknownSettingValue) {
  ExpectError(
      PostMultipart("/api/anonymize", {{"image", png_, "a.png", "image/png"},
                                       {"style", "sparkle", "", ""}}),
      400, "sparkle");
  ExpectError(client_->Post("/api/detect?threshold=7", png_, "image/png"), 400,
              "threshold");
}

TEST_F(ErrorsTest, UnknownSettingName) {
  ExpectError(client_->Post("/api/detect?colour=red", png_, "image/png"), 400,
              "colour");
}

TEST_F(ErrorsTest, SettingGivenTwice) {
  ExpectError(
      client_->Post("/api/detect?style=blur&style=solid", png_, "image/png"),
      400, "twice");
}

TEST_F(ErrorsTest, MalformedMultipart) {
  ExpectError(client_->Post("/api/anonymize", "--x\r\nnonsense",
                            "multipart/form-data; boundary=zzz"),
              400, "");
}

TEST_F(ErrorsTest, UnknownRoute) {
  ExpectError(client_->Get("/api/nothing-here"), 404, "not found");
  ExpectError(client_->Get("/../../etc/passwd"), 404, "");
}

TEST_F(ErrorsTest, WrongMethod) {
  auto res = client_->Get("/api/detect");
  ExpectError(res, 405, "POST");
  EXPECT_EQ(res->get_header_value("Allow"), "POST");
  ExpectError(client_->Put("/api/anonymize", "x", "text/plain"), 405, "POST");
  ExpectError(client_->Post("/api/health", "x", "text/plain"), 405, "GET");
}

TEST_F(ErrorsTest, ForeignHostOrOriginIsRefused) {
  ExpectError(client_->Get("/api/health", {{"Host", "attacker.example"}}), 403,
              "Host");
  ExpectError(client_->Post("/api/detect", {{"Origin", "http://evil.example"}},
                            png_, "image/png"),
              403, "Origin");
}

TEST(ErrorsLimitTest, OversizedBodyIs413) {
  ServerOptions options;
  options.max_upload_bytes = 256 << 10;
  RunningServer server(options);
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string png = ReadTestFile("astronaut.png");
  ASSERT_GT(png.size(), 256u << 10);
  auto res = server.Client()->Post("/api/detect", png, "image/png");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  // In words for the person who chose the photo.
  EXPECT_NE(res->body.find("This photo is larger than 256 KB, the most this "
                           "server accepts."),
            std::string::npos)
      << res->body;
  auto small =
      server.Client()->Post("/api/detect", png.substr(0, 100), "image/png");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 400) << small->body;  // served, and judged
  EXPECT_EQ(server.Client()->Get("/api/health")->status, 200);
}

TEST(ErrorsLimitTest, TooManyPixelsIs413) {
  ServerOptions options;
  options.pipeline.decode.max_pixels = 100 * 100;
  RunningServer server(options);
  ASSERT_TRUE(server.ok()) << server.error();
  auto res = server.Client()->Post("/api/detect", ReadTestFile("astronaut.png"),
                                   "image/png");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413) << res->body;
  EXPECT_NE(res->body.find("This photo has more pixels than faceveil takes"),
            std::string::npos)
      << res->body;
  EXPECT_EQ(server.Client()->Get("/api/health")->status, 200);
}

TEST_F(ErrorsTest, PrivacyHeadersOnEveryResponse) {
  std::vector<httplib::Result> responses;
  responses.push_back(client_->Get("/"));
  responses.push_back(client_->Get("/api/settings"));
  responses.push_back(client_->Post("/api/detect", png_, "image/png"));
  responses.push_back(
      PostMultipart("/api/anonymize", {{"image", png_, "a.png", "image/png"}}));
  responses.push_back(client_->Get("/missing"));
  for (const auto& res : responses) {
    ASSERT_TRUE(res);
    const std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("img-src 'self' blob: data:"), std::string::npos);
    EXPECT_EQ(csp.find("http"), std::string::npos) << "no external source";
    EXPECT_EQ(csp.find('*'), std::string::npos) << "no wildcard source";
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
    EXPECT_FALSE(res->has_header("Set-Cookie"));
    EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  }
}

}  // namespace
}  // namespace faceveil::server::testing
