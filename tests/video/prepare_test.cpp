// TranscodeVideo's prepare stage: FrameProcessor::Prepare() on worker
// threads, ahead of and out of order with the in-order Process(); and the
// frame totals progress reports.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <opencv2/core.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "faceveil/video.h"
#include "video/clip_test.h"

namespace faceveil {
namespace {

namespace fs = std::filesystem;

// Records what Prepare() and Process() saw. Prepare() sleeps on some frames
// so that workers finish out of order.
class RecordingProcessor : public FrameProcessor {
 public:
  Status Prepare(const cv::Mat& bgr, int64_t index, double) override {
    const int now = ++in_prepare_;
    int peak = peak_in_prepare_.load();
    while (now > peak && !peak_in_prepare_.compare_exchange_weak(peak, now)) {
    }
    if (index % 3 == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      prepared_.insert(index);
      prepare_order_.push_back(index);
      max_ahead_ = std::max(max_ahead_, index - processed_);
      // What Process() will check: the pixels it gets are those prepared.
      means_[index] = cv::mean(bgr)[0];
    }
    --in_prepare_;
    return Status::Ok();
  }

  Status Process(cv::Mat& bgr, int64_t index, double) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (prepared_.count(index) == 0) {
      return Status::Internal("frame " + std::to_string(index) +
                              " processed before it was prepared");
    }
    if (means_[index] != cv::mean(bgr)[0]) {
      return Status::Internal("frame pixels changed between the stages");
    }
    order_.push_back(index);
    processed_ = index + 1;
    return Status::Ok();
  }

  std::mutex mu_;
  std::set<int64_t> prepared_;
  std::vector<int64_t> prepare_order_;
  std::vector<int64_t> order_;
  std::map<int64_t, double> means_;
  int64_t processed_ = 0;
  int64_t max_ahead_ = 0;
  std::atomic<int> in_prepare_{0};
  std::atomic<int> peak_in_prepare_{0};
};

class PrepareStageTest : public faceveil::testing::ClipTest {};

TEST_F(PrepareStageTest, WorkersPrepareAheadAndProcessStaysInOrder) {
  VideoOptions options;
  options.prepare_threads = 3;
  options.lookahead_frames = 6;
  RecordingProcessor recorder;
  auto stats =
      TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), options, recorder);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->frames, 50);
  EXPECT_EQ(recorder.prepared_.size(), 50u);
  ASSERT_EQ(recorder.order_.size(), 50u);
  for (int64_t i = 0; i < 50; ++i) EXPECT_EQ(recorder.order_[i], i);
  // Several frames were prepared at once, and not in order (frames 0, 3,
  // 6, ... take longer), but never further ahead than the window allows.
  EXPECT_GE(recorder.peak_in_prepare_.load(), 2);
  EXPECT_NE(recorder.prepare_order_, recorder.order_);
  EXPECT_LE(recorder.max_ahead_, options.lookahead_frames);
  EXPECT_GT(stats->output_bytes, 0);
  EXPECT_EQ(stats->output_bytes,
            static_cast<int64_t>(fs::file_size(Out("out.mp4"))));
}

// Asks for `ahead` frames past each one prepared before it is processed,
// and checks that it got them.
class LookingAheadProcessor : public RecordingProcessor {
 public:
  explicit LookingAheadProcessor(int ahead) : ahead_(ahead) {}
  int PreparedAhead() const override { return ahead_; }
  Status Process(cv::Mat& bgr, int64_t index, double t) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      int64_t seen = 0;  // frames index+1 .. index+ahead_ already prepared
      while (seen < ahead_ && prepared_.count(index + 1 + seen) > 0) ++seen;
      seen_at_[index] = seen;
    }
    return RecordingProcessor::Process(bgr, index, t);
  }
  const int ahead_;
  std::map<int64_t, int64_t> seen_at_;
};

TEST_F(PrepareStageTest, ProcessSeesTheFramesItAsksToSeeAhead) {
  VideoOptions options;
  options.prepare_threads = 2;
  options.lookahead_frames = 8;
  LookingAheadProcessor looker(5);
  auto stats = TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), options, looker);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(looker.order_.size(), 50u);
  // Every frame saw its next 5 prepared, except the last 5, which saw every
  // frame there was after them (the end of the input does not hang).
  for (int64_t i = 0; i < 50; ++i) {
    EXPECT_EQ(looker.seen_at_[i], std::min<int64_t>(5, 49 - i)) << i;
  }
}

