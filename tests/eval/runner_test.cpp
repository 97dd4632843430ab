// RunDetector() with a fake detector on real photos: ordering, errors,
// threads and timing, independent of the models.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <vector>

#include "faceveil/eval.h"

namespace faceveil::eval {
namespace {

// Reports one face covering the image's top-left quarter.
class FakeDetector : public Detector {
 public:
  Result<std::vector<Face>> Detect(const cv::Mat& image,
                                   const DetectOptions&) const override {
    ++calls_;
    Face face;
    face.box = Box{0, 0, image.cols / 2.0f, image.rows / 2.0f};
    face.score = 0.9f;
    return std::vector<Face>{face};
  }
  const DetectorOptions& options() const override { return options_; }
  int calls() const { return calls_; }

 private:
  DetectorOptions options_;
  mutable std::atomic<int> calls_{0};
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

TEST(RunDetector, RejectsAMissingImageDirectory) {
  FakeDetector detector;
  RunOptions options;
  options.images_dir = "/nonexistent/faceveil/images";
  EXPECT_FALSE(RunDetector(detector, PhotosAndAMissingFile(), options).ok());
  EXPECT_EQ(detector.calls(), 0);
}

}  // namespace
}  // namespace faceveil::eval
