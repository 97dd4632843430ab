// CrowdNet as the product uses it: a model file that is not CrowdNet is a
// clear error, real photos give the faces another detector finds, large
// photos are tiled, concurrent calls agree.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "crowdnet/crowdnet.h"
#include "crowdnet/passes.h"
#include "faceveil/detector.h"

extern "C" {
extern const uint8_t faceveil_model_crowdnet[];
extern const uint8_t faceveil_model_crowdnet_end[];
}

namespace faceveil::crowdnet {
namespace {

const std::string kTestData = FACEVEIL_TESTDATA_DIR;

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const CrowdNet& Net() {
  static const CrowdNet* net = [] {
    Result<std::unique_ptr<CrowdNet>> n = CrowdNet::Create();
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? std::move(n).value().release() : nullptr;
  }();
  return *net;
}

std::vector<Face> Detect(const cv::Mat& image, float threshold) {
  Result<std::vector<Face>> faces =
      DetectPasses(Net(), image, {}, threshold, 0.3f);
  EXPECT_TRUE(faces.ok()) << faces.status().ToString();
  return faces.ok() ? *faces : std::vector<Face>{};
}

TEST(CrowdNetModelTest, NotACrowdNetModelIsCorrupt) {
  const std::span<const uint8_t> good(faceveil_model_crowdnet,
                                      faceveil_model_crowdnet_end);
  EXPECT_EQ(CrowdNet::Create(std::span<const uint8_t>()).status().code(),
            Status::Code::kCorrupt);
  const std::vector<uint8_t> half(good.begin(), good.begin() + good.size() / 2);
  EXPECT_EQ(CrowdNet::Create(half).status().code(), Status::Code::kCorrupt);
  std::vector<uint8_t> noise(4096);
  for (size_t i = 0; i < noise.size(); ++i)
    noise[i] = static_cast<uint8_t>(i * 131 + 7);
  EXPECT_EQ(CrowdNet::Create(noise).status().code(), Status::Code::kCorrupt);
  // A real ONNX face detector that is not CrowdNet (BlazeFace's, other
  // outputs): refused when it is built, not on the first photo.
  const std::string other =
      std::string(FACEVEIL_MODEL_DIR) + "/oracle_short_onnx.onnx";
  ASSERT_TRUE(std::filesystem::exists(other))
      << other << " is fetched by scripts/fetch-models.sh test";
  Result<std::unique_ptr<CrowdNet>> wrong = CrowdNet::Create(ReadBytes(other));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Status::Code::kCorrupt);
  EXPECT_FALSE(wrong.status().ToString().empty());
}

TEST(CrowdNetModelTest, FindsTheFaceInRealPhotos) {
  // The main face as BlazeFace sees it (`faceveil detect --detector
  // blazeface --mode single`, score 0.94 and 0.71), image pixels, x y w h.
  struct Case {
    const char* name;
    cv::Rect face;
  } cases[] = {{"astronaut.png", {174, 70, 105, 105}},
               {"messi5.jpg", {223, 92, 33, 33}}};
  for (const Case& c : cases) {
    const cv::Mat image =
        cv::imread(kTestData + "/" + c.name, cv::IMREAD_COLOR);
    ASSERT_FALSE(image.empty()) << c.name;
    const Box want{static_cast<float>(c.face.x), static_cast<float>(c.face.y),
                   static_cast<float>(c.face.width),
                   static_cast<float>(c.face.height)};
    float best = 0;
    for (const Face& f : Detect(image, 0.4f))
      best = std::max(best, IoU(f.box, want));
    EXPECT_GT(best, 0.4f) << c.name;
  }
}

TEST(CrowdNetModelTest, GroupPhotosOfDlib) {
  const std::string dir = std::string(FACEVEIL_SHARED_DIR) + "/data/dlib_faces";
  if (!std::filesystem::exists(dir + "/gt.tsv")) {
    GTEST_SKIP() << dir << " is absent (../shared is not beside the checkout)";
  }
  std::map<std::string, std::vector<Box>> gt;
  std::ifstream in(dir + "/gt.tsv");
  std::string path;
  for (float x, y, w, h; in >> path >> x >> y >> w >> h;) {
    std::string rest;
    std::getline(in, rest);
    gt[path].push_back({x, y, w, h});
  }
  int total = 0, found = 0, false_pos = 0;
  for (const auto& [rel, boxes] : gt) {
    const cv::Mat image = cv::imread(dir + "/" + rel, cv::IMREAD_COLOR);
    ASSERT_FALSE(image.empty()) << rel;
    const std::vector<Face> faces =
        Detect(image, DefaultScoreThreshold(DetectionMode::kBalanced,
                                            DetectorModels::kCrowdNet));
    for (const Box& b : boxes) {
      ++total;
      for (const Face& f : faces) {
        if (IoU(f.box, b) >= 0.4f) {
          ++found;
          break;
        }
      }
    }
    for (const Face& f : faces) {
      bool match = false;
      for (const Box& b : boxes) match = match || IoU(f.box, b) >= 0.3f;
      false_pos += !match;
    }
  }
  ASSERT_EQ(total, 43);
  // Measured with the committed model (docs/CROWDNET.md; run v4): 43 of 43
  // found at the balanced threshold, 2 false detections (run v1: 39 and 3).
  std::cout << "dlib: " << found << " of " << total << " found, " << false_pos
            << " false\n";
  EXPECT_GE(found, 41) << "of " << total;
  EXPECT_LE(false_pos, 4) << "false detections";
}

std::vector<Face> DetectWith(const cv::Mat& image, const PassOptions& o) {
  Result<std::vector<Face>> faces = DetectPasses(Net(), image, o, 0.05f, 0.3f);
  EXPECT_TRUE(faces.ok()) << faces.status().ToString();
  return faces.ok() ? *faces : std::vector<Face>{};
}

bool SameFaces(const std::vector<Face>& a, const std::vector<Face>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (IoU(a[i].box, b[i].box) < 0.999f) return false;
  }
  return true;
}

