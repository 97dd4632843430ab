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

TEST(ProgressTest, FormatsFramesWithRateAndEta) {
  // 120 of 450 frames in 4 s: 30 fps, 330 frames left, 11 s.
  EXPECT_EQ(Progress::FormatFrames(120, 450, false, 4.0),
            "120/450 frames · 30.0 fps · ETA 0:11");
  // A total estimated from duration x frame rate is marked.
  EXPECT_EQ(Progress::FormatFrames(120, 450, true, 4.0),
            "120/~450 frames · 30.0 fps · ETA 0:11");
  // No total: no ETA. No time yet: no rate, ETA unknown.
  EXPECT_EQ(Progress::FormatFrames(50, 0, false, 2.0), "50 frames · 25.0 fps");
  EXPECT_EQ(Progress::FormatFrames(0, 90, false, 0.0),
            "0/90 frames · 0.0 fps · ETA ?");
  // An estimate that falls short never shows more done than in all.
  EXPECT_EQ(Progress::FormatFrames(100, 90, true, 10.0),
            "100/~100 frames · 10.0 fps · ETA 0:00");
}

TEST(ProgressTest, FormatsBytes) {
  EXPECT_EQ(Progress::FormatBytes(12), "12 B");
  EXPECT_EQ(Progress::FormatBytes(850'400), "850 kB");
  EXPECT_EQ(Progress::FormatBytes(12'340'000), "12.3 MB");
  EXPECT_EQ(Progress::FormatBytes(2'500'000'000), "2.5 GB");
  EXPECT_EQ(Progress::FormatBytes(-5), "0 B");
}

TEST(ProgressTest, DetailOfOneItemReplacesTheFileCount) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressOptions options;
    options.style = ProgressOptions::Style::kBar;
    options.out = f;
    Progress progress(1, options);
    progress.Detail("clip.mp4 30/60 frames · 30.0 fps · ETA 0:01", 0.5);
  }
  const std::string out = ReadAll(f);
  std::fclose(f);
  // Half the only item is half the bar.
  EXPECT_NE(out.find("[############............]  50% clip.mp4 30/60 frames"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("0/1 files"), std::string::npos) << out;
}

TEST(ProgressTest, DetailFollowsTheFileCountOfAFolder) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressOptions options;
    options.style = ProgressOptions::Style::kLines;
    options.out = f;
    options.line_interval_s = 0;  // every update is a line
    Progress progress(4, options);
    progress.Add(1, false);
    progress.Detail("clip.mp4 10/40 frames", 0.25);
    progress.Add(2, false);  // the video is done: its detail goes
  }
  const std::string out = ReadAll(f);
  std::fclose(f);
  EXPECT_NE(out.find("progress: 1/4 files · 1 faces"), std::string::npos)
      << out;
  EXPECT_NE(out.find(" | clip.mp4 10/40 frames\n"), std::string::npos) << out;
  EXPECT_NE(out.find("progress: 2/4 files · 3 faces · "), std::string::npos)
      << out;
  const size_t last = out.rfind("progress: ");
  EXPECT_EQ(out.find("clip.mp4", last), std::string::npos) << out;
}

TEST(ProgressTest, QuietIgnoresDetails) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressOptions options;
    options.style = ProgressOptions::Style::kQuiet;
    options.out = f;
    Progress progress(1, options);
    progress.Detail("clip.mp4 1/2 frames", 0.5);
    progress.Add(0, false);
  }
  EXPECT_EQ(ReadAll(f), "");
  std::fclose(f);
}

}  // namespace
}  // namespace faceveil
