// CrowdNet's verifier as the product uses it: OpenCV DNN computes what
// PyTorch computes for each embedded network (on a fixed tensor and on crops
// of a real photo, the reference train/verifier.py wrote), a model file that
// is not the verifier is a clear error, and the second look (one network's
// or the mean of two) moves the scores it should.
#include "crowdnet/verifier.h"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "detect/presets.h"
#include "detect/verify.h"
#include "faceveil/detector.h"

extern "C" {
extern const uint8_t faceveil_model_crowdnet[];
extern const uint8_t faceveil_model_crowdnet_end[];
extern const uint8_t faceveil_model_crowdnet_verifier[];
extern const uint8_t faceveil_model_crowdnet_verifier_end[];
}

namespace faceveil::crowdnet {
namespace {

const char kVerifierPhoto[] =
    "/usr/share/doc/opencv-doc/examples/data/messi5.jpg";

// Embedded network `index`, loaded once for the whole test.
const Verifier& TheVerifier(int index = 0) {
  static const std::array<const Verifier*, kEmbeddedVerifiers> nets = [] {
    std::array<const Verifier*, kEmbeddedVerifiers> out{};
    for (int i = 0; i < kEmbeddedVerifiers; ++i) {
      Result<std::unique_ptr<Verifier>> n = Verifier::CreateEmbedded(i);
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      out[i] = n.ok() ? std::move(n).value().release() : nullptr;
    }
    return out;
  }();
  return *nets[index];
}

// Each embedded network's reference file (train/verifier.py --reference).
const char* const kVerifierReferences[kEmbeddedVerifiers] = {
    FACEVEIL_VERIFIER_REFERENCE, FACEVEIL_VERIFIER_2_REFERENCE,
    FACEVEIL_VERIFIER_3_REFERENCE};

struct VerifierReference {
  std::vector<float> golden;
  std::vector<std::pair<Box, float>> photo;
};

VerifierReference ReadVerifierReference(int index) {
  VerifierReference ref;
  std::ifstream in(kVerifierReferences[index]);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string kind;
    row >> kind;
    if (kind == "golden") {
      for (float v; row >> v;) ref.golden.push_back(v);
    } else if (kind == "photo") {
      Box b;
      float v;
      row >> b.x >> b.y >> b.w >> b.h >> v;
      ref.photo.push_back({b, v});
    }
  }
  return ref;
}

// train/verifier.py's golden_input(2):
// ((i*13 + c*31 + y*17 + x*7) % 256 - 128) / 128.
cv::Mat VerifierGoldenInput() {
  const int shape[] = {2, 3, kCropSide, kCropSide};
  cv::Mat blob(4, shape, CV_32F);
  float* p = blob.ptr<float>();
  for (int i = 0; i < 2; ++i)
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < kCropSide; ++y)
        for (int x = 0; x < kCropSide; ++x)
          *p++ = static_cast<float>((i * 13 + c * 31 + y * 17 + x * 7) % 256 -
                                    128) /
                 128.0f;
  return blob;
}

class EmbeddedVerifierTest : public ::testing::TestWithParam<int> {};

TEST_P(EmbeddedVerifierTest, OutputsEqualPyTorchs) {
  const int index = GetParam();
  const VerifierReference ref = ReadVerifierReference(index);
  ASSERT_EQ(ref.golden.size(), 2u) << kVerifierReferences[index];
  Result<std::vector<float>> out =
      TheVerifier(index).Forward(VerifierGoldenInput());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_NEAR((*out)[i], ref.golden[i], 1e-4);
}

