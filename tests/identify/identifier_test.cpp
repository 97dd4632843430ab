// FaceIdentifier on real photos: the same face under changes matches,
// different people do not, hostile inputs and damaged models are clear
// errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "faceveil/anonymizer.h"
#include "identify/identify_test_util.h"

namespace faceveil::identify {
namespace {

using testing::FaceAt;
using testing::LargestFace;
using testing::SharedIdentifier;

const std::string kTestData = FACEVEIL_TESTDATA_DIR;

cv::Mat Astronaut() {
  return cv::imread(kTestData + "/astronaut.png", cv::IMREAD_COLOR);
}

FaceEmbedding MustEmbed(const cv::Mat& image, const Face& face) {
  Result<FaceEmbedding> e = SharedIdentifier().Embed(image, face);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? *e : FaceEmbedding{};
}

TEST(FaceIdentifierTest, LoadsTheEmbeddedModels) {
  Result<std::unique_ptr<FaceIdentifier>> id = FaceIdentifier::Create({});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
}

TEST(FaceIdentifierTest, TheSameFaceFlippedOrRescaledMatches) {
  const cv::Mat image = Astronaut();
  ASSERT_FALSE(image.empty());
  const Face face = LargestFace(image);
  ASSERT_GT(face.box.h, 40) << "no face found in astronaut.png";
  const FaceEmbedding original = MustEmbed(image, face);
  float norm = 0;
  for (float v : original.values) norm += v * v;
  EXPECT_GT(norm, 0.01f);

  cv::Mat flipped;
  cv::flip(image, flipped, 1);
  Face mirrored = face;
  mirrored.box.x = image.cols - face.box.x - face.box.w;
  const float d_flip =
      FaceIdentifier::Distance(original, MustEmbed(flipped, mirrored));

  cv::Mat half;
  cv::resize(image, half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  Face small = face;
  small.box = {face.box.x / 2, face.box.y / 2, face.box.w / 2, face.box.h / 2};
  const float d_half =
      FaceIdentifier::Distance(original, MustEmbed(half, small));

  std::vector<uint8_t> jpeg;
  cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 60});
  const float d_jpeg = FaceIdentifier::Distance(
      original, MustEmbed(cv::imdecode(jpeg, cv::IMREAD_COLOR), face));

