// Per-face and per-track keep/hide decisions (faceveil/people.h,
// app/track_people.h): pure logic on match distances, no model.
#include "app/track_people.h"

#include <gtest/gtest.h>

#include "faceveil/people.h"

namespace faceveil {
namespace {

PeopleFilter FilterFor(PeopleMode mode) {
  PeopleFilter filter;
  filter.mode = mode;
  filter.max_distance = 0.5f;
  return filter;
}

TEST(PeopleDecideTest, KeepShowsOnlyMatchesAndHidesUnsureFaces) {
  const PeopleFilter keep = FilterFor(PeopleMode::kKeep);
  const PersonSet::Match near{1, 0.5f}, far{0, 0.51f};
  FaceIdentity id = Decide(keep, &near);
  EXPECT_FALSE(id.hidden);
  EXPECT_TRUE(id.embedded);
  EXPECT_EQ(id.person, 1);
  EXPECT_FLOAT_EQ(id.distance, 0.5f);
  id = Decide(keep, &far);
  EXPECT_TRUE(id.hidden);
  EXPECT_EQ(id.person, -1);
  EXPECT_FLOAT_EQ(id.distance, 0.51f);
  id = Decide(keep, nullptr);
  EXPECT_TRUE(id.hidden);
  EXPECT_FALSE(id.embedded);
}

TEST(PeopleDecideTest, HideHidesMatchesAndUnsureFaces) {
  const PeopleFilter hide = FilterFor(PeopleMode::kHide);
  const PersonSet::Match near{0, 0.2f}, far{0, 0.9f}, none{-1, 0};
  EXPECT_TRUE(Decide(hide, &near).hidden);
  EXPECT_FALSE(Decide(hide, &far).hidden);
  EXPECT_TRUE(Decide(hide, nullptr).hidden);
  EXPECT_TRUE(Decide(hide, &none).hidden);  // an empty set matched nothing
}

TEST(TrackPeopleTest, TrackWithoutEvidenceIsHiddenInBothModes) {
  for (PeopleMode mode : {PeopleMode::kKeep, PeopleMode::kHide}) {
    const PeopleFilter filter = FilterFor(mode);
    TrackPeople people(filter);
    EXPECT_TRUE(people.Decide(7).hidden);
    people.Add(7, nullptr);  // not embeddable: no evidence
    EXPECT_TRUE(people.Decide(7).hidden);
  }
}

TEST(TrackPeopleTest, OneOffEmbeddingHidesAKeptTrackForThatKeyFrameOnly) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);
  TrackPeople people(filter);
  // A kept person's key frames, two of them badly off (motion blur): each
  // hides the face until the next key frame, the majority shows it again.
  const float distances[] = {0.30f, 0.32f, 0.90f, 0.31f, 0.33f, 0.95f, 0.29f};
  for (float d : distances) {
    const PersonSet::Match m{0, d};
    people.Add(1, &m);
    EXPECT_EQ(people.Decide(1).hidden, d > 0.5f) << "after " << d;
  }
  EXPECT_EQ(people.Decide(1).person, 0);
  EXPECT_FLOAT_EQ(people.Decide(1).distance, 0.33f);  // the median decided
}

TEST(TrackPeopleTest, StrangerTrackStaysHiddenDespiteOneCloseFrame) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);
  TrackPeople people(filter);
  const float distances[] = {0.80f, 0.45f, 0.85f, 0.90f, 0.40f, 0.95f};
  for (float d : distances) {
    const PersonSet::Match m{0, d};
    people.Add(2, &m);
    EXPECT_TRUE(people.Decide(2).hidden) << "after " << d;
  }
}

// Faces crossing, or the kept person leaving and a stranger stepping into
// the place, can make the tracker carry a kept person's track on to a
// stranger: however long the person was kept, the stranger's first key
// frame hides the track, whether they are far, only a little beyond the
// match distance, or cannot be embedded at all.
TEST(TrackPeopleTest, StrangerTakingOverAKeptTrackIsHiddenAtOnce) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);  // 0.5
  const PersonSet::Match person{0, 0.3f};
  const PersonSet::Match far{0, 0.9f}, near_miss{0, 0.6f}, unsure{-1, 0};
  for (const PersonSet::Match* stranger : {&far, &near_miss, &unsure}) {
    SCOPED_TRACE(stranger->distance);
    TrackPeople people(filter);
    for (int i = 0; i < 20; ++i) people.Add(3, &person);
    EXPECT_FALSE(people.Decide(3).hidden);
    people.Add(3, stranger);
    const FaceIdentity now = people.Decide(3);
    EXPECT_TRUE(now.hidden);
    EXPECT_EQ(now.person, -1);
    EXPECT_EQ(now.embedded, stranger->person >= 0);
    if (now.embedded) EXPECT_FLOAT_EQ(now.distance, stranger->distance);
    for (int i = 0; i < 5; ++i) {
      people.Add(3, stranger);
      EXPECT_TRUE(people.Decide(3).hidden);
    }
  }
}

