// RunDetector() with a fake detector on real photos: ordering, errors,
// threads and timing, independent of the models.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

#include "detect/load_once.h"
#include "faceveil/eval.h"

namespace faceveil::eval {
namespace {

// Reports one face covering the image's top-left quarter.
class FakeDetector : public Detector {
 public:
  Result<std::vector<Face>> Detect(const cv::Mat& image,
                                   const DetectOptions& call) const override {
    ++calls_;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      thresholds_.push_back(call.score_threshold);
    }
    Face face;
    face.box = Box{0, 0, image.cols / 2.0f, image.rows / 2.0f};
    face.score = 0.9f;
    return std::vector<Face>{face};
  }
  const DetectorOptions& options() const override { return options_; }
  int calls() const { return calls_; }
  // The score_threshold of every call so far.
  std::vector<std::optional<float>> thresholds() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return thresholds_;
  }
  DetectorOptions options_;

 private:
  mutable std::atomic<int> calls_{0};
  mutable std::mutex mutex_;
  mutable std::vector<std::optional<float>> thresholds_;
};

GroundTruth PhotosAndAMissingFile() {
  GroundTruth gt;
  gt.images.push_back(GtImage{"messi5.jpg", {}});
  gt.images.push_back(GtImage{"no-such-image.jpg", {}});
  gt.images.push_back(GtImage{"astronaut.png", {}});
  return gt;
}

TEST(RunDetector, KeepsGroundTruthOrderAndRecordsErrors) {
  if (!std::filesystem::exists(FACEVEIL_TESTDATA_DIR "/messi5.jpg")) {
    GTEST_SKIP() << "test photos absent: run scripts/fetch-testdata.sh";
  }
  for (int threads : {1, 3}) {
    FakeDetector detector;
    RunOptions options;
    options.images_dir = FACEVEIL_TESTDATA_DIR;
    options.threads = threads;
    std::mutex mutex;
    std::vector<size_t> progress;
    options.progress = [&](size_t done, size_t total) {
      std::lock_guard<std::mutex> lock(mutex);
      EXPECT_EQ(total, 3u);
      progress.push_back(done);
    };
    Result<RunResult> run =
        RunDetector(detector, PhotosAndAMissingFile(), options);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    ASSERT_EQ(run->images.size(), 3u);
    EXPECT_EQ(detector.calls(), 2);
    EXPECT_EQ(progress, (std::vector<size_t>{1, 2, 3}));
    EXPECT_GE(run->wall_seconds, 0);

    const ImageDetections& messi = run->images[0];
    EXPECT_EQ(messi.file, "messi5.jpg");
    EXPECT_TRUE(messi.error.empty()) << messi.error;
    ASSERT_EQ(messi.faces.size(), 1u);
    EXPECT_FLOAT_EQ(messi.faces[0].box.w, 548 / 2.0f);
    EXPECT_GE(messi.ms, 0);

    EXPECT_FALSE(run->images[1].error.empty());
    EXPECT_TRUE(run->images[1].faces.empty());

    ASSERT_EQ(run->images[2].faces.size(), 1u);
    EXPECT_FLOAT_EQ(run->images[2].faces[0].box.h, 512 / 2.0f);
  }
}

// Issue 13: `faceveil eval` made a Detector (loading every network) for
// each run; runs at several thresholds now share one, the threshold going
// with each call.
TEST(RunDetector, EveryCallBringsTheRunsOptions) {
  if (!std::filesystem::exists(FACEVEIL_TESTDATA_DIR "/messi5.jpg")) {
    GTEST_SKIP() << "test photos absent: run scripts/fetch-testdata.sh";
  }
  FakeDetector detector;
  detector.options_.score_threshold = 0.7f;
  RunOptions options;
  options.images_dir = FACEVEIL_TESTDATA_DIR;
  options.threads = 2;
  ASSERT_TRUE(RunDetector(detector, PhotosAndAMissingFile(), options).ok());
  options.detect = detector.options();
  options.detect->score_threshold = 0.25f;
  ASSERT_TRUE(RunDetector(detector, PhotosAndAMissingFile(), options).ok());
  EXPECT_EQ(detector.thresholds(),
            (std::vector<std::optional<float>>{0.7f, 0.7f, 0.25f, 0.25f}));
}

TEST(RunDetector, RunsAtSeveralThresholdsShareOneDetector) {
  if (!std::filesystem::exists(FACEVEIL_TESTDATA_DIR "/messi5.jpg")) {
    GTEST_SKIP() << "test photos absent: run scripts/fetch-testdata.sh";
  }
  DetectorOptions o;
  o.models = DetectorModels::kBlazeFace;  // quick to load and run
  o.score_threshold = 0.1f;
  auto dedicated = Detector::Create(o);
  ASSERT_TRUE(dedicated.ok()) << dedicated.status().ToString();
  o.score_threshold.reset();
  auto shared = Detector::Create(o);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  RunOptions options;
  options.images_dir = FACEVEIL_TESTDATA_DIR;
  const int64_t loads = NetworkLoads();
  Result<RunResult> own =
      RunDetector(**dedicated, PhotosAndAMissingFile(), options);
  options.detect = (*shared)->options();
  Result<RunResult> at_default =
      RunDetector(**shared, PhotosAndAMissingFile(), options);
  options.detect->score_threshold = 0.1f;
  Result<RunResult> at_low =
      RunDetector(**shared, PhotosAndAMissingFile(), options);
  ASSERT_TRUE(own.ok() && at_default.ok() && at_low.ok());
  EXPECT_EQ(NetworkLoads(), loads);
  // The low threshold finds what a detector built for it finds, and more
  // than the default one on messi5.jpg's crowd.
  for (size_t i = 0; i < own->images.size(); ++i) {
    const std::vector<Face>& a = own->images[i].faces;
    const std::vector<Face>& b = at_low->images[i].faces;
    ASSERT_EQ(a.size(), b.size()) << own->images[i].file;
    for (size_t j = 0; j < a.size(); ++j) {
      EXPECT_FLOAT_EQ(a[j].box.x, b[j].box.x);
      EXPECT_FLOAT_EQ(a[j].score, b[j].score);
    }
  }
  EXPECT_GT(at_low->images[0].faces.size(), at_default->images[0].faces.size());
}

TEST(RunDetector, RejectsAMissingImageDirectory) {
  FakeDetector detector;
  RunOptions options;
  options.images_dir = "/nonexistent/faceveil/images";
  EXPECT_FALSE(RunDetector(detector, PhotosAndAMissingFile(), options).ok());
  EXPECT_EQ(detector.calls(), 0);
}

}  // namespace
}  // namespace faceveil::eval