TEST_P(EmbeddedVerifierTest, PhotoCropsScoreAsInPyTorch) {
  const int index = GetParam();
  const Verifier& verifier = TheVerifier(index);
  const VerifierReference ref = ReadVerifierReference(index);
  ASSERT_EQ(ref.photo.size(), 4u) << kVerifierReferences[index];
  const cv::Mat image = cv::imread(kVerifierPhoto, cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty())
      << kVerifierPhoto << " comes with Debian's opencv-doc";
  std::vector<Box> boxes;
  for (const auto& [box, score] : ref.photo) boxes.push_back(box);
  Result<std::vector<float>> scores = verifier.Score(image, boxes);
  ASSERT_TRUE(scores.ok()) << scores.status().ToString();
  ASSERT_EQ(scores->size(), boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    EXPECT_NEAR((*scores)[i], ref.photo[i].second, 2e-3) << "box " << i;
  }
  // The face is a face to the verifier; the grass in the corner is not.
  EXPECT_GT((*scores)[0], 0.5f);
  EXPECT_LT((*scores)[1], 0.5f);
  // The same on a grey and a BGRA copy: the crop is converted, not refused.
  cv::Mat grey, bgra;
  cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
  cv::cvtColor(image, bgra, cv::COLOR_BGR2BGRA);
  Result<std::vector<float>> from_bgra = verifier.Score(bgra, boxes);
  ASSERT_TRUE(from_bgra.ok());
  EXPECT_EQ(*from_bgra, *scores);
  EXPECT_TRUE(verifier.Score(grey, boxes).ok());
  EXPECT_FALSE(verifier.Score(cv::Mat(), boxes).ok());
}

INSTANTIATE_TEST_SUITE_P(EachNetwork, EmbeddedVerifierTest,
                         ::testing::Range(0, kEmbeddedVerifiers));

