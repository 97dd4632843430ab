// gt.tsv and JSON Lines readers, and pairing detections with images.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "faceveil/eval.h"

namespace faceveil::eval {
namespace {

using ::testing::HasSubstr;

TEST(ParseGroundTruth, ReadsFacesGroupedByImage) {
  const std::string text =
      "# comment\n"
      "images/0--Parade/a.jpg\t10\t20\t30\t40\teasy,blur:0,occ:1,pose:0,"
      "illum:1,expr:0\r\n"
      "\n"
      "images/0--Parade/b.jpg\t1\t2\t3\t4\tignore,invalid,blur:2,occ:2,pose:1,"
      "illum:0,expr:1\n"
      "images/0--Parade/a.jpg\t5\t6\t7\t8\thard\n";
  Result<GroundTruth> gt = ParseGroundTruth(text, "gt.tsv");
  ASSERT_TRUE(gt.ok()) << gt.status().ToString();
  ASSERT_EQ(gt->images.size(), 2u);
  EXPECT_EQ(gt->NumFaces(), 3u);
  const GtImage& a = gt->images[0];
  EXPECT_EQ(a.path, "images/0--Parade/a.jpg");
  ASSERT_EQ(a.faces.size(), 2u);
  EXPECT_EQ(a.faces[0].box.x, 10);
  EXPECT_EQ(a.faces[0].box.y, 20);
  EXPECT_EQ(a.faces[0].box.w, 30);
  EXPECT_EQ(a.faces[0].box.h, 40);
  EXPECT_EQ(a.faces[0].difficulty, Difficulty::kEasy);
  EXPECT_FALSE(a.faces[0].invalid);
  EXPECT_EQ(a.faces[0].blur, 0);
  EXPECT_EQ(a.faces[0].occlusion, 1);
  EXPECT_EQ(a.faces[0].illumination, 1);
  EXPECT_EQ(a.faces[1].difficulty, Difficulty::kHard);
  EXPECT_EQ(a.faces[1].blur, -1);
  const GtFace& b = gt->images[1].faces[0];
  EXPECT_EQ(b.difficulty, Difficulty::kIgnore);
  EXPECT_TRUE(b.invalid);
  EXPECT_EQ(b.blur, 2);
  EXPECT_EQ(b.occlusion, 2);
  EXPECT_EQ(b.pose, 1);
  EXPECT_EQ(b.expression, 1);
}

TEST(ParseGroundTruth, BadLinesNameTheirLineNumber) {
  const std::string good = "a.jpg\t1\t2\t3\t4\teasy\n";
  const struct {
    std::string line;
    std::string reason;
  } cases[] = {
      {"a.jpg\t1\t2\t3\teasy", "expected 6"},
      {"a.jpg 1 2 3 4 easy", "expected 6"},
      {"a.jpg\t1\tx\t3\t4\teasy", "y is not a number"},
      {"a.jpg\t1\t2\t-3\t4\teasy", "negative"},
      {"a.jpg\t1\t2\t3\t4\tsimple", "first flag"},
      {"a.jpg\t1\t2\t3\t4\teasy,blur:3", "blur:3"},
      {"a.jpg\t1\t2\t3\t4\teasy,smile:1", "unknown flag"},
      {"a.jpg\t1\t2\t3\t4\teasy,valid", "unknown flag"},
      {"\t1\t2\t3\t4\teasy", "empty image path"},
      {"a.jpg\t1\t2\t3\tnan\teasy", "h is not a number"},
  };
  for (const auto& c : cases) {
    Result<GroundTruth> gt = ParseGroundTruth(good + good + c.line, "gt.tsv");
    ASSERT_FALSE(gt.ok()) << c.line;
    EXPECT_EQ(gt.status().code(), Status::Code::kCorrupt);
    EXPECT_THAT(gt.status().message(), HasSubstr("gt.tsv:3: ")) << c.line;
    EXPECT_THAT(gt.status().message(), HasSubstr(c.reason)) << c.line;
  }
}

TEST(ParseGroundTruth, EmptyInputIsAnError) {
  EXPECT_FALSE(ParseGroundTruth("", "gt.tsv").ok());
  EXPECT_FALSE(ParseGroundTruth("# only a comment\n", "gt.tsv").ok());
}

TEST(ReadGroundTruth, MissingFileIsNotFound) {
  Result<GroundTruth> gt = ReadGroundTruth("/nonexistent/gt.tsv");
  ASSERT_FALSE(gt.ok());
  EXPECT_EQ(gt.status().code(), Status::Code::kNotFound);
}

TEST(ParseDetectionsJsonl, ReadsFacesTimesAndErrors) {
  const std::string text =
      R"({"file": "x/a.jpg", "width": 10, "height": 10, "faces": [)"
      R"({"box": [1, 2, 3, 4], "score": 0.75, "keypoints": )"
      R"([[1,1],[2,2],[3,3],[4,4],[5,5],[6,6]]}], "ms": 3.5})"
      "\n\n"
      R"({"file": "x/b.jpg", "error": "corrupt: truncated JPEG"})"
      "\n"
      R"({"file": "x/c.jpg", "faces": []})";
  Result<std::vector<ImageDetections>> d = ParseDetectionsJsonl(text, "d");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->size(), 3u);
  const ImageDetections& a = (*d)[0];
  EXPECT_EQ(a.file, "x/a.jpg");
  EXPECT_TRUE(a.error.empty());
  ASSERT_EQ(a.faces.size(), 1u);
  EXPECT_FLOAT_EQ(a.faces[0].box.x, 1);
  EXPECT_FLOAT_EQ(a.faces[0].box.h, 4);
  EXPECT_FLOAT_EQ(a.faces[0].score, 0.75f);
  EXPECT_FLOAT_EQ(a.faces[0].keypoints[5].x, 6);
  EXPECT_DOUBLE_EQ(a.ms, 3.5);
  EXPECT_EQ((*d)[1].error, "corrupt: truncated JPEG");
  EXPECT_TRUE((*d)[1].faces.empty());
  EXPECT_TRUE((*d)[2].error.empty());
  EXPECT_LT((*d)[2].ms, 0);
}

TEST(ParseDetectionsJsonl, BadLinesNameTheirLineNumber) {
  const std::string good = R"({"file": "a.jpg", "faces": []})"
                           "\n";
  const struct {
    std::string line;
    std::string reason;
  } cases[] = {
      {R"({"file": "a.jpg", "faces": [)", "not valid JSON"},
      {R"([1, 2])", "JSON object"},
      {R"({"faces": []})", "missing \"file\""},
      {R"({"file": "a.jpg"})", "\"faces\""},
      {R"({"file": "a.jpg", "faces": [{"score": 0.5}]})", "box"},
      {R"({"file": "a.jpg", "faces": [{"box": [1, 2, 3], "score": 1}]})",
       "box"},
      {R"({"file": "a.jpg", "faces": [{"box": [1, 2, 3, 4]}]})", "score"},
      {R"({"file": "a.jpg", "faces": [{"box": [1, 2, 3, 4], "score": "x"}]})",
       "score must be a number"},
      {R"({"file": "a.jpg", "faces": [{"box": [1, 2, -3, 4], "score": 1}]})",
       "negative"},
      {R"({"file": "a.jpg", "faces": [{"box": [1, 2, 1e300, 4], "score": 1}]})",
       "out of range"},
  };
  for (const auto& c : cases) {
    Result<std::vector<ImageDetections>> d =
        ParseDetectionsJsonl(good + c.line + "\n" + good, "det.jsonl");
    ASSERT_FALSE(d.ok()) << c.line;
    EXPECT_THAT(d.status().message(), HasSubstr("det.jsonl:2: ")) << c.line;
    EXPECT_THAT(d.status().message(), HasSubstr(c.reason)) << c.line;
  }
}

GroundTruth TwoEventGroundTruth() {
  GroundTruth gt;
  for (const char* path : {"images/0--Parade/a.jpg", "images/4--Dancing/a.jpg",
                           "images/4--Dancing/b.jpg"}) {
    gt.images.push_back(GtImage{path, {}});
  }
  return gt;
}

ImageDetections Line(const std::string& file) {
  ImageDetections d;
  d.file = file;
  return d;
}

TEST(MatchToGroundTruth, ToleratesLeadingDirectoryDifferences) {
  std::vector<ImageDetections> lines = {
      Line("/data/wider_val/images/4--Dancing/a.jpg"),  // longer path
      Line("0--Parade/a.jpg"),                          // shorter path
      Line("b.jpg"),                                    // unique name
      Line("a.jpg"),              // ambiguous: two gt images named a.jpg
      Line("images/9--X/z.jpg"),  // no such image
  };
  lines[0].ms = 1;
  lines[1].ms = 2;
  lines[2].ms = 3;
  Result<MatchedDetections> m =
      MatchToGroundTruth(TwoEventGroundTruth(), lines);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->per_image.size(), 3u);
  EXPECT_EQ(m->per_image[0].ms, 2);
  EXPECT_EQ(m->per_image[1].ms, 1);
  EXPECT_EQ(m->per_image[2].ms, 3);
  EXPECT_EQ(m->unmatched, 2u);
  EXPECT_EQ(m->missing, 0u);
}

TEST(MatchToGroundTruth, MissingImagesCarryAnError) {
  Result<MatchedDetections> m = MatchToGroundTruth(
      TwoEventGroundTruth(), {Line("./images/0--Parade/a.jpg")});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->missing, 2u);
  EXPECT_TRUE(m->per_image[0].error.empty());
  EXPECT_FALSE(m->per_image[1].error.empty());
  EXPECT_EQ(m->per_image[1].file, "images/4--Dancing/a.jpg");
}

TEST(MatchToGroundTruth, TwoLinesForOneImageAreAnError) {
  Result<MatchedDetections> m = MatchToGroundTruth(
      TwoEventGroundTruth(), {Line("4--Dancing/b.jpg"), Line("x/b.jpg")});
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("images/4--Dancing/b.jpg"));
}

}  // namespace
}  // namespace faceveil::eval
