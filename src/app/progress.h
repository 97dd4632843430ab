// Progress of a long run on stderr: a redrawn bar on a terminal, plain lines
// at most every few seconds otherwise (logs, CI), nothing when quiet.
#ifndef FACEVEIL_APP_PROGRESS_H_
#define FACEVEIL_APP_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace faceveil {

struct ProgressOptions {
  // What is counted, plural ("files", "frames").
  std::string unit = "files";
  // Draw a redrawn bar (true) or print plain lines (false). Default: decide
  // from whether `out` is a terminal.
  enum class Style { kAuto, kBar, kLines, kQuiet } style = Style::kAuto;
  // Plain-line mode prints at most once per this many seconds.
  double line_interval_s = 5.0;
  // Where to print.
  std::FILE* out = stderr;
};

class Progress {
 public:
  Progress(int64_t total, ProgressOptions options);
  // Clears the bar line so following output starts on a clean line.
  ~Progress();

  // Records one finished item and its face count. Thread-safe.
  void Add(int64_t faces, bool failed);
  // Shows how far the item in progress is (a video's frames): `text` is
  // appended to the bar, or printed as a plain line at most every
  // line_interval_s; `fraction` in [0, 1] of the item is done (counted in
  // the bar's percentage), or < 0 when unknown. Thread-safe.
  void Detail(const std::string& text, double fraction);
  // Prints a message on its own line without garbling the bar. Thread-safe.
  void Message(const std::string& line);
  // Ends the bar (prints the final state once more).
  void Finish();

  // "1:05", "2:03:04".
  static std::string FormatDuration(double seconds);

  // "120/450 frames · 31.2 fps · ETA 0:11" for `done` of `total` frames
  // (total 0: unknown, no ETA; `estimated`: "~450") after `elapsed_s`.
  static std::string FormatFrames(int64_t done, int64_t total, bool estimated,
                                  double elapsed_s);

  // "12.3 MB", "850 kB", "12 B" (decimal units, as file managers show).
  static std::string FormatBytes(int64_t bytes);

 private:
  void DrawLocked(bool force);

  const int64_t total_;
  const ProgressOptions options_;
  ProgressOptions::Style style_;
  std::mutex mu_;
  int64_t done_ = 0;
  int64_t faces_ = 0;
  int64_t failed_ = 0;
  std::string detail_;  // the item in progress; empty: none
  double detail_fraction_ = -1;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace faceveil

#endif  // FACEVEIL_APP_PROGRESS_H_