// The networks are distinct models, not one file twice: any two score the
// same crops differently (each matches its own PyTorch reference above).
TEST(CrowdNetVerifierTest, EmbeddedNetworksAreDistinct) {
  std::vector<std::vector<float>> outputs;
  for (int i = 0; i < kEmbeddedVerifiers; ++i) {
    Result<std::vector<float>> out =
        TheVerifier(i).Forward(VerifierGoldenInput());
    ASSERT_TRUE(out.ok()) << "network " << i;
    for (size_t j = 0; j < outputs.size(); ++j) {
      EXPECT_NE(*out, outputs[j]) << "networks " << j << " and " << i;
    }
    outputs.push_back(*std::move(out));
  }
  EXPECT_EQ(Verifier::CreateEmbedded(kEmbeddedVerifiers).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(Verifier::CreateEmbedded(-1).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(CrowdNetVerifierTest, CropIsCentredWithContextAndGreyOutside) {
  const cv::Rect2f r = VerifierRegion(Box{10, 20, 8, 6});
  EXPECT_FLOAT_EQ(r.width, 16);  // kContext x the longer side
  EXPECT_FLOAT_EQ(r.height, 16);
  EXPECT_FLOAT_EQ(r.x + r.width / 2, 14);
  EXPECT_FLOAT_EQ(r.y + r.height / 2, 23);
  EXPECT_FLOAT_EQ(VerifierRegion(Box{0, 0, 1, 1}).width,
                  kContext * kMinBoxSide);
  // Left half black, right half white: a box on the edge sees both halves.
  cv::Mat image(100, 100, CV_8UC3, cv::Scalar::all(0));
  image(cv::Rect(50, 0, 50, 100)).setTo(cv::Scalar::all(255));
  const cv::Mat c = Verifier::Crop(image, Box{40, 40, 20, 20});
  ASSERT_EQ(c.size(), cv::Size(kCropSide, kCropSide));
  ASSERT_EQ(c.type(), CV_8UC3);
  EXPECT_EQ(c.at<cv::Vec3b>(16, 4)[0], 0);
  EXPECT_EQ(c.at<cv::Vec3b>(16, 28)[0], 255);
  // A box in the corner: the part of the square outside the photo is grey.
  const cv::Mat corner = Verifier::Crop(image, Box{0, 0, 10, 10});
  EXPECT_EQ(corner.at<cv::Vec3b>(2, 2)[1], 128);
  EXPECT_EQ(corner.at<cv::Vec3b>(24, 24)[1], 0);
}

TEST(CrowdNetVerifierTest, NotAVerifierModelIsCorrupt) {
  const std::span<const uint8_t> good(faceveil_model_crowdnet_verifier,
                                      faceveil_model_crowdnet_verifier_end);
  EXPECT_TRUE(Verifier::Create(good).ok());
  EXPECT_EQ(Verifier::Create(std::span<const uint8_t>()).status().code(),
            Status::Code::kCorrupt);
  const std::vector<uint8_t> half(good.begin(), good.begin() + good.size() / 2);
  EXPECT_EQ(Verifier::Create(half).status().code(), Status::Code::kCorrupt);
  std::vector<uint8_t> noise(4096);
  for (size_t i = 0; i < noise.size(); ++i)
    noise[i] = static_cast<uint8_t>(i * 131 + 7);
  EXPECT_EQ(Verifier::Create(noise).status().code(), Status::Code::kCorrupt);
  // CrowdNet itself: an ONNX graph that runs on the probe but gives grids,
  // not one score per crop.
  Result<std::unique_ptr<Verifier>> wrong =
      Verifier::Create(std::span<const uint8_t>(faceveil_model_crowdnet,
                                                faceveil_model_crowdnet_end));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Status::Code::kCorrupt);
  EXPECT_FALSE(wrong.status().ToString().empty());
  // A wrong input shape is refused before it reaches the network.
  const int shape[] = {1, 3, 16, 16};
  EXPECT_EQ(TheVerifier()
                .Forward(cv::Mat(4, shape, CV_32F, cv::Scalar(0)))
                .status()
                .code(),
            Status::Code::kInvalidArgument);
}

TEST(CrowdNetVerifyTest, WeightFadesOutForLargeBoxes) {
  const CrowdNetVerifyOptions o;
  EXPECT_FLOAT_EQ(CrowdNetVerifyWeight(10, o), o.weight);
  EXPECT_FLOAT_EQ(CrowdNetVerifyWeight(o.full_weight_px, o), o.weight);
  EXPECT_FLOAT_EQ(CrowdNetVerifyWeight(1.5f * o.full_weight_px, o),
                  o.weight / 2);
  EXPECT_FLOAT_EQ(CrowdNetVerifyWeight(2 * o.full_weight_px, o), 0);
  EXPECT_FLOAT_EQ(CrowdNetVerifyWeight(500, o), 0);
}

// The first looks that can still pass a threshold once verified: from
// threshold^2 at the weight 0.5, never under the verifier's floor; below the
// floor, the threshold itself (those candidates are not verified).
TEST(CrowdNetVerifyTest, FirstLookFloorFollowsTheCombination) {
  const CrowdNetVerifyOptions o;
  EXPECT_FLOAT_EQ(CrowdNetFirstLookFloor(0.5f, o), 0.25f);
  EXPECT_FLOAT_EQ(CrowdNetFirstLookFloor(0.4f, o), o.min_score);
  EXPECT_FLOAT_EQ(CrowdNetFirstLookFloor(0.1f, o), 0.1f);
  CrowdNetVerifyOptions none = o;
  none.weight = 0;
  EXPECT_FLOAT_EQ(CrowdNetFirstLookFloor(0.5f, none), 0.5f);
}

TEST(CrowdNetVerifyTest, RaisesTheFaceLowersTheGrassKeepsTheRest) {
  const cv::Mat image = cv::imread(kVerifierPhoto, cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty())
      << kVerifierPhoto << " comes with Debian's opencv-doc";
  std::vector<Face> faces(5);
  faces[0].box = {223, 92, 33, 33};  // the face, as a faint candidate
  faces[0].score = 0.3f;
  faces[1].box = {20, 20, 30, 30};  // grass
  faces[1].score = 0.3f;
  faces[2].box = {200, 60, 90, 90};  // large: CrowdNet's score stands
  faces[2].score = 0.3f;
  faces[3].box = {20, 20, 30, 30};  // below min_score: not verified
  faces[3].score = 0.1f;
  faces[4].box = {223, 92, 33, 33};  // sure already, and verified too
  faces[4].score = 0.9f;
  const CrowdNetVerifyOptions o;
  const Verifier* const first_net[] = {&TheVerifier(0)};
  std::vector<Face> verified = faces;
  ASSERT_TRUE(VerifyCrowdNetCandidates(first_net, image, o, &verified).ok());
  ASSERT_EQ(verified.size(), faces.size());
  EXPECT_GT(verified[0].score, 0.3f);
  EXPECT_LT(verified[1].score, 0.3f);
  EXPECT_FLOAT_EQ(verified[2].score, 0.3f);
  EXPECT_FLOAT_EQ(verified[3].score, 0.1f);
  EXPECT_GT(verified[4].score, verified[0].score);  // order of evidence kept
  for (size_t i = 0; i < faces.size(); ++i) {
    EXPECT_EQ(verified[i].box.x, faces[i].box.x) << "order kept";
  }
  // Off, nothing changes.
  CrowdNetVerifyOptions off;
  off.enabled = false;
  std::vector<Face> unchanged = faces;
  ASSERT_TRUE(VerifyCrowdNetCandidates(first_net, image, off, &unchanged).ok());
  for (size_t i = 0; i < faces.size(); ++i) {
    EXPECT_EQ(unchanged[i].score, faces[i].score);
  }
  // max_candidates: only the best candidate is verified.
  CrowdNetVerifyOptions one;
  one.max_candidates = 1;
  std::vector<Face> first = faces;
  ASSERT_TRUE(VerifyCrowdNetCandidates(first_net, image, one, &first).ok());
  EXPECT_NE(first[4].score, 0.9f);
  EXPECT_EQ(first[0].score, 0.3f);
  EXPECT_EQ(first[1].score, 0.3f);
  // No network to ask is an error, not a silent pass.
  std::vector<Face> none = faces;
  EXPECT_EQ(VerifyCrowdNetCandidates({}, image, o, &none).code(),
            Status::Code::kInvalidArgument);
  const Verifier* const null_net[] = {nullptr};
  EXPECT_EQ(VerifyCrowdNetCandidates(null_net, image, o, &none).code(),
            Status::Code::kInvalidArgument);
}

// Two networks: the second look is the mean of their probabilities.
TEST(CrowdNetVerifyTest, TwoNetworksAverageTheirLooks) {
  const cv::Mat image = cv::imread(kVerifierPhoto, cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty());
  std::vector<Face> faces(2);
  faces[0].box = {223, 92, 33, 33};
  faces[0].score = 0.3f;
  faces[1].box = {20, 20, 30, 30};
  faces[1].score = 0.4f;
  std::vector<Box> boxes = {faces[0].box, faces[1].box};
  Result<std::vector<float>> a = TheVerifier(0).Score(image, boxes);
  Result<std::vector<float>> b = TheVerifier(1).Score(image, boxes);
  ASSERT_TRUE(a.ok() && b.ok());
  CrowdNetVerifyOptions o;
  o.networks = VerifierNetwork(0) | VerifierNetwork(1);
  const Verifier* const both[] = {&TheVerifier(0), &TheVerifier(1)};
  std::vector<Face> verified = faces;
  ASSERT_TRUE(VerifyCrowdNetCandidates(both, image, o, &verified).ok());
  for (size_t i = 0; i < faces.size(); ++i) {
    const float w = CrowdNetVerifyWeight(boxes[i].w, o);
    EXPECT_NEAR(
        verified[i].score,
        CombineScores(faces[i].score, ((*a)[i] + (*b)[i]) / 2, w, 1e-6f), 1e-6f)
        << "candidate " << i;
  }
}

// MeanScore cuts each crop once for every network and gives what Score on
// each network and a mean give, across more than one batch of crops.
TEST(CrowdNetVerifierTest, MeanScoreIsTheMeanOfEachNetworksScore) {
  const cv::Mat image = cv::imread(kVerifierPhoto, cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty());
  std::vector<Box> boxes;
  for (int i = 0; i < 45; ++i) {  // more than one batch of 32
    boxes.push_back(Box{static_cast<float>(11 * i % image.cols),
                        static_cast<float>(7 * i % image.rows),
                        static_cast<float>(8 + i), static_cast<float>(8 + i)});
  }
  boxes[7] = Box{223, 92, 33, 33};  // the face
  Result<std::vector<float>> a = TheVerifier(0).Score(image, boxes);
  Result<std::vector<float>> b = TheVerifier(1).Score(image, boxes);
  const Verifier* const both[] = {&TheVerifier(0), &TheVerifier(1)};
  Result<std::vector<float>> mean = Verifier::MeanScore(both, image, boxes);
  ASSERT_TRUE(a.ok() && b.ok() && mean.ok());
  ASSERT_EQ(mean->size(), boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    EXPECT_FLOAT_EQ((*mean)[i], ((*a)[i] + (*b)[i]) / 2) << "box " << i;
  }
  EXPECT_NE(*a, *b);
  EXPECT_GT((*mean)[7], 0.5f);
  // One network's mean is its own score.
  const Verifier* const first[] = {&TheVerifier(0)};
  Result<std::vector<float>> one = Verifier::MeanScore(first, image, boxes);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, *a);
  // No boxes: no scores, not an error. No network or a null one: an error.
  Result<std::vector<float>> none = Verifier::MeanScore(both, image, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(Verifier::MeanScore({}, image, boxes).status().code(),
            Status::Code::kInvalidArgument);
  const Verifier* const with_null[] = {&TheVerifier(0), nullptr};
  EXPECT_EQ(Verifier::MeanScore(with_null, image, boxes).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(Verifier::MeanScore(both, cv::Mat(), boxes).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace faceveil::crowdnet

namespace faceveil {
namespace {

// The fast modes (the video's default among them) ask one verifier network,
// the best alone (run v5, embedded third); the careful ones ask all three.
// Off is off in every mode.
TEST(CrowdNetVerifyTest, CarefulModesAskEveryNetwork) {
  for (DetectorModels models :
       {DetectorModels::kCrowdNet, DetectorModels::kEnsemble}) {
    DetectOptions o;
    o.models = models;
    for (DetectionMode mode :
         {DetectionMode::kSingle, DetectionMode::kFast,
          DetectionMode::kBalanced, DetectionMode::kThorough}) {
      o.mode = mode;
      o.crowdnet_verifier = true;
      const CrowdNetVerifyOptions v = CrowdNetVerifyPresetFor(o);
      EXPECT_TRUE(v.enabled);
      const bool careful =
          mode == DetectionMode::kBalanced || mode == DetectionMode::kThorough;
      EXPECT_EQ(v.networks, careful ? (1u << crowdnet::kEmbeddedVerifiers) - 1
                                    : VerifierNetwork(2));
      o.crowdnet_verifier = false;
      EXPECT_FALSE(CrowdNetVerifyPresetFor(o).enabled);
    }
  }
}

// Through the Detector: the verifier is on by default for CrowdNet, its
// scores are what the threshold sees, and off gives CrowdNet's own.
TEST(CrowdNetVerifyTest, DetectorUsesItUnlessToldNot) {
  const cv::Mat image = cv::imread(crowdnet::kVerifierPhoto, cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty());
  DetectorOptions options;
  options.models = DetectorModels::kCrowdNet;
  options.mode = DetectionMode::kFast;
  Result<std::unique_ptr<Detector>> detector = Detector::Create(options);
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  DetectOptions on = options;
  on.score_threshold = 0.2f;
  DetectOptions off = on;
  off.crowdnet_verifier = false;
  Result<std::vector<Face>> with = (*detector)->Detect(image, on);
  Result<std::vector<Face>> without = (*detector)->Detect(image, off);
  ASSERT_TRUE(with.ok() && without.ok());
  const Box face{223, 92, 33, 33};
  const auto finds_face = [&](const std::vector<Face>& faces) {
    for (const Face& f : faces) {
      if (IoU(f.box, face) > 0.5f) return true;
    }
    return false;
  };
  EXPECT_TRUE(finds_face(*with));
  EXPECT_TRUE(finds_face(*without));
  for (size_t i = 0; i < with->size(); ++i) {
    EXPECT_GE((*with)[i].score, 0.2f);
    if (i > 0) EXPECT_GE((*with)[i - 1].score, (*with)[i].score);
  }
  // Some candidate's score moved: the second look ran.
  std::vector<float> a, b;
  for (const Face& f : *with) a.push_back(f.score);
  for (const Face& f : *without) b.push_back(f.score);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace faceveil
