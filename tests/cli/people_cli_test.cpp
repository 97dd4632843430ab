// `faceveil anonymize --keep-person / --hide-person` end to end: who stays
// visible, byte for byte, who is hidden, the report's per-face verdicts,
// PHOTO#N, folders and the reference photos that must be refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "cli/people_fixture.h"

namespace faceveil::testing {
namespace {

namespace fs = std::filesystem;

// Solid black fill: a hidden face is dark all over, a kept one unchanged.
const std::string kSolid = " --style solid --color black ";

class KeepPersonTest : public PeopleTest {};

TEST_F(KeepPersonTest, KeepsTheReferencePersonByteForByteAndHidesTheOther) {
  const std::string out = Out("out.png"), report = Out("r.jsonl");
  // The flag before the photo: it takes one photo, the next is the input.
  const CommandRun run =
      Faceveil("anonymize --keep-person '" + Path("reference.jpg") + "' '" +
               Path("pair.png") + "' -o '" + out + "' --report '" + report +
               "'" + kSolid);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("1 face left visible"), std::string::npos) << run.out;
  const auto lines = ReadReport(report);
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json& faces = lines[0]["faces"];
  ASSERT_GE(faces.size(), 2u) << lines[0].dump();
  const cv::Mat result = cv::imread(out);
  ASSERT_EQ(result.size(), pair_.size());
  int kept = 0;
  for (const nlohmann::json& face : faces) {
    SCOPED_TRACE(face.dump());
    const cv::Rect inner = Inner(face);
    if (OnLeft(face)) {  // the astronaut: matched, left as she was
      ++kept;
      EXPECT_TRUE(face["matched"].get<bool>());
      EXPECT_EQ(face["person"], 1);
      EXPECT_FALSE(face["hidden"].get<bool>());
      EXPECT_LT(face["distance"].get<double>(), 0.6);
      EXPECT_EQ(MaxDiff(result, pair_, inner), 0);
    } else {  // everyone else: hidden
      EXPECT_FALSE(face["matched"].get<bool>());
      EXPECT_FALSE(face.contains("person"));
      EXPECT_TRUE(face["hidden"].get<bool>());
      EXPECT_EQ(Brightest(result, inner), 0);
    }
  }
  EXPECT_EQ(kept, 1);
}

TEST_F(KeepPersonTest, HidePersonHidesOnlyThem) {
  const std::string out = Out("out.png"), report = Out("r.jsonl");
  const CommandRun run = Faceveil(
      "anonymize '" + Path("pair.png") + "' -o '" + out + "' --hide-person '" +
      Path("reference.jpg") + "' --report '" + report + "'" + kSolid);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto lines = ReadReport(report);
  ASSERT_EQ(lines.size(), 1u);
  const cv::Mat result = cv::imread(out);
  int visible = 0;
  for (const nlohmann::json& face : lines[0]["faces"]) {
    SCOPED_TRACE(face.dump());
    const cv::Rect inner = Inner(face);
    if (OnLeft(face)) {
      EXPECT_TRUE(face["matched"].get<bool>());
      EXPECT_TRUE(face["hidden"].get<bool>());
      EXPECT_EQ(Brightest(result, inner), 0);
    } else if (!face["hidden"].get<bool>()) {
      ++visible;
      EXPECT_FALSE(face["matched"].get<bool>());
      EXPECT_GT(face["distance"].get<double>(), 0.6);
      EXPECT_EQ(MaxDiff(result, pair_, inner), 0);
    }
  }
  EXPECT_EQ(visible, 1);  // Messi
}

// PHOTO#N picks face N as `faceveil detect` lists them.
TEST_F(KeepPersonTest, FaceNumberPicksTheFaceDetectLists) {
  const CommandRun detect = Faceveil("detect '" + Path("pair.png") + "'");
  ASSERT_EQ(detect.exit_code, 0) << detect.out;
  const nlohmann::json found =
      nlohmann::json::parse(detect.Lines().back())["faces"];
  ASSERT_EQ(found.size(), 2u) << found.dump();
  for (int n = 1; n <= 2; ++n) {
    SCOPED_TRACE("face " + std::to_string(n));
    const std::string out = Out("out" + std::to_string(n) + ".png");
    const CommandRun run =
        Faceveil("anonymize '" + Path("pair.png") + "' -o '" + out +
                 "' --keep-person '" + Path("pair.png") + "#" +
                 std::to_string(n) + "'" + kSolid);
    ASSERT_EQ(run.exit_code, 0) << run.out;
    const cv::Mat result = cv::imread(out);
    const cv::Rect picked = Inner(found[n - 1]), other = Inner(found[2 - n]);
    EXPECT_EQ(MaxDiff(result, pair_, picked), 0);
    EXPECT_EQ(Brightest(result, other), 0);
  }
}

TEST_F(KeepPersonTest, FolderKeepsThePersonInEveryPhoto) {
  const fs::path in = dir_ / "in";
  fs::create_directories(in / "sub");
  fs::copy_file(Path("pair.png"), in / "pair.png");
  fs::copy_file(std::string(FACEVEIL_TESTDATA_DIR) + "/astronaut.png",
                in / "sub" / "astronaut.png");
  const CommandRun run =
      Faceveil("anonymize '" + in.string() + "' -o '" + Out("out") +
               "' --keep-person '" + Path("reference.jpg") + "'" + kSolid);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("2 of 2 files anonymized"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("2 faces left visible"), std::string::npos) << run.out;
  const cv::Mat alone = cv::imread(Out("out/sub/astronaut.png"));
  const cv::Mat original =
      cv::imread(std::string(FACEVEIL_TESTDATA_DIR) + "/astronaut.png");
  ASSERT_FALSE(alone.empty());
  EXPECT_EQ(cv::norm(alone, original, cv::NORM_INF), 0);
  const cv::Mat pair = cv::imread(Out("out/pair.png"));
  ASSERT_FALSE(pair.empty());
  EXPECT_EQ(MaxDiff(pair, pair_, cv::Rect(0, 0, kPairSplitX, 512)), 0);
  EXPECT_GT(MeanDiff(pair, pair_, cv::Rect(kPairSplitX, 0, 540, 510)), 5);
}

// A reference photo that cannot name one person is refused before anything
// is written: exit status 2, the flag, the file and the problem in words.
class HostileReferenceTest : public PeopleTest {
 protected:
  void ExpectRefused(const std::string& flags, const std::string& says) {
    SCOPED_TRACE(flags);
    const std::string out = Out("out.png"), report = Out("r.jsonl");
    const CommandRun run =
        Faceveil("anonymize '" + Path("pair.png") + "' -o '" + out +
                 "' --report '" + report + "' " + flags);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find(says), std::string::npos) << run.out;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(report));
    EXPECT_EQ(run.out.find("Segmentation"), std::string::npos) << run.out;
  }
};

