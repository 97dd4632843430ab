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

TEST(TrackPeopleTest, OneOffEmbeddingDoesNotFlipAKeptTrack) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);
  TrackPeople people(filter);
  // A kept person's key frames, one of them badly off (motion blur).
  const float distances[] = {0.30f, 0.32f, 0.90f, 0.31f, 0.33f, 0.95f, 0.29f};
  for (float d : distances) {
    const PersonSet::Match m{0, d};
    people.Add(1, &m);
    EXPECT_FALSE(people.Decide(1).hidden) << "after " << d;
  }
  EXPECT_EQ(people.Decide(1).person, 0);
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

// Faces crossing can make the tracker carry a kept person's track on to a
// stranger: the decision follows the recent key frames, so the stranger is
// hidden from their second key frame however long the person was kept.
TEST(TrackPeopleTest, TrackHandedToAStrangerIsHiddenAgainSoon) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);
  TrackPeople people(filter);
  const PersonSet::Match person{0, 0.3f}, stranger{0, 0.9f};
  for (int i = 0; i < 20; ++i) people.Add(3, &person);
  EXPECT_FALSE(people.Decide(3).hidden);
  people.Add(3, &stranger);
  EXPECT_FALSE(people.Decide(3).hidden);  // one bad key frame is outvoted
  people.Add(3, &stranger);
  EXPECT_TRUE(people.Decide(3).hidden);
}

// A kept face turning or leaving the frame embeds farther away (the
// distances of the astronaut going out of pan.mp4 at the top): the track
// stays kept, where a track that never matched is not kept by the same
// distances.
TEST(TrackPeopleTest, MatchedTrackStaysKeptAsItsViewDegrades) {
  const PeopleFilter filter = FilterFor(PeopleMode::kKeep);  // 0.5
  TrackPeople people(filter);
  for (float d : {0.30f, 0.62f, 0.58f, 0.72f, 0.60f}) {
    const PersonSet::Match m{0, d};
    people.Add(1, &m);
    people.Add(2, d == 0.30f ? nullptr : &m);  // the same without the start
    EXPECT_FALSE(people.Decide(1).hidden) << d;
    EXPECT_TRUE(people.Decide(2).hidden) << d;
  }
  EXPECT_EQ(people.Decide(1).person, 0);
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
