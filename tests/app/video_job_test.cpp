// A video through the whole pipeline: every face seen in an input frame must
// be anonymized in that output frame, also when detection runs only on every
// third frame and tracking fills the gaps.
#include "app/video_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "detect/load_once.h"

namespace faceveil {
namespace {

namespace fs = std::filesystem;

std::vector<cv::Mat> ReadFrames(const std::string& path) {
  std::vector<cv::Mat> frames;
  cv::VideoCapture capture(path, cv::CAP_FFMPEG);
  cv::Mat frame;
  while (capture.read(frame)) frames.push_back(frame.clone());
  return frames;
}

double Detail(const cv::Mat& bgr) {
  cv::Mat gray, lap;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::Laplacian(gray, lap, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  return stddev[0] * stddev[0];
}

class VideoJobTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clips_made_ = std::system("bash '" FACEVEIL_SOURCE_DIR
                              "/scripts/make-test-clips.sh' >&2") == 0;
    // What `faceveil anonymize` uses for videos: CrowdNet alone in the
    // fast mode on key frames (BatchOptions::video_models, video_mode).
    PipelineOptions options;
    options.detector.models = DetectorModels::kCrowdNet;
    options.detector.mode = DetectionMode::kFast;
    auto p = Pipeline::Create(options);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    pipeline_ = std::move(p).value().release();
  }
  static void TearDownTestSuite() { delete pipeline_; }
  void SetUp() override {
    ASSERT_TRUE(clips_made_) << "scripts/make-test-clips.sh failed; it needs "
                                "the ffmpeg CLI (scripts/setup.sh --test)";
    dir_ = fs::temp_directory_path() /
           ("faceveil_videojob_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static inline bool clips_made_ = false;
  static inline Pipeline* pipeline_ = nullptr;
  fs::path dir_;
};

TEST_F(VideoJobTest, EveryFaceSeenIsAnonymizedInItsFrame) {
  const std::string input =
      std::string(FACEVEIL_TESTDATA_DIR) + "/clips/v2/pan.mp4";
  const std::vector<cv::Mat> in = ReadFrames(input);
  ASSERT_GT(in.size(), 20u);
  // Where the detector sees the face in the input (the clip pans and zooms
  // over a portrait; in some frames the face is cut by the frame edge).
  std::vector<std::vector<Face>> seen;
  int frames_with_face = 0;
  for (const cv::Mat& frame : in) {
    auto faces = pipeline_->detector().Detect(frame);
    ASSERT_TRUE(faces.ok());
    frames_with_face += faces->empty() ? 0 : 1;
    seen.push_back(*faces);
  }
  ASSERT_GE(frames_with_face, 10);

  // 0: the video defaults (key frames every kDefaultVideoDetectEvery, the
  // quick pass between them, detection on worker threads).
  for (int detect_every : {1, 3, 0}) {
    SCOPED_TRACE("detect_every " + std::to_string(detect_every));
    const std::string output =
        (dir_ / ("every" + std::to_string(detect_every) + ".mp4")).string();
    VideoJobOptions options;
    options.detect_every = detect_every;
    auto result = AnonymizeVideoFile(*pipeline_, input, output, options, {});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->stats.frames, static_cast<int64_t>(in.size()));
    EXPECT_EQ(result->detect_every,
              detect_every == 0 ? kDefaultVideoDetectEvery : detect_every);
    EXPECT_GE(result->tracks, 1);
    const std::vector<cv::Mat> out = ReadFrames(output);
    ASSERT_EQ(out.size(), in.size());
    int anonymized = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      if (seen[i].empty()) continue;
      const Box& b = seen[i][0].box;
      const cv::Rect face = cv::Rect(int(b.x), int(b.y), int(b.w), int(b.h)) &
                            cv::Rect(0, 0, in[i].cols, in[i].rows);
      // The face area lost its detail: the variance of the Laplacian (fine
      // edges) falls far below the input's.
      if (Detail(out[i](face)) < 0.2 * Detail(in[i](face))) ++anonymized;
    }
    // The share of frames with a visible face in which it is hidden: 100%.
    EXPECT_EQ(anonymized, frames_with_face);
  }
}

TEST_F(VideoJobTest, WithoutTheQuickPassTrackingAloneFillsTheGaps) {
  const std::string input =
      std::string(FACEVEIL_TESTDATA_DIR) + "/clips/v2/pan.mp4";
  VideoJobOptions options;
  options.detect_every = 5;
  options.detect_between = false;
  options.detect_threads = 1;
  int64_t last_total = 0;
  auto result =
      AnonymizeVideoFile(*pipeline_, input, (dir_ / "out.mp4").string(),
                         options, [&](const VideoProgress& p) {
                           last_total = p.frames_total;
                           return true;
                         });
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->stats.frames, 50);
  EXPECT_EQ(last_total, 50);
  EXPECT_EQ(result->detect_every, 5);
  // The face is in most frames; tracks are held across the 4 frames
  // without detection, so the frames covered are far more than the 10 key
  // frames.
  EXPECT_GT(result->frames_with_faces, 30);
  EXPECT_GT(result->seconds, 0);

