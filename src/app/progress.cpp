#include "app/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace faceveil {

namespace {
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}
}  // namespace

Progress::Progress(int64_t total, ProgressOptions options)
    : total_(total),
      options_(std::move(options)),
      style_(options_.style),
      start_(Clock::now()),
      last_draw_(start_) {
  if (style_ == ProgressOptions::Style::kAuto) {
    style_ = isatty(fileno(options_.out)) ? ProgressOptions::Style::kBar
                                          : ProgressOptions::Style::kLines;
  }
}

Progress::~Progress() { Finish(); }

std::string Progress::FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int64_t s = static_cast<int64_t>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(
        buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
        static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld",
                  static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buf;
}

void Progress::Add(int64_t faces, bool failed) {
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  detail_.clear();
  detail_fraction_ = -1;
  faces_ += faces;
  if (failed) ++failed_;
  DrawLocked(false);
}

std::string Progress::FormatFrames(int64_t done, int64_t total, bool estimated,
                                   double elapsed_s) {
  const double fps = elapsed_s > 0 ? done / elapsed_s : 0;
  std::string out = std::to_string(done);
  if (total > 0)
    out += "/" + std::string(estimated ? "~" : "") +
           std::to_string(std::max(total, done));
  char rate[64];
  std::snprintf(rate, sizeof rate, " frames · %.1f fps", fps);
  out += rate;
  if (total > 0) {
    const double eta = fps > 0 ? (std::max(total, done) - done) / fps : NAN;
    out += " · ETA " + FormatDuration(eta);
  }
  return out;
}

std::string Progress::FormatBytes(int64_t bytes) {
  char buf[32];
  const double b = static_cast<double>(std::max<int64_t>(0, bytes));
  if (b >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.1f GB", b / 1e9);
  } else if (b >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  } else if (b >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.0f kB", b / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(b));
  }
  return buf;
}

void Progress::Detail(const std::string& text, double fraction) {
  std::lock_guard<std::mutex> lock(mu_);
  detail_ = text;
  detail_fraction_ = fraction;
  DrawLocked(false);
}

void Progress::Message(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (style_ == ProgressOptions::Style::kQuiet) return;
  if (style_ == ProgressOptions::Style::kBar)
    std::fputs("\r\033[K", options_.out);
  std::fprintf(options_.out, "%s\n", line.c_str());
  if (style_ == ProgressOptions::Style::kBar && !finished_) DrawLocked(true);
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  if (style_ == ProgressOptions::Style::kBar) {
    DrawLocked(true);
    std::fputc('\n', options_.out);
  }
  finished_ = true;
}

void Progress::DrawLocked(bool force) {
  if (style_ == ProgressOptions::Style::kQuiet || finished_) return;
  const Clock::time_point now = Clock::now();
  const double since_draw = Seconds(now - last_draw_);
  const bool last = done_ == total_;
  if (!force && !last) {
    const double interval =
        style_ == ProgressOptions::Style::kBar ? 0.1 : options_.line_interval_s;
    if (since_draw < interval) return;
  }
  if (!force && last && style_ == ProgressOptions::Style::kLines &&
      done_ == 0) {
    return;
  }
  last_draw_ = now;

  const double elapsed = Seconds(now - start_);
  const double rate = elapsed > 0 ? done_ / elapsed : 0;
  const double eta = rate > 0 ? (total_ - done_) / rate : NAN;
  char stats[160];
  std::snprintf(
      stats, sizeof stats, "%lld/%lld %s · %lld faces%s · %.1f/s · ETA %s",
      static_cast<long long>(done_), static_cast<long long>(total_),
      options_.unit.c_str(), static_cast<long long>(faces_),
      failed_ > 0 ? (" · " + std::to_string(failed_) + " failed").c_str() : "",
      rate, FormatDuration(eta).c_str());
  // With one item the file count says nothing the detail does not.
  std::string line;
  if (detail_.empty()) {
    line = stats;
  } else if (total_ == 1) {
    line = detail_;
  } else {
    line = std::string(stats) + " | " + detail_;
  }
  if (style_ == ProgressOptions::Style::kBar) {
    constexpr int kWidth = 24;
    const double frac =
        total_ > 0
            ? std::clamp((done_ + std::max(0.0, detail_fraction_)) / total_,
                         0.0, 1.0)
            : 1.0;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(filled, '#');
    bar.append(kWidth - filled, '.');
    std::fprintf(options_.out, "\r\033[K[%s] %3d%% %s", bar.c_str(),
                 static_cast<int>(frac * 100), line.c_str());
  } else {
    std::fprintf(options_.out, "progress: %s\n", line.c_str());
  }
  std::fflush(options_.out);
}

}  // namespace faceveil
