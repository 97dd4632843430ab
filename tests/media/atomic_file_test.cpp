// WriteFileAtomic(): complete files or nothing, never a stray temporary.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "faceveil/file_io.h"

namespace faceveil {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::path(::testing::TempDir()) / "faceveil-atomic-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  static std::string Contents(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static std::vector<uint8_t> Bytes(const std::string& s) {
    return std::vector<uint8_t>(s.begin(), s.end());
  }

  fs::path dir_;
};

TEST_F(AtomicFileTest, WritesTheBytes) {
  const fs::path path = dir_ / "out.jpg";
  ASSERT_TRUE(WriteFileAtomic(path.string(), Bytes("hello"), false).ok());
  EXPECT_EQ(Contents(path), "hello");
  EXPECT_EQ(Entries(), std::vector<std::string>{"out.jpg"});
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);
}

TEST_F(AtomicFileTest, WritesEmptyAndLargeFiles) {
  ASSERT_TRUE(WriteFileAtomic((dir_ / "empty").string(), {}, false).ok());
  EXPECT_EQ(fs::file_size(dir_ / "empty"), 0u);
  std::vector<uint8_t> big(3 << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
  ASSERT_TRUE(WriteFileAtomic((dir_ / "big").string(), big, false).ok());
  EXPECT_EQ(Contents(dir_ / "big"), std::string(big.begin(), big.end()));
}

TEST_F(AtomicFileTest, RefusesToOverwriteUnlessAsked) {
  const fs::path path = dir_ / "out.png";
  ASSERT_TRUE(WriteFileAtomic(path.string(), Bytes("first"), false).ok());
  const Status refused = WriteFileAtomic(path.string(), Bytes("second"), false);
  EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.message().find("exists"), std::string::npos);
  EXPECT_EQ(Contents(path), "first");
  ASSERT_TRUE(WriteFileAtomic(path.string(), Bytes("second"), true).ok());
  EXPECT_EQ(Contents(path), "second");
  EXPECT_EQ(Entries(), std::vector<std::string>{"out.png"});
}

TEST_F(AtomicFileTest, FailureLeavesNothingBehind) {
  // A directory where the file should go: the temporary file is written,
  // then the rename fails, and the temporary must be gone.
  fs::create_directory(dir_ / "taken");
  EXPECT_FALSE(
      WriteFileAtomic((dir_ / "taken").string(), Bytes("x"), true).ok());
  EXPECT_EQ(Entries(), std::vector<std::string>{"taken"});
  EXPECT_TRUE(fs::is_empty(dir_ / "taken"));
  // A parent that is a file (fails even for root, unlike chmod).
  std::ofstream(dir_ / "file") << "x";
  const Status status =
      WriteFileAtomic((dir_ / "file" / "out.jpg").string(), Bytes("x"), false);
  EXPECT_EQ(status.code(), Status::Code::kIoError);
  // A missing directory.
  EXPECT_FALSE(WriteFileAtomic((dir_ / "missing" / "out.jpg").string(),
                               Bytes("x"), false)
                   .ok());
  EXPECT_EQ(Entries(), (std::vector<std::string>{"file", "taken"}));
}

TEST_F(AtomicFileTest, UnwritableDirectoryLeavesNothing) {
  if (::geteuid() == 0) {
    // Root ignores directory permissions, but not /proc, which accepts no
    // new files from anyone.
    const std::string path = "/proc/faceveil-atomic-test.jpg";
    EXPECT_EQ(WriteFileAtomic(path, Bytes("x"), false).code(),
              Status::Code::kIoError);
    EXPECT_FALSE(fs::exists(path));
    return;
  }
  fs::create_directory(dir_ / "ro");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_EQ(
      WriteFileAtomic((dir_ / "ro" / "a").string(), Bytes("x"), false).code(),
      Status::Code::kIoError);
  fs::permissions(dir_ / "ro", fs::perms::owner_all);
  EXPECT_TRUE(fs::is_empty(dir_ / "ro"));
}

TEST_F(AtomicFileTest, RejectsPathsThatNameNoFile) {
  EXPECT_FALSE(WriteFileAtomic("", Bytes("x"), true).ok());
  EXPECT_FALSE(WriteFileAtomic((dir_ / "d/").string(), Bytes("x"), true).ok());
  EXPECT_TRUE(Entries().empty());
}

TEST_F(AtomicFileTest, CreatesParentDirectories) {
  const fs::path path = dir_ / "a" / "b" / "c.jpg";
  ASSERT_TRUE(CreateParentDirectories(path.string()).ok());
  EXPECT_TRUE(fs::is_directory(dir_ / "a" / "b"));
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(CreateParentDirectories(path.string()).ok());  // idempotent
  EXPECT_TRUE(CreateParentDirectories("bare-name.jpg").ok());
  std::ofstream(dir_ / "f") << "x";
  EXPECT_EQ(
      CreateParentDirectories((dir_ / "f" / "g" / "h.jpg").string()).code(),
      Status::Code::kIoError);
}

}  // namespace
}  // namespace faceveil