TEST(CrowdNetModelTest, ShrunkLevelsKeepOnlyLargeCandidates) {
  // messi5 at twice its size: the image's own level, then a halved one.
  const cv::Mat small = cv::imread(kTestData + "/messi5.jpg", cv::IMREAD_COLOR);
  ASSERT_FALSE(small.empty());
  cv::Mat image;
  cv::resize(small, image, cv::Size(), 2, 2, cv::INTER_LINEAR);
  PassOptions first_only;
  first_only.min_long_side = 0;
  PassOptions keep_all;
  keep_all.coarse_min_face = 0;
  PassOptions keep_none;
  keep_none.coarse_min_face = 1e6f;
  ASSERT_EQ(PlanPasses(image.size(), keep_all).size(), 2u);
  const std::vector<Face> first = DetectWith(image, first_only);
  // At this low threshold the halved level adds candidates of its own...
  EXPECT_FALSE(SameFaces(DetectWith(image, keep_all), first));
  // ...and a limit above every face leaves the finer level's alone.
  EXPECT_TRUE(SameFaces(DetectWith(image, keep_none), first));
  // A level at the image's own pixels is never cut, even after an
  // enlarged first level (thorough): messi5 at 2x, then 1x.
  PassOptions enlarged_all = keep_all, enlarged_none = keep_none;
  enlarged_all.scale = enlarged_none.scale = 2;
  ASSERT_EQ(PlanPasses(small.size(), enlarged_all).size(), 2u);
  EXPECT_TRUE(SameFaces(DetectWith(small, enlarged_none),
                        DetectWith(small, enlarged_all)));
}