TEST_F(HostileReferenceTest, PhotoWithoutAFace) {
  cv::imwrite(Out("blank.png"),
              cv::Mat(300, 300, CV_8UC3, cv::Scalar::all(128)));
  ExpectRefused("--keep-person '" + Out("blank.png") + "'",
                "--keep-person " + Out("blank.png") + ": no face found in it");
}

TEST_F(HostileReferenceTest, PhotoWithSeveralFacesAndNoNumber) {
  ExpectRefused("--keep-person '" + Path("pair.png") + "'",
                Path("pair.png") +
                    ": 2 faces found in it; say which person "
                    "with PHOTO#N");
  ExpectRefused("--hide-person '" + Path("pair.png") + "'",
                "--hide-person " + Path("pair.png") + ": 2 faces found");
}

TEST_F(HostileReferenceTest, FaceNumberOutOfRange) {
  ExpectRefused("--keep-person '" + Path("pair.png") + "#3'",
                "face 3 asked for, but only 2 faces found in it");
  ExpectRefused("--keep-person '" + Path("pair.png") + "#0'",
                "face numbers count from 1");
}

TEST_F(HostileReferenceTest, MissingCorruptAndTinyReferences) {
  ExpectRefused("--keep-person '" + Out("nobody.jpg") + "'", "nobody.jpg");
  {
    std::ofstream f(Out("corrupt.jpg"), std::ios::binary);
    f << "\xFF\xD8\xFF\xE0 not a photo";
  }
  ExpectRefused("--keep-person '" + Out("corrupt.jpg") + "'",
                "--keep-person " + Out("corrupt.jpg") + ": ");
  // The astronaut at 48 px: her face is a few pixels, nothing to recognise.
  cv::Mat tiny;
  cv::resize(pair_(cv::Rect(0, 0, 512, 512)), tiny, cv::Size(48, 48), 0, 0,
             cv::INTER_AREA);
  cv::imwrite(Out("tiny.png"), tiny);
  ExpectRefused("--keep-person '" + Out("tiny.png") + "'",
                "--keep-person " + Out("tiny.png") + ": ");
}

TEST_F(HostileReferenceTest, KeepAndHideTogether) {
  ExpectRefused("--keep-person '" + Path("reference.jpg") +
                    "' --hide-person '" + Path("reference.jpg") + "'",
                "not both");
}

}  // namespace
}  // namespace faceveil::testing
