#include "faceveil/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace faceveil {
namespace {

// The area of `box` inside a width x height image.
double ClippedArea(const Box& box, int width, int height) {
  const double w =
      std::min<double>(box.x + box.w, width) - std::max<double>(box.x, 0);
  const double h =
      std::min<double>(box.y + box.h, height) - std::max<double>(box.y, 0);
  return w > 0 && h > 0 ? w * h : 0;
}

// Refuses a selection that would hide more than kMaxSelectionCoverage
// images' worth of area (see pipeline.h).
Status CheckCoverage(const Selection& selection,
                     const AnonymizeOptions& anonymize, int width, int height) {
  double area = 0;
  for (const Face& face : selection.faces) {
    area += ClippedArea(MaskRegion(face, anonymize), width, height);
  }
  for (const Box& box : selection.regions) {
    area += ClippedArea(box, width, height);
  }
  const double coverage = area / (static_cast<double>(width) * height);
  if (coverage <= kMaxSelectionCoverage) return Status::Ok();
  char text[160];
  std::snprintf(text, sizeof text,
                "the faces and regions to hide cover %.0f times the image's "
                "area; at most %.0f in one request",
                coverage, kMaxSelectionCoverage);
  return Status::TooLarge(text);
}

}  // namespace

Result<std::unique_ptr<Pipeline>> Pipeline::Create(
    const PipelineOptions& options) {
  // Reject bad anonymization options before the (slower) model load.
  cv::Mat probe(1, 1, CV_8UC3, cv::Scalar::all(0));
  FACEVEIL_RETURN_IF_ERROR(
      AnonymizeRegions(probe, std::span<const Box>(), options.anonymize));
  auto detector = Detector::Create(options.detector);
  if (!detector.ok()) return detector.status();
  return std::unique_ptr<Pipeline>(
      new Pipeline(options, std::move(detector).value()));
}

Pipeline::Pipeline(const PipelineOptions& options,
                   std::unique_ptr<Detector> detector)
    : options_(options), detector_(std::move(detector)) {}

Pipeline::~Pipeline() = default;

ImageFormat Pipeline::OutputFormat(ImageFormat input) const {
  return options_.output_format != ImageFormat::kUnknown
             ? options_.output_format
             : OutputFormatFor(input);
}

namespace {

Result<ImageReport> DetectIn(const Detector& detector, const cv::Mat& pixels,
                             ImageFormat format) {
  ImageReport report;
  report.width = pixels.cols;
  report.height = pixels.rows;
  report.input_format = format;
  const auto start = std::chrono::steady_clock::now();
  auto faces = detector.Detect(pixels);
  if (!faces.ok()) return faces.status();
  report.detect_ms = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  report.faces = std::move(faces).value();
  return report;
}

}  // namespace

Result<ImageReport> Pipeline::Detect(std::span<const uint8_t> bytes) const {
  auto image = DecodeImage(bytes, options_.decode);
  if (!image.ok()) return image.status();
  return DetectIn(*detector_, image->pixels, image->format);
}

Result<AnonymizedImage> Pipeline::Anonymize(std::span<const uint8_t> bytes,
                                            ImageFormat output_format) const {
  auto image = DecodeImage(bytes, options_.decode);
  if (!image.ok()) return image.status();
  auto report = DetectIn(*detector_, image->pixels, image->format);
  if (!report.ok()) return report.status();
  FACEVEIL_RETURN_IF_ERROR(
      faceveil::Anonymize(image->pixels, report->faces, options_.anonymize));
  return Encode(bytes, image->pixels, std::move(report).value(), output_format);
}

Result<AnonymizedImage> Pipeline::AnonymizeSelection(
    std::span<const uint8_t> bytes, const Selection& selection,
    const AnonymizeOptions& anonymize) const {
  auto image = DecodeImage(bytes, options_.decode);
  if (!image.ok()) return image.status();
  ImageReport report;
  report.width = image->pixels.cols;
  report.height = image->pixels.rows;
  report.input_format = image->format;
  FACEVEIL_RETURN_IF_ERROR(CheckCoverage(
      selection, anonymize, image->pixels.cols, image->pixels.rows));
  report.faces = selection.faces;
  FACEVEIL_RETURN_IF_ERROR(
      faceveil::Anonymize(image->pixels, selection.faces, anonymize));
  FACEVEIL_RETURN_IF_ERROR(
      AnonymizeRegions(image->pixels, selection.regions, anonymize));
  return Encode(bytes, image->pixels, std::move(report), ImageFormat::kUnknown);
}

Result<AnonymizedImage> Pipeline::Encode(std::span<const uint8_t> original,
                                         const cv::Mat& pixels,
                                         ImageReport report,
                                         ImageFormat output_format) const {
  AnonymizedImage out;
  out.output_format = output_format != ImageFormat::kUnknown
                          ? output_format
                          : OutputFormat(report.input_format);
  auto encoded = EncodeImage(pixels, out.output_format, options_.encode);
  if (!encoded.ok()) return encoded.status();
  auto with_metadata =
      ApplyMetadataPolicy(original, std::move(encoded).value(),
                          out.output_format, options_.metadata);
  if (!with_metadata.ok()) return with_metadata.status();
  out.bytes = std::move(with_metadata).value();
  out.report = std::move(report);
  return out;
}

}  // namespace faceveil
