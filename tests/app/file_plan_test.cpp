#include "app/file_plan.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>

#include "faceveil/file_io.h"

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
  ASSERT_EQ(plan->files.size(), 1u);
  EXPECT_EQ(plan->files[0].output, root_ / "out.jpg");
}

TEST_F(FilePlanTest, SingleFileIntoExistingFolder) {
  const fs::path in = Touch("in/a.jpg");
  fs::create_directories(root_ / "out");
  auto plan = PlanFiles({in}, root_ / "out", {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->files[0].output, root_ / "out" / "a.jpg");
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
  ASSERT_EQ(plan->files.size(), 3u);
  EXPECT_EQ(plan->files[0].output, root_ / "out" / "a.jpg");
  EXPECT_EQ(plan->files[1].output, root_ / "out" / "sub" / "clip.mp4");
  EXPECT_EQ(plan->files[1].kind, MediaKind::kVideo);
  EXPECT_EQ(plan->files[2].output, root_ / "out" / "sub" / "deeper" / "b.png");
}

TEST_F(FilePlanTest, SeveralFoldersGetTheirOwnSubfolder) {
  Touch("x/a.jpg");
  Touch("y/a.jpg");
  auto plan = PlanFiles({root_ / "x", root_ / "y"}, root_ / "out", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->files.size(), 2u);
  EXPECT_EQ(plan->files[0].output, root_ / "out" / "x" / "a.jpg");
  EXPECT_EQ(plan->files[1].output, root_ / "out" / "y" / "a.jpg");
}

TEST_F(FilePlanTest, OutputInsideInputIsNotWalked) {
  Touch("in/a.jpg");
  Touch("in/anon/a.jpg");  // a previous run's output
  auto plan = PlanFiles({root_ / "in"}, root_ / "in" / "anon", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->files.size(), 1u);
  EXPECT_EQ(plan->files[0].input, root_ / "in" / "a.jpg");
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
  ASSERT_EQ(plan->files.size(), 1u);
  EXPECT_EQ(plan->files[0].output, plan->files[0].input);
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
  EXPECT_EQ(plan->files[0].output, root_ / "out" / "a.jpg");
}

TEST_F(FilePlanTest, MissingInputIsNotFound) {
  auto plan = PlanFiles({root_ / "nope.jpg"}, root_ / "out.jpg", {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), Status::Code::kNotFound);
}

TEST_F(FilePlanTest, ListsWhatItDoesNotWalk) {
  Touch("in/a.jpg");
  Touch("elsewhere/b.jpg");
  fs::create_directory_symlink(root_ / "elsewhere", root_ / "in" / "link");
  fs::create_symlink(root_ / "nowhere.jpg", root_ / "in" / "dangling.jpg");
  Touch("in/.hidden/c.jpg");
  auto plan = PlanFiles({root_ / "in"}, root_ / "out", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->files.size(), 1u);
  ASSERT_EQ(plan->skipped.size(), 2u);
  std::map<fs::path, std::string> skipped;
  for (const SkippedEntry& s : plan->skipped) skipped[s.path] = s.reason;
  EXPECT_EQ(skipped[root_ / "in" / "link"], "link to a folder, not followed");
  EXPECT_EQ(skipped[root_ / "in" / "dangling.jpg"], "broken link");
  EXPECT_TRUE(plan->empty_folders.empty());
}

TEST_F(FilePlanTest, NamesFoldersWithNothingToDo) {
  Touch("in/a.jpg");
  Touch("empty/notes.txt");
  auto plan = PlanFiles({root_ / "in", root_ / "empty"}, root_ / "out", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->files.size(), 1u);
  ASSERT_EQ(plan->empty_folders.size(), 1u);
  EXPECT_EQ(plan->empty_folders[0], root_ / "empty");
}

TEST_F(FilePlanTest, FolderIntoAFileIsOneError) {
  Touch("in/a.jpg");
  Touch("in/b.jpg");
  const fs::path file = Touch("taken.jpg");
  auto plan = PlanFiles({root_ / "in"}, file, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(plan.status().message().find("names a file"), std::string::npos);
  // Named like a photo, though it does not exist yet: surely a mistake.
  EXPECT_FALSE(PlanFiles({root_ / "in"}, root_ / "new.png", {}).ok());
  EXPECT_FALSE(
      PlanFiles({file, root_ / "in" / "a.jpg"}, root_ / "x.jpg", {}).ok());
  // A plain new name is a new folder.
  EXPECT_TRUE(PlanFiles({root_ / "in"}, root_ / "new", {}).ok());
}

TEST(PrintableNameTest, EscapesWhatCouldForgeOrColourALine) {
  EXPECT_EQ(PrintableName("photo 1.jpg"), "photo 1.jpg");
  EXPECT_EQ(PrintableName("été/日本.jpg"), "été/日本.jpg");
  EXPECT_EQ(PrintableName("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(PrintableName("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(PrintableName(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(PrintableName("del\x7f"), "del\\x7f");
  EXPECT_EQ(PrintableName("back\\slash"), "back\\\\slash");
  EXPECT_EQ(PrintableName("csi\xc2\x9b"
                          "2J"),
            "csi\\u009b2J");
  EXPECT_EQ(PrintableName("gpj.\xe2\x80\xae"
                          "exe"),
            "gpj.\\u202eexe");
  EXPECT_EQ(PrintableName("bad\xff\xfe"), "bad\\xff\\xfe");
  EXPECT_EQ(PrintableName("overlong\xc0\xaf"), "overlong\\xc0\\xaf");
  EXPECT_EQ(PrintableName("cut\xe6\x97"), "cut\\xe6\\x97");
}

}  // namespace
}  // namespace faceveil