  cv::Mat brighter;
  image.convertTo(brighter, -1, 1.0, 40);
  const float d_bright =
      FaceIdentifier::Distance(original, MustEmbed(brighter, face));
  std::printf(
      "astronaut: flipped %.3f, half size %.3f, JPEG q60 %.3f, brighter "
      "%.3f\n",
      d_flip, d_half, d_jpeg, d_bright);
  EXPECT_LT(d_flip, DefaultMatchDistance());
  EXPECT_LT(d_half, DefaultMatchDistance());
  EXPECT_LT(d_jpeg, DefaultMatchDistance());
  EXPECT_LT(d_bright, DefaultMatchDistance());
  EXPECT_GT(d_flip, 0.0f);  // a real change, not the same pixels
}

// Irreversibility: a face hidden by any style is not its own person any
// more: either refused as unclear or beyond the match distance.
TEST(FaceIdentifierTest, AHiddenFaceDoesNotMatchItsOriginal) {
  const cv::Mat image = Astronaut();
  const Face face = LargestFace(image);
  ASSERT_GT(face.box.h, 40);
  const FaceEmbedding original = MustEmbed(image, face);
  for (AnonymizeStyle style : {AnonymizeStyle::kBlur, AnonymizeStyle::kPixelate,
                               AnonymizeStyle::kSolid}) {
    for (float strength : {kMinStrength, kMaxStrength}) {
      cv::Mat hidden = image.clone();
      AnonymizeOptions o;
      o.style = style;
      o.strength = strength;
      ASSERT_TRUE(Anonymize(hidden, std::span<const Face>(&face, 1), o).ok());
      Result<FaceEmbedding> e = SharedIdentifier().Embed(hidden, face);
      if (e.ok()) {
        EXPECT_GT(FaceIdentifier::Distance(original, *e),
                  DefaultMatchDistance())
            << AnonymizeStyleName(style) << " " << strength;
      } else {
        EXPECT_NE(e.status().message().find("too unclear"), std::string::npos)
            << e.status().message();
      }
    }
  }
}

TEST(FaceIdentifierTest, DifferentPeopleInAGroupPhotoDoNotMatch) {
  const std::vector<testing::LabelledPhoto> photos = testing::DlibFaces();
  if (photos.empty()) {
    GTEST_SKIP() << "needs ../shared/data/dlib_faces (evaluation data)";
  }
  int pairs = 0;
  float closest = 1e9f;
  for (const testing::LabelledPhoto& p : photos) {
    const cv::Mat image = cv::imread(p.path, cv::IMREAD_COLOR);
    ASSERT_FALSE(image.empty()) << p.path;
    std::vector<FaceEmbedding> e;
    for (const Box& b : p.boxes) e.push_back(MustEmbed(image, FaceAt(b)));
    for (size_t i = 0; i < e.size(); ++i) {
      for (size_t j = i + 1; j < e.size(); ++j) {
        const float d = FaceIdentifier::Distance(e[i], e[j]);
        closest = std::min(closest, d);
        EXPECT_GT(d, DefaultMatchDistance())
            << p.path << " faces " << i << " and " << j;
        ++pairs;
      }
    }
  }
  std::printf("dlib faces: %d different-person pairs, closest %.3f\n", pairs,
              closest);
  EXPECT_GT(pairs, 50);
}

TEST(FaceIdentifierTest, RefusesHostileInputsClearly) {
  const Identifier& id = SharedIdentifier();
  const cv::Mat image = Astronaut();
  ASSERT_FALSE(image.empty());
  auto expect_invalid = [&](const cv::Mat& m, const Box& b,
                            const std::string& words) {
    Result<FaceEmbedding> e = id.Embed(m, FaceAt(b));
    ASSERT_FALSE(e.ok()) << words;
    EXPECT_EQ(e.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(e.status().message().find(words), std::string::npos)
        << e.status().message();
  };
  expect_invalid(cv::Mat(), {10, 10, 50, 50}, "empty image");
  expect_invalid(image, {-500, 10, 100, 100}, "outside the image");
  expect_invalid(image, {600, 600, 100, 100}, "outside the image");
  expect_invalid(image, {100, 100, 10, 10}, "too small");
  expect_invalid(image, {100, 100, 0, 50}, "empty");
  expect_invalid(image, {NAN, 100, 50, 50}, "not a usable rectangle");
  expect_invalid(image, {0, 0, 1e30f, 1e30f}, "not a usable rectangle");
  expect_invalid(cv::Mat(64, 64, CV_16UC3, cv::Scalar(0)), {0, 0, 50, 50},
                 "8-bit");
  // A face cut by the image border is embedded (the outside reads black)
  // and still matches itself.
  const Face face = LargestFace(image);
  ASSERT_GT(face.box.h, 40);
  const int cut = static_cast<int>(face.box.x + face.box.w * 0.15f);
  const cv::Mat cropped = image.colRange(cut, image.cols).clone();
  Face edge_face = face;
  edge_face.box.x -= cut;
  Result<FaceEmbedding> edge = id.Embed(cropped, edge_face);
  ASSERT_TRUE(edge.ok()) << edge.status().ToString();
  EXPECT_LT(FaceIdentifier::Distance(*edge, MustEmbed(image, face)),
            DefaultMatchDistance());
  // A box on no face at all (a corner of the picture) is not a person.
  expect_invalid(image, {0, 0, 80, 80}, "too unclear");
  // Gray and BGRA work as BGR does.
  cv::Mat gray, bgra;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(image, bgra, cv::COLOR_BGR2BGRA);
  EXPECT_TRUE(id.Embed(gray, face).ok());
  Result<FaceEmbedding> a = id.Embed(bgra, face);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(FaceIdentifier::Distance(*a, MustEmbed(image, face)), 0.0f);
}

TEST(FaceIdentifierTest, RefusesBadOptions) {
  IdentifierOptions o;
  o.min_face_px = -1;
  EXPECT_FALSE(FaceIdentifier::Create(o).ok());
  o.min_face_px = NAN;
  EXPECT_FALSE(FaceIdentifier::Create(o).ok());
}

TEST(FaceIdentifierTest, MinFacePxIsHonoured) {
  IdentifierOptions o;
  o.min_face_px = 200;
  Result<std::unique_ptr<Identifier>> id = Identifier::Create(
      o, EmbeddedLandmarkModel(), EmbeddedRecognitionModel());
  ASSERT_TRUE(id.ok());
  const cv::Mat image = Astronaut();
  EXPECT_FALSE((*id)->Embed(image, FaceAt({100, 50, 150, 150})).ok());
  EXPECT_TRUE((*id)->Embed(image, FaceAt({100, 50, 210, 210})).ok());
}

TEST(FaceIdentifierTest, RejectsDamagedModels) {
  const ModelFiles landmarks = EmbeddedLandmarkModel();
  const ModelFiles recognition = EmbeddedRecognitionModel();
  auto create = [](const ModelFiles& l, const ModelFiles& r) {
    return Identifier::Create({}, l, r);
  };
  // Truncated weights.
  ModelFiles cut = recognition;
  cut.weights = cut.weights.first(cut.weights.size() - 4);
  Result<std::unique_ptr<Identifier>> r = create(landmarks, cut);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorrupt);
  EXPECT_NE(r.status().message().find("recognition model"), std::string::npos)
      << r.status().message();
  // The two models swapped: each is a valid manifest of the wrong network.
  r = create(recognition, landmarks);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorrupt);
  EXPECT_NE(r.status().message().find("landmark model"), std::string::npos)
      << r.status().message();
  // A manifest that is not JSON.
  ModelFiles garbage = landmarks;
  const std::string text(landmarks.manifest.substr(0, 100));
  garbage.manifest = text;
  r = create(garbage, recognition);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorrupt);
  // A tensor of the right size but a wrong shape.
  std::string reshaped(recognition.manifest);
  const std::string from = "\"name\":\"fc\",\"shape\":[256,128]";
  const size_t at = reshaped.find(from);
  ASSERT_NE(at, std::string::npos);
  reshaped.replace(at, from.size(), "\"name\":\"fc\",\"shape\":[128,256]");
  ModelFiles wrong = recognition;
  wrong.manifest = reshaped;
  r = create(landmarks, wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("fc"), std::string::npos)
      << r.status().message();
}