  options.detect_every = -1;
  EXPECT_EQ(AnonymizeVideoFile(*pipeline_, input, (dir_ / "bad.mp4").string(),
                               options, {})
                .status()
                .code(),
            Status::Code::kInvalidArgument);
}

// A face that appears between two key frames is hidden from its first
// frame: the frames before a key frame already know its faces (look-ahead),
// with no detection of their own.
TEST_F(VideoJobTest, AFaceAppearingBetweenKeyFramesIsHiddenAtOnce) {
  // 50 frames of pan.mp4's timing: flat grey up to frame 5, then a still
  // portrait from frame 6 on. Key frames every 4: 0, 4, 8, ...; the first
  // one to see the face is frame 8.
  const std::string input = (dir_ / "appears.mp4").string();
  const cv::Mat portrait =
      cv::imread(std::string(FACEVEIL_TESTDATA_DIR) + "/astronaut.png");
  ASSERT_FALSE(portrait.empty());
  FrameFunction paint([&](cv::Mat& bgr, int64_t i, double) {
    if (i < 6) {
      bgr.setTo(cv::Scalar::all(128));
    } else {
      cv::resize(portrait, bgr, bgr.size());
    }
    return Status::Ok();
  });
  VideoOptions make;
  make.crf = 12;
  ASSERT_TRUE(
      TranscodeVideo(std::string(FACEVEIL_TESTDATA_DIR) + "/clips/v2/pan.mp4",
                     input, make, paint)
          .ok());
  const std::vector<cv::Mat> in = ReadFrames(input);
  ASSERT_EQ(in.size(), 50u);
  auto faces = pipeline_->detector().Detect(in[8]);
  ASSERT_TRUE(faces.ok());
  ASSERT_FALSE(faces->empty());
  const Box& b = (*faces)[0].box;
  const cv::Rect face = cv::Rect(int(b.x), int(b.y), int(b.w), int(b.h)) &
                        cv::Rect(0, 0, in[8].cols, in[8].rows);

  VideoJobOptions options;
  options.detect_every = 4;
  ASSERT_FALSE(options.detect_between);  // the default: no pass between
  ASSERT_TRUE(options.look_ahead);
  auto hidden_in = [&](const std::string& name) {
    const std::string output = (dir_ / name).string();
    auto result = AnonymizeVideoFile(*pipeline_, input, output, options, {});
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    const std::vector<cv::Mat> out = ReadFrames(output);
    std::vector<int> hidden;
    for (int i = 6; i < 12 && i < static_cast<int>(out.size()); ++i) {
      if (Detail(out[i](face)) < 0.2 * Detail(in[i](face))) hidden.push_back(i);
    }
    return hidden;
  };
  EXPECT_EQ(hidden_in("ahead.mp4"), (std::vector<int>{6, 7, 8, 9, 10, 11}));
  // Without look-ahead (and no pass between) frames 6 and 7 show the face:
  // the tracker only starts at key frame 8.
  options.look_ahead = false;
  EXPECT_EQ(hidden_in("behind.mp4"), (std::vector<int>{8, 9, 10, 11}));
}

