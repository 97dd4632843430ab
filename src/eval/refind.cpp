#include "eval/refind.h"

#include "faceveil/image.h"

namespace faceveil::eval {

int CountMatched(const std::vector<Face>& hidden,
                 const std::vector<Face>& found, float match_iou) {
  int matched = 0;
  for (const Face& face : hidden) {
    for (const Face& f : found) {
      if (IoU(face.box, f.box) >= match_iou) {
        ++matched;
        break;
      }
    }
  }
  return matched;
}

Result<RefindResult> CountRefound(const Pipeline& anonymizer,
                                  std::span<const Detector* const> finders,
                                  std::span<const uint8_t> bytes,
                                  float match_iou) {
  auto anonymized = anonymizer.Anonymize(bytes);
  if (!anonymized.ok()) return anonymized.status();
  auto output = DecodeImage(anonymized->bytes, anonymizer.options().decode);
  if (!output.ok()) return output.status().WithContext("decoding the output");
  RefindResult result;
  result.hidden = std::move(anonymized->report.faces);
  for (const Detector* finder : finders) {
    auto found = finder->Detect(output->pixels);
    if (!found.ok()) return found.status();
    result.refound.push_back(CountMatched(result.hidden, *found, match_iou));
  }
  return result;
}

}  // namespace faceveil::eval