TEST(FaceIdentifierTest, EmbedsFromManyThreadsAlike) {
  const cv::Mat image = Astronaut();
  const Face face = LargestFace(image);
  const FaceEmbedding one = MustEmbed(image, face);
  std::vector<FaceEmbedding> out(4);
  std::vector<std::thread> threads;
  for (auto& o : out) {
    threads.emplace_back([&] { o = MustEmbed(image, face); });
  }
  for (auto& t : threads) t.join();
  for (const auto& o : out) EXPECT_EQ(FaceIdentifier::Distance(one, o), 0.0f);
}

TEST(PersonSetTest, ClosestPersonAndDistance) {
  PersonSet set;
  EXPECT_TRUE(set.empty());
  EXPECT_EQ(set.Closest(FaceEmbedding{}).person, -1);
  FaceEmbedding a, b, q;
  a.values[0] = 1;
  b.values[1] = 1;
  q.values[1] = 0.75f;
  EXPECT_EQ(set.Add(a), 0);
  EXPECT_EQ(set.Add(b), 1);
  EXPECT_EQ(set.size(), 2);
  const PersonSet::Match m = set.Closest(q);
  EXPECT_EQ(m.person, 1);
  EXPECT_FLOAT_EQ(m.distance, 0.25f);
  EXPECT_FLOAT_EQ(FaceIdentifier::Distance(a, b), std::sqrt(2.0f));
  EXPECT_FLOAT_EQ(FaceIdentifier::Distance(b, a), std::sqrt(2.0f));
}

}  // namespace
}  // namespace faceveil::identify