// A hidden track is shown again only by a majority of its last key frames,
// the latest included: one close key frame never shows it.
TEST(TrackPeopleTest, HiddenTrackNeedsAMajorityToBeShownAgain) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);
  TrackPeople people(filter);
  const PersonSet::Match near{0, 0.3f}, far{0, 0.9f};
  for (int i = 0; i < 3; ++i) people.Add(4, &far);
  people.Add(4, &near);
  EXPECT_TRUE(people.Decide(4).hidden);  // 0.9, 0.9, 0.3
  people.Add(4, &near);
  EXPECT_FALSE(people.Decide(4).hidden);  // 0.9, 0.3, 0.3
  people.Add(4, &far);
  EXPECT_TRUE(people.Decide(4).hidden);  // the latest is far
}

// Under kHide the leak is a listed person shown: one key frame of theirs
// hides a track that was visible (a listed person taking a stranger's track
// over), and once matched, a track stays hidden while its view degrades
// (the distances of the astronaut going out of pan.mp4 at the top).
TEST(TrackPeopleTest, HideModeHidesAtTheFirstMatchAndHoldsIt) {
  const PeopleFilter filter = FilterFor(PeopleMode::kHide);  // 0.5
  TrackPeople people(filter);
  const PersonSet::Match stranger{0, 0.9f}, listed{0, 0.3f};
  for (int i = 0; i < 5; ++i) people.Add(5, &stranger);
  EXPECT_FALSE(people.Decide(5).hidden);
  people.Add(5, &listed);
  EXPECT_TRUE(people.Decide(5).hidden);
  EXPECT_EQ(people.Decide(5).person, 0);
  for (float d : {0.62f, 0.58f, 0.72f, 0.60f}) {
    const PersonSet::Match m{0, d};
    people.Add(5, &m);
    EXPECT_TRUE(people.Decide(5).hidden) << d;
  }
  const PersonSet::Match unsure{-1, 0};
  people.Add(5, &unsure);  // turned away: still hidden, still latched
  EXPECT_TRUE(people.Decide(5).hidden);
  people.Add(5, &stranger);
  EXPECT_TRUE(people.Decide(5).hidden);  // the median, 0.6: within 1.5 x 0.5
  people.Add(5, &stranger);
  EXPECT_FALSE(people.Decide(5).hidden);  // unsure, 0.9, 0.9: released
}

// Under kKeep a kept face turning or leaving the frame is hidden as soon as
// a key frame of it embeds beyond the match distance: an annoyance, where
// keeping it would also keep a stranger at those distances.
TEST(TrackPeopleTest, KeptTrackIsHiddenAsItsViewDegrades) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);  // 0.5
  TrackPeople people(filter);
  const PersonSet::Match start{0, 0.30f};
  people.Add(1, &start);
  EXPECT_FALSE(people.Decide(1).hidden);
  for (float d : {0.62f, 0.58f, 0.72f, 0.60f}) {
    const PersonSet::Match m{0, d};
    people.Add(1, &m);
    EXPECT_TRUE(people.Decide(1).hidden) << d;
  }
}

TEST(TrackPeopleTest, EvenCountsLeanTowardsHiding) {
  const PersonSet::Match a{0, 0.4f}, b{0, 0.6f};
  const PeopleFilter keep = FilterFor(PeopleMode::kKeep);
  TrackPeople kept(keep);
  kept.Add(1, &b);
  kept.Add(1, &a);
  EXPECT_TRUE(kept.Decide(1).hidden);  // 0.6 counts under kKeep
  const PeopleFilter hide = FilterFor(PeopleMode::kHide);
  TrackPeople hidden(hide);
  hidden.Add(1, &b);
  hidden.Add(1, &a);
  EXPECT_TRUE(hidden.Decide(1).hidden);  // 0.4 counts under kHide
}

TEST(TrackPeopleTest, TracksAreDecidedApartAndForgottenWhenEnded) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);
  TrackPeople people(filter);
  const PersonSet::Match near{0, 0.1f}, far{0, 0.9f};
  people.Add(1, &near);
  people.Add(2, &far);
  EXPECT_FALSE(people.Decide(1).hidden);
  EXPECT_TRUE(people.Decide(2).hidden);
  const int live[] = {2};
  people.Retain(live);
  EXPECT_TRUE(people.Decide(1).hidden);  // track 1 ended: no evidence left
  EXPECT_TRUE(people.Decide(2).hidden);
}

}  // namespace
}  // namespace faceveil
