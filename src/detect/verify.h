// A second look at uncertain candidates: each is cut out again, centred and
// at the scale where the model is most reliable, and its score becomes a
// combination of the first and second looks. Faces the tiles saw only
// faintly rise; texture that looked face-like at one scale falls.
#ifndef FACEVEIL_DETECT_VERIFY_H_
#define FACEVEIL_DETECT_VERIFY_H_

#include <opencv2/core/mat.hpp>
#include <span>
#include <vector>

#include "crowdnet/verifier.h"
#include "detect/blazeface.h"
#include "faceveil/face.h"
#include "faceveil/status.h"
#include "infer/letterbox.h"

namespace faceveil {

struct VerifyOptions {
  // Off: candidates keep their first-look score.
  bool enabled = false;

  // Candidates scoring at least this (after merging) get a second look;
  // the rest are dropped as they are.
  float min_score = 0.25f;

  // Candidates scoring at least this keep their score: the first look is
  // already sure. > 1: every candidate from min_score up is verified.
  float max_score = 0.8f;

  // The crop's side as a multiple of the candidate's box side. 4 puts the
  // face at a quarter of the model input, inside the range where the
  // full-range model's scores are highest on WIDER FACE faces.
  float context = 4.0f;

  // Only boxes smaller than this (longer side, image pixels) are verified:
  // larger faces were seen at a scale the model handles well, and a second
  // look lowered more true large faces than false ones (WIDER val, first
  // 40 images: recall of faces >= 64 px 1.0 -> 0.91 without this limit).
  float max_face_px = 40;

  // At most this many candidates per image are verified, best first;
  // bounds the cost on crowds. The rest keep their first-look score.
  int max_candidates = 48;

  // A second-look candidate confirms the first when their boxes overlap by
  // at least this IoU.
  float match_iou = 0.3f;

  // Share of the second look in the combined score (a geometric mean of
  // the two when 0.5): combined = first^(1-w) * second^w.
  float weight = 0.5f;

  // Second-look candidates below this are not decoded; a candidate with no
  // match counts as having scored this.
  float floor_score = 0.02f;

  // Crops per forward pass; 1 for the reason in MultiScaleOptions.
  int batch_size = 1;
};

// The region the second look at `box` runs on.
SquareRegion VerifyRegion(const Box& box, float context);

// first^(1-w) * second^w, with both clamped into [floor, 1].
float CombineScores(float first, float second, float weight, float floor);

// Re-scores the candidates of `faces` in [min_score, max_score) with a
// second look through `net`; others are unchanged. Order is preserved.
Status VerifyCandidates(const BlazeFace& net, const cv::Mat& image,
                        Resampling resampling, const VerifyOptions& options,
                        std::vector<Face>* faces);

// The bit of CrowdNetVerifyOptions::networks for embedded verifier `index`.
constexpr unsigned VerifierNetwork(int index) { return 1u << index; }

// CrowdNet's second look: its own verifier network (crowdnet/verifier.h)
// on every candidate it is unsure of.
struct CrowdNetVerifyOptions {
  // Off: candidates keep CrowdNet's score (as before run v10's verifier).
  bool enabled = true;

  // Candidates scoring below this keep their score unverified, so no
  // preset counts them: a bound on the cost. WIDER val, fast, verifier
  // scores of the candidates from 0.15 up, re-combined: from 0.2 up the
  // verifier sees 27 candidates per photo instead of 46 (0.22 ms each) for
  // the same recall at <= 1 FP/photo (0.718 at 0.99 against 0.717 at 0.98)
  // and AP Hard 0.743 instead of 0.747. CrowdNet's single and fast
  // thresholds were swept again at 0.2; the others, swept at 0.15, kept
  // their false-positive rate (eval/results.md).
  float min_score = 0.2f;

  // The second look's share of the combined score (CombineScores) for
  // boxes up to full_weight_px (longer side, image pixels). Above that the
  // share falls linearly to 0 at twice full_weight_px: larger faces were
  // seen at a size CrowdNet handles well, and on WIDER val a constant share
  // lowered more true large faces than false ones (recall of faces >= 64 px
  // at 0.4: 0.871 without the verifier, 0.821 at a constant 0.5, 0.872
  // with the fade).
  float weight = 0.5f;
  float full_weight_px = 40;

  // At most this many candidates per image are verified, best first (a
  // bound on the cost of a stadium crowd); the rest keep their score.
  int max_candidates = 1024;

  // Which embedded verifier networks look (VerifierNetwork(i) for
  // crowdnet::Verifier::CreateEmbedded(i); at least one when enabled); the
  // second look is the mean of their probabilities. Each costs the same
  // (~0.2 ms per candidate). The preset chooses (CrowdNetVerifyPresetFor);
  // the default is the fast modes' one network.
  unsigned networks = VerifierNetwork(2);
};

// The second look's share for a box whose longer side is `side` pixels.
float CrowdNetVerifyWeight(float side, const CrowdNetVerifyOptions& options);

// The lowest first-look score from which a candidate can still reach
// `min_score` once verified: a combined score is at most first^(1 - weight),
// so min_score^(1 / (1 - weight)), never under options.min_score (below it
// nothing is verified and scores stay as they are).
float CrowdNetFirstLookFloor(float min_score,
                             const CrowdNetVerifyOptions& options);

// Re-scores the candidates of `faces` from options.min_score up whose
// weight is above 0 with the second look of `verifiers`: the mean of their
// probabilities (all of them; options.networks is for the caller that
// chooses them). Others are unchanged. Order is preserved.
// kInvalidArgument when `verifiers` is empty or holds a null.
Status VerifyCrowdNetCandidates(
    std::span<const crowdnet::Verifier* const> verifiers, const cv::Mat& image,
    const CrowdNetVerifyOptions& options, std::vector<Face>* faces);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_VERIFY_H_
