#include "video/tracker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace faceveil::video {
namespace {

constexpr double kFps = 25;

Face MakeFace(float cx, float cy, float size) {
  Face f;
  f.box = Box{cx - size / 2, cy - size / 2, size, size};
  f.score = 0.9f;
  f.keypoints[static_cast<int>(Keypoint::kNoseTip)] = Point{cx, cy};
  return f;
}

// Fraction of `truth` covered by the union of `boxes` (sampled on a grid).
double Coverage(const Box& truth, const std::vector<Face>& faces) {
  int inside = 0, total = 0;
  for (float y = truth.y + 0.5f; y < truth.y + truth.h; y += 1.0f) {
    for (float x = truth.x + 0.5f; x < truth.x + truth.w; x += 1.0f) {
      ++total;
      for (const Face& f : faces) {
        if (x >= f.box.x && x < f.box.x + f.box.w && y >= f.box.y &&
            y < f.box.y + f.box.h) {
          ++inside;
          break;
        }
      }
    }
  }
  return total ? static_cast<double>(inside) / total : 0.0;
}

// The id of the track whose box centre is nearest (x, y).
int NearestTrackId(const FaceTracker& tracker, float x, float y) {
  int id = -1;
  float best = 1e30f;
  for (const Track& t : tracker.tracks()) {
    float d = std::hypot(t.face.box.cx() - x, t.face.box.cy() - y);
    if (d < best) {
      best = d;
      id = t.id;
    }
  }
  return id;
}

TEST(FaceTrackerTest, FaceMissedForThreeFramesStaysCovered) {
  FaceTracker tracker({});
  const float speed = 8;  // pixels per frame, a brisk walk across 640 px
  for (int i = 0; i < 20; ++i) {
    Face truth = MakeFace(100 + speed * i, 200, 80);
    const bool missed = i >= 12 && i <= 14;
    std::vector<Face> detections;
    if (!missed) detections.push_back(truth);
    auto cover = tracker.Update(i / kFps, &detections);
    ASSERT_EQ(cover.size(), 1u) << "frame " << i;
    EXPECT_GE(Coverage(truth.box, cover), 0.97) << "frame " << i;
    EXPECT_EQ(tracker.tracks()[0].coasting, missed) << "frame " << i;
  }
  EXPECT_EQ(tracker.tracks().size(), 1u);
  EXPECT_EQ(tracker.tracks()[0].id, 1);
}

TEST(FaceTrackerTest, DetectedBoxIsNeverSmallerThanTheDetection) {
  FaceTracker tracker({});
  for (int i = 0; i < 10; ++i) {
    // Jumps back and forth: smoothing lags, the union must not.
    Face truth = MakeFace(i % 2 ? 300 : 320, 200, 60);
    std::vector<Face> detections = {truth};
    auto cover = tracker.Update(i / kFps, &detections);
    ASSERT_EQ(cover.size(), 1u);
    EXPECT_DOUBLE_EQ(Coverage(truth.box, cover), 1.0) << "frame " << i;
  }
}

TEST(FaceTrackerTest, CrossingFacesKeepSeparateTracks) {
  FaceTracker tracker({});
  int id_a = -1, id_b = -1;
  for (int i = 0; i <= 40; ++i) {
    // A walks right, B walks left, slightly lower; they cross at frame 20.
    float ax = 100 + 10 * i, bx = 500 - 10 * i;
    std::vector<Face> detections = {MakeFace(ax, 200, 70),
                                    MakeFace(bx, 215, 70)};
    if (i % 2) std::swap(detections[0], detections[1]);  // order is no clue
    tracker.Update(i / kFps, &detections);
    ASSERT_EQ(tracker.tracks().size(), 2u) << "frame " << i;
    int a = NearestTrackId(tracker, ax, 200);
    int b = NearestTrackId(tracker, bx, 215);
    if (i == 0) {
      id_a = a;
      id_b = b;
      ASSERT_NE(id_a, id_b);
    } else if (i != 20) {  // at the crossing both are equally near
      EXPECT_EQ(a, id_a) << "frame " << i;
      EXPECT_EQ(b, id_b) << "frame " << i;
    }
  }
}

TEST(FaceTrackerTest, TrackDiesAfterHoldTime) {
  TrackerOptions options;
  options.hold_s = 0.5;
  FaceTracker tracker(options);
  std::vector<Face> one = {MakeFace(200, 200, 80)}, none;
  tracker.Update(0.0, &one);
  tracker.Update(0.04, &one);
  // Last detection at 0.04 s: held through 0.54 s, gone after.
  for (int i = 2; i <= 13; ++i) {  // up to 0.52 s
    EXPECT_EQ(tracker.Update(i / kFps, &none).size(), 1u) << "frame " << i;
  }
  EXPECT_TRUE(tracker.Update(14 / kFps, &none).empty());  // 0.56 s
  EXPECT_TRUE(tracker.tracks().empty());
}

TEST(FaceTrackerTest, CoastingBoxGrows) {
  FaceTracker tracker({});
  std::vector<Face> one = {MakeFace(200, 200, 80)}, none;
  tracker.Update(0.0, &one);
  tracker.Update(0.04, &one);
  float previous = tracker.Update(0.08, &none)[0].box.w;
  for (int i = 3; i < 10; ++i) {
    float w = tracker.Update(i / kFps, &none)[0].box.w;
    EXPECT_GT(w, previous) << "frame " << i;
    previous = w;
  }
}

TEST(FaceTrackerTest, DetectEveryNPredictsBetweenDetections) {
  TrackerOptions options;
  options.detect_every = 3;
  FaceTracker tracker(options);
  int detections_run = 0;
  const float speed = 6;
  for (int i = 0; i < 30; ++i) {
    Face truth = MakeFace(100 + speed * i, 150, 90);
    std::vector<Face> detections = {truth};
    const bool detect = tracker.WantsDetection(i);
    EXPECT_EQ(detect, i % 3 == 0);
    if (detect) ++detections_run;
    auto cover = tracker.Update(i / kFps, detect ? &detections : nullptr);
    ASSERT_EQ(cover.size(), 1u) << "frame " << i;
    EXPECT_EQ(tracker.tracks()[0].coasting, !detect);
    if (i >= 6) {  // once the velocity has settled
      EXPECT_GE(Coverage(truth.box, cover), 0.97) << "frame " << i;
    }
  }
  EXPECT_EQ(detections_run, 10);
  EXPECT_EQ(tracker.tracks()[0].detections, 10);
}

TEST(FaceTrackerTest, NewFaceStartsNewTrackAndKeypointsFollow) {
  FaceTracker tracker({});
  std::vector<Face> one = {MakeFace(100, 100, 50)};
  tracker.Update(0.0, &one);
  std::vector<Face> two = {MakeFace(102, 100, 50), MakeFace(400, 300, 60)};
  auto cover = tracker.Update(0.04, &two);
  ASSERT_EQ(cover.size(), 2u);
  ASSERT_EQ(tracker.tracks().size(), 2u);
  EXPECT_EQ(tracker.tracks()[0].id, 1);
  EXPECT_EQ(tracker.tracks()[1].id, 2);
  // The nose keypoint stays at the box centre as the box moves.
  for (const Face& f : cover) {
    const Point& nose = f.keypoints[static_cast<int>(Keypoint::kNoseTip)];
    EXPECT_NEAR(nose.x, f.box.cx(), f.box.w * 0.1f);
    EXPECT_NEAR(nose.y, f.box.cy(), f.box.h * 0.1f);
  }
}

TEST(FaceTrackerTest, TimeGoingBackwardsIsNoTimeAndResetForgets) {
  FaceTracker tracker({});
  std::vector<Face> one = {MakeFace(100, 100, 50)}, none;
  tracker.Update(1.0, &one);
  EXPECT_EQ(tracker.Update(0.5, &none).size(), 1u);
  tracker.Reset();
  EXPECT_TRUE(tracker.Update(1.04, &none).empty());
}

// The video job hands each track the identity evidence of the detection
// that joined it (per-track keep/hide decisions), so the index must name
// that detection, in any order of the detections, and -1 between them.
TEST(FaceTrackerTest, EachTrackNamesTheDetectionThatJoinedIt) {
  FaceTracker tracker({});
  std::vector<Face> first = {MakeFace(100, 100, 50), MakeFace(400, 300, 60)};
  tracker.Update(0.0, &first);
  ASSERT_EQ(tracker.tracks().size(), 2u);
  EXPECT_EQ(tracker.tracks()[0].detection, 0);
  EXPECT_EQ(tracker.tracks()[1].detection, 1);
  // The same faces listed the other way round, and a new one.
  std::vector<Face> swapped = {MakeFace(402, 300, 60), MakeFace(700, 100, 40),
                               MakeFace(101, 100, 50)};
  tracker.Update(0.04, &swapped);
  ASSERT_EQ(tracker.tracks().size(), 3u);
  for (const Track& t : tracker.tracks()) {
    ASSERT_GE(t.detection, 0);
    const Box& joined = swapped[t.detection].box;
    EXPECT_NEAR(joined.cx(), t.face.box.cx(), 5) << "track " << t.id;
  }
  EXPECT_EQ(tracker.tracks()[0].detection, 2);  // track 1: the face at 100
  EXPECT_EQ(tracker.tracks()[1].detection, 0);
  tracker.Update(0.08, nullptr);
  for (const Track& t : tracker.tracks()) EXPECT_EQ(t.detection, -1);
}

}  // namespace
}  // namespace faceveil::video
