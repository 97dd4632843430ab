#include "app/file_plan.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace faceveil {
namespace {

namespace fs = std::filesystem;

class FilePlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    root_ =
        fs::temp_directory_path() / ("faceveil_plan_" + std::to_string(rd()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path Touch(const fs::path& rel) {
    const fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "x";
    return p;
  }

  fs::path root_;
};

TEST_F(FilePlanTest, KnowsMediaExtensions) {
  MediaKind kind;
  EXPECT_TRUE(MediaKindForPath("a/B.JPG", &kind));
  EXPECT_EQ(kind, MediaKind::kImage);
  EXPECT_TRUE(MediaKindForPath("clip.MoV", &kind));
  EXPECT_EQ(kind, MediaKind::kVideo);
  EXPECT_FALSE(MediaKindForPath("notes.txt", &kind));
  EXPECT_FALSE(MediaKindForPath("jpg", &kind));
}

TEST_F(FilePlanTest, SingleFileToFileName) {
  const fs::path in = Touch("in/a.jpg");
  auto plan = PlanFiles({in}, root_ / "out.jpg", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].output, root_ / "out.jpg");
}

TEST_F(FilePlanTest, SingleFileIntoExistingFolder) {
  const fs::path in = Touch("in/a.jpg");
  fs::create_directories(root_ / "out");
  auto plan = PlanFiles({in}, root_ / "out", {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)[0].output, root_ / "out" / "a.jpg");
}

TEST_F(FilePlanTest, FolderIsMirroredAndFiltered) {
  Touch("in/a.jpg");
  Touch("in/sub/deeper/b.png");
  Touch("in/sub/clip.mp4");
  Touch("in/readme.txt");
  Touch("in/.hidden/c.jpg");
  Touch("in/.d.jpg");
  auto plan = PlanFiles({root_ / "in"}, root_ / "out", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 3u);
  EXPECT_EQ((*plan)[0].output, root_ / "out" / "a.jpg");
  EXPECT_EQ((*plan)[1].output, root_ / "out" / "sub" / "clip.mp4");
  EXPECT_EQ((*plan)[1].kind, MediaKind::kVideo);
  EXPECT_EQ((*plan)[2].output, root_ / "out" / "sub" / "deeper" / "b.png");
}

TEST_F(FilePlanTest, SeveralFoldersGetTheirOwnSubfolder) {
  Touch("x/a.jpg");
  Touch("y/a.jpg");
  auto plan = PlanFiles({root_ / "x", root_ / "y"}, root_ / "out", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[0].output, root_ / "out" / "x" / "a.jpg");
  EXPECT_EQ((*plan)[1].output, root_ / "out" / "y" / "a.jpg");
}

TEST_F(FilePlanTest, OutputInsideInputIsNotWalked) {
  Touch("in/a.jpg");
  Touch("in/anon/a.jpg");  // a previous run's output
  auto plan = PlanFiles({root_ / "in"}, root_ / "in" / "anon", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].input, root_ / "in" / "a.jpg");
}

TEST_F(FilePlanTest, RefusesCollisionsAndOverwritingInputs) {
  const fs::path a = Touch("x/a.jpg");
  const fs::path b = Touch("y/a.jpg");
  auto clash = PlanFiles({a, b}, root_ / "out", {});
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("would be written to"),
            std::string::npos);
  auto self = PlanFiles({a}, a, {});
  ASSERT_FALSE(self.ok());
  EXPECT_NE(self.status().message().find("--in-place"), std::string::npos);
}

TEST_F(FilePlanTest, InPlaceWritesOverInputs) {
  Touch("in/a.jpg");
  PlanOptions options;
  options.in_place = true;
  auto plan = PlanFiles({root_ / "in"}, "", options);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].output, (*plan)[0].input);
  EXPECT_FALSE(PlanFiles({root_ / "in"}, root_ / "out", options).ok());
}

TEST_F(FilePlanTest, RenameChangesOutputNames) {
  Touch("in/a.heic");
  PlanOptions options;
  options.rename = [](const fs::path& name, MediaKind) {
    fs::path out = name;
    return out.replace_extension(".jpg");
  };
  auto plan = PlanFiles({root_ / "in"}, root_ / "out", options);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)[0].output, root_ / "out" / "a.jpg");
}

TEST_F(FilePlanTest, MissingInputIsNotFound) {
  auto plan = PlanFiles({root_ / "nope.jpg"}, root_ / "out.jpg", {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace faceveil
