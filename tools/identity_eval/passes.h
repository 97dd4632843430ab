// The three measurements of faceveil-identity-eval, each printing its
// Markdown tables on stdout.
#ifndef FACEVEIL_TOOLS_IDENTITY_EVAL_PASSES_H_
#define FACEVEIL_TOOLS_IDENTITY_EVAL_PASSES_H_

#include <map>
#include <utility>
#include <vector>

#include "common.h"

namespace faceveil::identify::identity_eval {

// The false keep over all faces >= 24 px (and by height), per comparison
// and gates: what the operating points of the true keep are chosen from.
struct FalseKeeps {
  // By (comparison, index into kGates): kNumBins + 1 Stats, one per height
  // bin, the last over all faces >= 24 px.
  std::map<std::pair<Compare, int>, std::vector<Stats>> by_gates;
};

// Different-person pairs within one WIDER photo. `id` must not check
// clarity: the tables apply each gate themselves. `detector` null: the
// hand-labelled boxes.
FalseKeeps FalseKeep(const Identifier& id, const std::vector<Photo>& photos,
                     const Detector* detector,
                     const std::vector<Compare>& compares);

// The same face changed (flipped, rescaled, blurred, recompressed,
// brightened, darkened). `id` must not check clarity: the tables apply each
// gate themselves. `fk` null: no operating points (the false keep was not
// measured).
void TrueKeep(const Identifier& id, const std::vector<Sampled>& faces,
              const std::vector<Compare>& compares, const FalseKeeps* fk);

// Each face against itself hidden by every style and strength. `raw` must
// not check clarity; `reference_gate` is the clarity the product asks of a
// reference, `gate` of a face compared with it; `what` names the faces in
// the heading.
void Irreversibility(const Identifier& raw, float reference_gate, float gate,
                     const std::vector<Sampled>& faces, const char* what);

}  // namespace faceveil::identify::identity_eval

#endif  // FACEVEIL_TOOLS_IDENTITY_EVAL_PASSES_H_