TEST_F(PrepareStageTest, LookAheadBeyondTheWindowIsCappedNotAHang) {
  VideoOptions options;
  options.prepare_threads = 2;
  options.lookahead_frames = 3;  // at most 2 frames ahead can ever be ready
  LookingAheadProcessor looker(10);
  auto stats = TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), options, looker);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(looker.order_.size(), 50u);
  for (int64_t i = 0; i < 48; ++i) EXPECT_GE(looker.seen_at_[i], 2) << i;
}

TEST_F(PrepareStageTest, WithoutWorkersPrepareRunsJustBeforeProcess) {
  RecordingProcessor recorder;
  auto stats = TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), {}, recorder);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(recorder.prepare_order_, recorder.order_);
  EXPECT_EQ(recorder.peak_in_prepare_.load(), 1);
  EXPECT_EQ(recorder.max_ahead_, 0);
}

TEST_F(PrepareStageTest, PrepareErrorStopsTheTranscodeAndLeavesNoOutput) {
  class Failing : public FrameProcessor {
   public:
    Status Prepare(const cv::Mat&, int64_t index, double) override {
      return index == 7 ? Status::Internal("detector exploded") : Status::Ok();
    }
    Status Process(cv::Mat&, int64_t, double) override { return Status::Ok(); }
  };
  for (int threads : {0, 2}) {
    SCOPED_TRACE("prepare_threads " + std::to_string(threads));
    VideoOptions options;
    options.prepare_threads = threads;
    Failing failing;
    auto result =
        TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), options, failing);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), Status::Code::kInternal);
    EXPECT_NE(result.status().message().find("preparing frame 7"),
              std::string::npos)
        << result.status().ToString();
    EXPECT_FALSE(fs::exists(Out("out.mp4")));
    EXPECT_TRUE(fs::is_empty(dir_));
  }
}

TEST_F(PrepareStageTest, CancellingWithWorkersEndsPromptly) {
  VideoOptions options;
  options.prepare_threads = 2;
  RecordingProcessor recorder;
  auto result =
      TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), options, recorder,
                     [](const VideoProgress& p) { return p.frames_done < 4; });
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("cancelled"), std::string::npos);
  EXPECT_EQ(recorder.order_.size(), 4u);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(PrepareStageTest, BadWorkerSettingsAreRefused) {
  RecordingProcessor recorder;
  VideoOptions options;
  options.prepare_threads = -1;
  EXPECT_EQ(TranscodeVideo(Clip("pan.mp4"), Out("a.mp4"), options, recorder)
                .status()
                .code(),
            Status::Code::kInvalidArgument);
  options.prepare_threads = 1;
  options.lookahead_frames = 0;
  EXPECT_EQ(TranscodeVideo(Clip("pan.mp4"), Out("a.mp4"), options, recorder)
                .status()
                .code(),
            Status::Code::kInvalidArgument);
}

TEST_F(PrepareStageTest, ProgressKnowsTheFrameTotal) {
  // MP4 stores the frame count: exact. Matroska does not: estimated from
  // the duration and the average frame rate.
  struct Case {
    const char* clip;
    const char* out;
    bool estimated;
  };
  for (const Case& c :
       {Case{"pan.mp4", "a.mp4", false}, Case{"small.webm", "b.webm", true}}) {
    SCOPED_TRACE(c.clip);
    RecordingProcessor recorder;
    VideoProgress last;
    int64_t first_total = -1;
    auto stats = TranscodeVideo(Clip(c.clip), Out(c.out), {}, recorder,
                                [&](const VideoProgress& p) {
                                  if (first_total < 0) {
                                    first_total = p.frames_total;
                                  }
                                  last = p;
                                  return true;
                                });
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(last.frames_done, stats->frames);
    EXPECT_EQ(last.frames_total_estimated, c.estimated);
    if (c.estimated) {
      EXPECT_NEAR(static_cast<double>(first_total),
                  static_cast<double>(stats->frames), 2.0);
    } else {
      EXPECT_EQ(first_total, stats->frames);
    }
  }
}

}  // namespace
}  // namespace faceveil
