// libFuzzer target: arbitrary bytes through the whole photo path (decode,
// EXIF orientation, detection, anonymization, encoding, metadata policy).
// The last input byte, when present, picks the variant, so one corpus
// covers them all:
//   bit 0     metadata policy (strip / safe): one pipeline each
//   bits 1-3  output format (same as input, JPEG, PNG, WebP, BMP, TIFF)
//   bit 4     anonymize what Detect() found through AnonymizeSelection()
//             with bits 5-7 choosing style and mask shape, instead of
//             Anonymize()
// Images are capped at 256 x 256 pixels to keep runs fast (larger ones
// exercise the pixel-limit path); detection runs in single mode, the
// tiled modes being the same code on sub-images.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "faceveil/pipeline.h"

namespace {

constexpr int64_t kMaxPixels = 256 * 256;

std::unique_ptr<faceveil::Pipeline> MakePipeline(bool safe) {
  faceveil::PipelineOptions options;
  options.decode.max_pixels = kMaxPixels;
  options.detector.mode = faceveil::DetectionMode::kSingle;
  options.metadata =
      safe ? faceveil::MetadataPolicy::kSafe : faceveil::MetadataPolicy::kStrip;
  auto pipeline = faceveil::Pipeline::Create(options);
  if (!pipeline.ok()) __builtin_trap();  // the defaults must always load
  return std::move(*pipeline);
}

constexpr faceveil::ImageFormat kOutputs[] = {
    faceveil::ImageFormat::kUnknown, faceveil::ImageFormat::kJpeg,
    faceveil::ImageFormat::kPng,     faceveil::ImageFormat::kWebp,
    faceveil::ImageFormat::kBmp,     faceveil::ImageFormat::kTiff,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<faceveil::Pipeline> pipelines[2] = {
      MakePipeline(false), MakePipeline(true)};
  const uint8_t selector = size > 0 ? data[size - 1] : 0;
  const faceveil::Pipeline& pipeline = *pipelines[selector & 1];
  const std::span<const uint8_t> bytes(data, size);
  if ((selector & 16) == 0) {
    auto out = pipeline.Anonymize(bytes, kOutputs[((selector >> 1) & 7) % 6]);
    if (out.ok() && out->bytes.empty()) __builtin_trap();
    return 0;
  }
  auto report = pipeline.Detect(bytes);
  if (!report.ok()) return 0;
  faceveil::Selection selection;
  selection.faces = report->faces;
  // A hand-drawn region partly outside the image, as a client may send.
  selection.regions.push_back({-5.0f, report->height * 0.5f,
                               report->width * 0.5f, report->height * 1.0f});
  faceveil::AnonymizeOptions anonymize;
  anonymize.style = static_cast<faceveil::AnonymizeStyle>((selector >> 5) % 3);
  anonymize.shape = (selector & 128) ? faceveil::MaskShape::kEllipse
                                     : faceveil::MaskShape::kBox;
  anonymize.outline = (selector & 64) != 0;
  auto out = pipeline.AnonymizeSelection(bytes, selection, anonymize);
  if (out.ok() && out->bytes.empty()) __builtin_trap();
  return 0;
}
