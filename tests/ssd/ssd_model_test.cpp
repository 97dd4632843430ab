// SsdMobileNet on real photos: the face BlazeFace sees is found, boxes are
// the same at two input resolutions, bad input is an error, and concurrent
// calls agree.
#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "faceveil/detector.h"
#include "ssd/ssd_mobilenet.h"

namespace faceveil::ssd {
namespace {

const std::string kTestData = FACEVEIL_TESTDATA_DIR;

cv::Mat Load(const std::string& name) {
  return cv::imread(kTestData + "/" + name, cv::IMREAD_COLOR);
}

const SsdMobileNet& Net() {
  static const SsdMobileNet* net = [] {
    Result<std::unique_ptr<SsdMobileNet>> n = SsdMobileNet::Create();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? std::move(n).value().release() : nullptr;
  }();
  return *net;
}

Face Best(const std::vector<Face>& faces) {
  Face best;
  for (const Face& f : faces) {
    if (f.score > best.score) best = f;
  }
  return best;
}

// BlazeFace's most confident face in `image`, as an independent reference.
Face BlazeFaceBest(const cv::Mat& image) {
  DetectorOptions o;
  o.mode = DetectionMode::kSingle;
  Result<std::unique_ptr<Detector>> d = Detector::Create(o);
  EXPECT_TRUE(d.ok());
  Result<std::vector<Face>> faces = (*d)->Detect(image);
  EXPECT_TRUE(faces.ok());
  return faces.ok() ? Best(*faces) : Face{};
}

TEST(SsdModelTest, FindsTheFaceBlazeFaceFinds) {
  for (const char* name : {"astronaut.png", "messi5.jpg"}) {
    const cv::Mat image = Load(name);
    ASSERT_FALSE(image.empty()) << name;
    const Face reference = BlazeFaceBest(image);
    ASSERT_GT(reference.score, 0.5f) << name;
    Result<std::vector<Face>> faces =
        Net().DetectCandidates(image, cv::Rect(0, 0, image.cols, image.rows),
                               InputSizeFor(image.size(), 512), 0.5f);
    ASSERT_TRUE(faces.ok()) << faces.status().ToString();
    float best_iou = 0;
    for (const Face& f : *faces) {
      best_iou = std::max(best_iou, IoU(f.box, reference.box));
    }
    // BlazeFace's boxes are tighter (DESIGN.md), hence 0.4.
    EXPECT_GT(best_iou, 0.4f) << name;
  }
}

// The same photo enlarged twice and run at twice the input size gives the
// same face box (in the enlarged frame, twice as large): anchors keep their
// pixel size across input sizes.
TEST(SsdModelTest, BoxesAgreeAcrossInputSizes) {
  const cv::Mat image = Load("astronaut.png");
  ASSERT_FALSE(image.empty());
  cv::Mat big;
  cv::resize(image, big, image.size() * 2, 0, 0, cv::INTER_LINEAR);
  Result<std::vector<Face>> small = Net().DetectCandidates(
      image, cv::Rect(0, 0, 512, 512), cv::Size(512, 512), 0.5f);
  Result<std::vector<Face>> large = Net().DetectCandidates(
      big, cv::Rect(0, 0, 1024, 1024), cv::Size(1024, 1024), 0.5f);
  ASSERT_TRUE(small.ok() && large.ok());
  Face a = Best(*small), b = Best(*large);
  ASSERT_GT(a.score, 0.5f);
  ASSERT_GT(b.score, 0.5f);
  b.box = {b.box.x / 2, b.box.y / 2, b.box.w / 2, b.box.h / 2};
  EXPECT_GT(IoU(a.box, b.box), 0.8f);
}

TEST(SsdModelTest, RegionCandidatesAreInImagePixels) {
  const cv::Mat image = Load("astronaut.png");
  ASSERT_FALSE(image.empty());
  Result<std::vector<Face>> whole = Net().DetectCandidates(
      image, cv::Rect(0, 0, 512, 512), cv::Size(512, 512), 0.5f);
  ASSERT_TRUE(whole.ok());
  const Face face = Best(*whole);
  ASSERT_GT(face.score, 0.5f);
  // A region around the face, at its own scale: the face moves with it.
  const cv::Rect region(100, 20, 320, 320);
  Result<std::vector<Face>> part =
      Net().DetectCandidates(image, region, cv::Size(320, 320), 0.5f);
  ASSERT_TRUE(part.ok());
  EXPECT_GT(IoU(Best(*part).box, face.box), 0.7f);
}

TEST(SsdModelTest, BadInputIsAnError) {
  const cv::Mat image = Load("astronaut.png");
  EXPECT_FALSE(Net()
                   .DetectCandidates(cv::Mat(), cv::Rect(0, 0, 1, 1),
                                     cv::Size(512, 512), 0.5f)
                   .ok());
  cv::Mat wide;
  image.convertTo(wide, CV_16U);
  EXPECT_FALSE(Net()
                   .DetectCandidates(wide, cv::Rect(0, 0, 512, 512),
                                     cv::Size(512, 512), 0.5f)
                   .ok());
  Result<std::vector<Face>> tiny = Net().DetectCandidates(
      image, cv::Rect(0, 0, 512, 512), cv::Size(16, 16), 0.5f);
  ASSERT_FALSE(tiny.ok());
  EXPECT_EQ(tiny.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(Net().Predict(cv::Mat(8000, 40, CV_8UC3)).ok());
  // A region outside the image finds nothing rather than failing.
  Result<std::vector<Face>> outside = Net().DetectCandidates(
      image, cv::Rect(600, 600, 10, 10), cv::Size(64, 64), 0.1f);
  ASSERT_TRUE(outside.ok());
  EXPECT_TRUE(outside->empty());
}

TEST(SsdModelTest, ConcurrentCallsAgree) {
  const cv::Mat image = Load("messi5.jpg");
  ASSERT_FALSE(image.empty());
  const cv::Rect all(0, 0, image.cols, image.rows);
  Result<std::vector<Face>> ref =
      Net().DetectCandidates(image, all, cv::Size(576, 352), 0.3f);
  ASSERT_TRUE(ref.ok());
  std::vector<size_t> counts(3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      Result<std::vector<Face>> r =
          Net().DetectCandidates(image, all, cv::Size(576, 352), 0.3f);
      counts[t] = r.ok() ? r->size() : 0;
    });
  }
  for (std::thread& th : threads) th.join();
  for (size_t c : counts) EXPECT_EQ(c, ref->size());
}

}  // namespace
}  // namespace faceveil::ssd
