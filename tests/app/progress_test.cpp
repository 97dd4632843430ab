#include "app/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace faceveil {
namespace {

std::string ReadAll(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(ProgressTest, FormatsDurations) {
  EXPECT_EQ(Progress::FormatDuration(0), "0:00");
  EXPECT_EQ(Progress::FormatDuration(65), "1:05");
  EXPECT_EQ(Progress::FormatDuration(3600 * 2 + 3 * 60 + 4), "2:03:04");
  EXPECT_EQ(Progress::FormatDuration(-1), "?");
}

TEST(ProgressTest, PlainLinesReportTheFinalCount) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressOptions options;
    options.style = ProgressOptions::Style::kLines;
    options.out = f;
    options.line_interval_s = 1e9;  // only the final state is printed
    Progress progress(3, options);
    progress.Add(2, false);
    progress.Add(0, true);
    progress.Message("note: something");
    progress.Add(5, false);
  }
  const std::string out = ReadAll(f);
  std::fclose(f);
  EXPECT_NE(out.find("note: something\n"), std::string::npos) << out;
  EXPECT_NE(out.find("3/3 files · 7 faces · 1 failed"), std::string::npos)
      << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << "no bar control codes";
}

TEST(ProgressTest, QuietPrintsNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressOptions options;
    options.style = ProgressOptions::Style::kQuiet;
    options.out = f;
    Progress progress(1, options);
    progress.Message("hidden");
    progress.Add(1, false);
  }
  EXPECT_EQ(ReadAll(f), "");
  std::fclose(f);
}

TEST(ProgressTest, BarRedrawsInPlace) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressOptions options;
    options.style = ProgressOptions::Style::kBar;
    options.out = f;
    Progress progress(2, options);
    progress.Add(1, false);
    progress.Add(1, false);
  }
  const std::string out = ReadAll(f);
  std::fclose(f);
  EXPECT_NE(out.find("\r"), std::string::npos);
  EXPECT_NE(out.find("100%"), std::string::npos) << out;
  EXPECT_EQ(out.back(), '\n');
}

}  // namespace
}  // namespace faceveil