// Issue 13: the between-frames pass built a Detector (loading BlazeFace
// again) for every video. Now key frames and the frames between run on the
// pipeline's networks, with the video's own options when it has them.
TEST_F(VideoJobTest, RunsOnThePipelinesNetworksWithTheVideosOptions) {
  const std::string input =
      std::string(FACEVEIL_TESTDATA_DIR) + "/clips/v2/pan.mp4";
  const int64_t loads = NetworkLoads();
  VideoJobOptions options;
  options.detect_every = 3;
  options.detect_between = true;  // key frames and the quick pass between
  // The single mode on key frames too, for this video only: the face fills
  // much of the frame, and the test stays quick.
  options.call = pipeline_->options();
  options.call->detector.mode = DetectionMode::kSingle;
  auto found = AnonymizeVideoFile(*pipeline_, input,
                                  (dir_ / "found.mp4").string(), options, {});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_GT(found->frames_with_faces, 30);
  // A threshold no face reaches, for this video only: nothing is found on
  // key frames or between them.
  options.call->detector.score_threshold = 1.0f;
  auto none = AnonymizeVideoFile(*pipeline_, input,
                                 (dir_ / "none.mp4").string(), options, {});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->frames_with_faces, 0);
  EXPECT_EQ(NetworkLoads(), loads) << "a video loaded a network again";
  // What the pipeline did not load cannot be asked for.
  options.call = pipeline_->options();
  options.call->detector.model = ModelKind::kShortRange;
  EXPECT_EQ(AnonymizeVideoFile(*pipeline_, input, (dir_ / "other.mp4").string(),
                               options, {})
                .status()
                .code(),
            Status::Code::kInvalidArgument);
}

TEST(VideoSummaryTest, SaysFramesSpeedFacesStreamsAndSize) {
  VideoJobResult r;
  r.stats.frames = 450;
  r.stats.duration_s = 15.0;
  r.stats.streams_copied = 1;
  r.stats.output_bytes = 12'340'000;
  r.seconds = 15.0;
  r.tracks = 3;
  r.max_faces_in_frame = 2;
  r.frames_with_faces = 420;
  EXPECT_EQ(FormatVideoSummary("clip.mp4", r),
            "clip.mp4: 450 frames (0:15 of video) in 0:15, 30.0 fps; 3 faces "
            "followed, up to 2 at once, in 420 frames; 1 stream copied; "
            "12.3 MB written");
  r.tracks = 1;
  r.stats.streams_copied = 2;
  r.seconds = 0;
  EXPECT_EQ(FormatVideoSummary("a.mkv", r),
            "a.mkv: 450 frames (0:15 of video) in 0:00, 0.0 fps; 1 face "
            "followed, up to 2 at once, in 420 frames; 2 streams copied; "
            "12.3 MB written");
  // With --keep-person / --hide-person: how many tracks were left visible,
  // none included.
  r.people = true;
  EXPECT_NE(FormatVideoSummary("a.mkv", r)
                .find("1 face followed (none left "
                      "visible), up to 2"),
            std::string::npos);
  r.tracks_visible = 1;
  EXPECT_NE(FormatVideoSummary("a.mkv", r).find("(1 left visible)"),
            std::string::npos);
}

// Issue 13: on the default video path (BlazeFace, balanced, no --threshold)
// the between-frames pass kept balanced's 0.38 instead of the single mode's
// 0.5, because the threshold was fixed before the mode changed.
TEST(BetweenFramesTest, UnsetThresholdTakesTheSingleModesOwnForTheModels) {
  for (DetectorModels models :
       {DetectorModels::kBlazeFace, DetectorModels::kEnsemble,
        DetectorModels::kSsd, DetectorModels::kCrowdNet}) {
    for (DetectionMode mode : {DetectionMode::kFast, DetectionMode::kBalanced,
                               DetectionMode::kThorough}) {
      DetectorOptions full;
      full.models = models;
      full.mode = mode;
      const DetectOptions between = BetweenFramesDetectorOptions(full);
      EXPECT_EQ(between.mode, DetectionMode::kSingle);
      EXPECT_EQ(between.models, models);
      EXPECT_FLOAT_EQ(ScoreThreshold(between),
                      DefaultScoreThreshold(DetectionMode::kSingle, models))
          << DetectorModelsName(models) << " " << DetectionModeName(mode);
    }
  }
  DetectorOptions blazeface;
  blazeface.models = DetectorModels::kBlazeFace;
  EXPECT_FLOAT_EQ(ScoreThreshold(BetweenFramesDetectorOptions(blazeface)),
                  0.5f);
}

TEST(BetweenFramesTest, AChosenThresholdIsKeptEvenWhenItIsTheModesDefault) {
  DetectorOptions full;
  full.models = DetectorModels::kBlazeFace;
  full.score_threshold = DefaultScoreThreshold(full.mode, full.models);
  EXPECT_FLOAT_EQ(ScoreThreshold(BetweenFramesDetectorOptions(full)),
                  *full.score_threshold);
  full.score_threshold = 0.7f;
  EXPECT_FLOAT_EQ(ScoreThreshold(BetweenFramesDetectorOptions(full)), 0.7f);
}

}  // namespace
}  // namespace faceveil