TEST(CrowdNetModelTest, LargePhotoIsTiledAndAgreesWithTheWhole) {
  // A real photo placed into a wide canvas larger than one inference's
  // budget: the tiles and the pyramid still find its face at its place.
  const cv::Mat photo =
      cv::imread(kTestData + "/astronaut.png", cv::IMREAD_COLOR);
  ASSERT_FALSE(photo.empty());
  cv::Mat canvas(1200, 4000, CV_8UC3, cv::Scalar(90, 110, 130));
  photo.copyTo(canvas(cv::Rect(1900, 300, photo.cols, photo.rows)));
  ASSERT_GT(PlanPasses(canvas.size(), {}).size(), 2u);
  const Box want{1900 + 174, 300 + 70, 105, 105};
  float best = 0;
  for (const Face& f : Detect(canvas, 0.4f))
    best = std::max(best, IoU(f.box, want));
  EXPECT_GT(best, 0.4f);
}

// A close-up: astronaut.png's face cut out and enlarged to fill most of a
// 1024 x 1024 frame (~590 x 750 px, as in a video call or a selfie). Such a
// face is larger than any the network saw in training (384-px crops), so
// at 1024 it found only a part of it (IoU 0.2, the rest left visible); the
// fast mode's quarter-size level sees it whole.
TEST(CrowdNetModelTest, FastModeCoversAFaceFillingTheFrame) {
  const cv::Mat photo =
      cv::imread(kTestData + "/astronaut.png", cv::IMREAD_COLOR);
  ASSERT_FALSE(photo.empty());
  const cv::Rect crop(140, 50, 150, 150);
  cv::Mat image;
  cv::resize(photo(crop), image, cv::Size(1024, 1024), 0, 0, cv::INTER_CUBIC);
  const float s = 1024.0f / crop.width;
  // kAstronautFace of tests/detect/detector_test.cpp, in the crop, enlarged.
  const Box want{(178 - crop.x) * s, (70 - crop.y) * s, 87 * s, 110 * s};
  DetectorOptions o;
  o.models = DetectorModels::kCrowdNet;
  o.mode = DetectionMode::kFast;
  Result<std::unique_ptr<Detector>> d = Detector::Create(o);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  Result<std::vector<Face>> faces = (*d)->Detect(image);
  ASSERT_TRUE(faces.ok()) << faces.status().ToString();
  float best = 0;
  for (const Face& f : *faces) best = std::max(best, IoU(f.box, want));
  EXPECT_GT(best, 0.6f);
}

TEST(CrowdNetModelTest, ConcurrentCallsAgree) {
  const cv::Mat image = cv::imread(kTestData + "/messi5.jpg", cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty());
  const std::vector<Face> want = Detect(image, 0.3f);
  std::vector<std::vector<Face>> got(4);
  std::vector<std::thread> threads;
  for (auto& g : got) threads.emplace_back([&] { g = Detect(image, 0.3f); });
  for (auto& t : threads) t.join();
  for (const auto& g : got) {
    ASSERT_EQ(g.size(), want.size());
    for (size_t i = 0; i < g.size(); ++i) {
      EXPECT_FLOAT_EQ(g[i].score, want[i].score);
      EXPECT_FLOAT_EQ(g[i].box.x, want[i].box.x);
    }
  }
}

TEST(CrowdNetModelTest, DetectorRunsItAndRejectsNothingValid) {
  DetectorOptions o;
  o.models = DetectorModels::kCrowdNet;
  o.score_threshold = DefaultScoreThreshold(o.mode, o.models);
  Result<std::unique_ptr<Detector>> d = Detector::Create(o);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const cv::Mat image = cv::imread(kTestData + "/messi5.jpg", cv::IMREAD_COLOR);
  cv::Mat gray, bgra;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(image, bgra, cv::COLOR_BGR2BGRA);
  for (const cv::Mat& m : {image, gray, bgra}) {
    Result<std::vector<Face>> faces = (*d)->Detect(m);
    ASSERT_TRUE(faces.ok()) << faces.status().ToString();
    EXPECT_FALSE(faces->empty());
  }
  EXPECT_EQ(ParseDetectorModels("crowdnet").value(), DetectorModels::kCrowdNet);
}

}  // namespace
}  // namespace faceveil::crowdnet
