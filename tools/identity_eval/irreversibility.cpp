// The irreversibility: each face hidden by every style at every strength,
// embedded again at the same box, against its original.
#include <algorithm>
#include <cstdio>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <span>
#include <string>

#include "faceveil/anonymizer.h"
#include "passes.h"

namespace faceveil::identify::identity_eval {

void Irreversibility(const Identifier& raw, float reference_gate, float gate,
                     const std::vector<Sampled>& faces, const char* what) {
  const AnonymizeStyle styles[] = {
      AnonymizeStyle::kBlur, AnonymizeStyle::kPixelate, AnonymizeStyle::kSolid};
  const float strengths[] = {kMinStrength, 1.0f, 1.5f,
                             2.0f,         3.0f, kMaxStrength};
  std::printf(
      "## Irreversibility on %s: a face against itself hidden\n\n"
      "Faces whose original passes the reference's clarity gate %.2f; the "
      "hidden face's gate: %.2f. Default mask (box, "
      "scale %.1f). \"beyond\": hidden faces farther than the match "
      "distance %.2f from their original, by distance alone; \"unclear\": "
      "hidden faces the gate refuses; \"kept\": neither (would be left "
      "visible as their own person).\n\n",
      what, reference_gate, gate, kDefaultMaskScale, DefaultMatchDistance());
  std::printf(
      "| style | strength | faces | min distance | median | largest clarity "
      "| beyond | unclear | kept |\n|---|---|---|---|---|---|---|---|---|\n");
  std::map<std::string, cv::Mat> cache;
  for (AnonymizeStyle style : styles) {
    for (float strength : strengths) {
      Stats s;
      float clearest = 0;
      int n = 0, beyond = 0, unclear = 0, kept = 0;
      for (const Sampled& f : faces) {
        cv::Mat& full = cache[f.path];
        if (full.empty()) full = cv::imread(f.path, cv::IMREAD_COLOR);
        if (full.empty()) continue;
        Box box;
        cv::Mat image = Around(full, f.box, &box);
        Result<FaceEmbedding> ref = raw.Embed(image, FaceOf(box));
        if (!ref.ok() || raw.Clarity(*ref) < reference_gate) continue;
        AnonymizeOptions o;
        o.style = style;
        o.strength = strength;
        const Face face = FaceOf(box);
        if (!Anonymize(image, std::span<const Face>(&face, 1), o).ok()) {
          continue;
        }
        ++n;
        Result<FaceEmbedding> e = raw.Embed(image, face);
        if (!e.ok()) {
          ++unclear;
          ++beyond;
          continue;
        }
        const float d = FaceIdentifier::Distance(*ref, *e);
        const float c = raw.Clarity(*e);
        s.distances.push_back(d);
        clearest = std::max(clearest, c);
        if (d > DefaultMatchDistance()) ++beyond;
        if (c < gate) ++unclear;
        if (d <= DefaultMatchDistance() && c >= gate) ++kept;
      }
      s.Finish();
      std::printf(
          "| %s | %.1f | %d | %.3f | %.3f | %.3f | %.1f%% | %.1f%% | %d |\n",
          AnonymizeStyleName(style), strength, n,
          s.distances.empty() ? NAN : s.distances.front(),
          Quantile(s.distances, 0.5), clearest, 100.0 * beyond / std::max(1, n),
          100.0 * unclear / std::max(1, n), kept);
      std::fflush(stdout);
    }
  }
  std::printf("\n");
}

}  // namespace faceveil::identify::identity_eval
