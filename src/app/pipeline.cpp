#include "faceveil/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <utility>

#include "base/work_steps.h"

namespace faceveil {
namespace {

// Tells `watcher` (when set) that `stage` starts; Cancelled when it says
// stop.
Status Checkpoint(const WorkWatcher& watcher, WorkProgress::Stage stage) {
  if (!watcher || watcher(WorkProgress{stage, 0})) return Status::Ok();
  return Status::Cancelled("stopped on request");
}

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

Status Pipeline::CheckCall(const PipelineOptions& call) const {
  const DetectorOptions& loaded = options_.detector;
  if (call.detector.model != loaded.model ||
      call.detector.model_file != loaded.model_file) {
    return Status::InvalidArgument(
        std::string("this pipeline loaded the ") +
        (loaded.model_file.empty() ? ModelKindName(loaded.model)
                                   : "given model file") +
        " model; a call cannot change the model (create another pipeline)");
  }
  return ValidateDetectorOptions(call.detector);
}

namespace {

// An anonymization of faces or regions, run on a BGR or BGRA image.
using AnonymizeStep =
    std::function<Status(cv::Mat& image, const AnonymizeOptions& options)>;

void Describe(const DecodedImage& image, ImageReport* report) {
  report->width = image.pixels.cols;
  report->height = image.pixels.rows;
  report->input_format = image.format;
  report->source_bits = image.source_bits;
  report->pages = image.pages;
  report->has_alpha = !image.alpha.empty();
}

Result<ImageReport> DetectIn(const Detector& detector,
                             const DetectOptions& options,
                             const DecodedImage& image,
                             const WorkWatcher& watcher) {
  ImageReport report;
  Describe(image, &report);
  FACEVEIL_RETURN_IF_ERROR(Checkpoint(watcher, WorkProgress::Stage::kDetect));
  // The detection's loops report each pass and tile on this thread.
  const WorkStepWatcher steps = [&watcher](double fraction) {
    return watcher(WorkProgress{WorkProgress::Stage::kDetect, fraction});
  };
  const ScopedWorkSteps scope(watcher ? &steps : nullptr);
  const auto start = std::chrono::steady_clock::now();
  auto faces = detector.Detect(image.pixels, options);
  if (!faces.ok()) return faces.status();
  report.detect_ms = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  report.faces = std::move(faces).value();
  return report;
}

// Runs `steps` on the image. With transparency they run on colour and alpha
// together, so that what the alpha channel itself shows of a face is hidden
// too, and a solid fill or an outline is opaque. A pixel that was fully
// transparent stays so (an area "erased" in an editor does not reappear as
// a blurred ghost), and no pixel whose alpha is 0 keeps its colour, so the
// erased area stays hidden even where a viewer ignores alpha.
Status AnonymizeDecoded(DecodedImage& image, const AnonymizeOptions& options,
                        std::span<const AnonymizeStep> steps) {
  if (image.alpha.empty()) {
    for (const AnonymizeStep& step : steps) {
      FACEVEIL_RETURN_IF_ERROR(step(image.pixels, options));
    }
    return Status::Ok();
  }
  AnonymizeOptions opaque = options;
  opaque.color[3] = 255;
  opaque.outline_color[3] = 255;
  try {
    const cv::Mat erased = image.alpha == 0;
    cv::Mat bgra;
    cv::Mat planes[] = {image.pixels, image.alpha};
    cv::merge(planes, 2, bgra);
    for (const AnonymizeStep& step : steps) {
      FACEVEIL_RETURN_IF_ERROR(step(bgra, opaque));
    }
    cv::Mat split[4];
    cv::split(bgra, split);
    cv::merge(split, 3, image.pixels);
    image.alpha = split[3];
    image.alpha.setTo(0, erased);
    image.pixels.setTo(cv::Scalar::all(0), image.alpha == 0);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("transparency handling failed: ") +
                            e.what());
  }
  return Status::Ok();
}

bool KeepsAlpha(ImageFormat format) {
  return format == ImageFormat::kPng || format == ImageFormat::kWebp ||
         format == ImageFormat::kTiff;
}

// The pixels to encode as `format`: BGRA where the format keeps alpha,
// else the colour composited onto white (as a viewer shows it on a page).
cv::Mat PixelsFor(const DecodedImage& image, ImageFormat format) {
  if (image.alpha.empty()) return image.pixels;
  if (KeepsAlpha(format)) {
    cv::Mat bgra;
    cv::Mat planes[] = {image.pixels, image.alpha};
    cv::merge(planes, 2, bgra);
    return bgra;
  }
  cv::Mat colour, weight, out;
  image.pixels.convertTo(colour, CV_32F);
  cv::Mat alpha3;
  cv::cvtColor(image.alpha, alpha3, cv::COLOR_GRAY2BGR);
  alpha3.convertTo(weight, CV_32F, 1.0 / 255);
  cv::Mat flat = colour.mul(weight) + (cv::Scalar::all(1.0) - weight) * 255.0;
  flat.convertTo(out, CV_8U);
  return out;
}

// The faces of `faces` that `identities` (parallel) say to hide.
std::vector<Face> HiddenFaces(const std::vector<Face>& faces,
                              const std::vector<FaceIdentity>& identities) {
  std::vector<Face> hidden;
  for (size_t i = 0; i < faces.size(); ++i) {
    if (i >= identities.size() || identities[i].hidden) {
      hidden.push_back(faces[i]);
    }
  }
  return hidden;
}

std::vector<std::string> LossNotes(const ImageReport& report,
                                   ImageFormat format) {
  std::vector<std::string> notes;
  if (report.source_bits > 8) {
    notes.push_back(std::to_string(report.source_bits) +
                    "-bit samples written with 8 bits (faceveil works in "
                    "8 bits per sample)");
  }
  if (report.pages > 1) {
    const int more = report.pages - 1;
    notes.push_back("only the first page is written; " + std::to_string(more) +
                    (more == 1 ? " more page was" : " more pages were") +
                    " dropped");
  }
  if (report.has_alpha && !KeepsAlpha(format)) {
    notes.push_back(std::string("transparency flattened onto white (") +
                    ImageFormatName(format) + " has no alpha channel)");
  }
  return notes;
}

}  // namespace

Result<DecodedImage> Pipeline::DecodeCall(std::span<const uint8_t> bytes,
                                          const PipelineOptions& call,
                                          const WorkWatcher& watcher) const {
  FACEVEIL_RETURN_IF_ERROR(CheckCall(call));
  FACEVEIL_RETURN_IF_ERROR(Checkpoint(watcher, WorkProgress::Stage::kDecode));
  return DecodeImage(bytes, call.decode);
}

Result<ImageReport> Pipeline::Detect(std::span<const uint8_t> bytes,
                                     const WorkWatcher& watcher) const {
  return Detect(bytes, options_, watcher);
}

Result<ImageReport> Pipeline::Detect(std::span<const uint8_t> bytes,
                                     const PipelineOptions& call,
                                     const WorkWatcher& watcher) const {
  auto image = DecodeCall(bytes, call, watcher);
  if (!image.ok()) return image.status();
  return DetectIn(*detector_, call.detector, *image, watcher);
}

Result<ImageReport> Pipeline::DetectWithEmbeddings(
    std::span<const uint8_t> bytes, const PipelineOptions& call,
    const FaceIdentifier& identifier, const WorkWatcher& watcher) const {
  auto image = DecodeCall(bytes, call, watcher);
  if (!image.ok()) return image.status();
  auto report = DetectIn(*detector_, call.detector, *image, watcher);
  if (!report.ok()) return report.status();
  // No person listed: IdentifyFaces() only embeds. The identifier is the
  // caller's; the filter borrows it for this call.
  PeopleFilter embed_only;
  embed_only.identifier = std::shared_ptr<const FaceIdentifier>(
      std::shared_ptr<const FaceIdentifier>(), &identifier);
  report->identities = IdentifyFaces(embed_only, image->pixels, report->faces);
  return report;
}

Result<AnonymizedImage> Pipeline::Anonymize(std::span<const uint8_t> bytes,
                                            ImageFormat output_format) const {
  if (output_format == ImageFormat::kUnknown) return Anonymize(bytes, options_);
  PipelineOptions call = options_;
  call.output_format = output_format;
  return Anonymize(bytes, call);
}

Result<AnonymizedImage> Pipeline::Anonymize(std::span<const uint8_t> bytes,
                                            const PipelineOptions& call) const {
  auto image = DecodeCall(bytes, call, {});
  if (!image.ok()) return image.status();
  auto report = DetectIn(*detector_, call.detector, *image, {});
  if (!report.ok()) return report.status();
  std::vector<Face> faces = report->faces;
  if (call.people != nullptr) {
    // Decided on the decoded pixels, before any face is hidden.
    report->identities =
        IdentifyFaces(*call.people, image->pixels, report->faces);
    faces = HiddenFaces(report->faces, report->identities);
  }
  const AnonymizeStep steps[] = {[&](cv::Mat& m, const AnonymizeOptions& o) {
    return faceveil::Anonymize(m, faces, o);
  }};
  FACEVEIL_RETURN_IF_ERROR(AnonymizeDecoded(*image, call.anonymize, steps));
  return Encode(bytes, *image, std::move(report).value(), call);
}

Result<AnonymizedImage> Pipeline::AnonymizeSelection(
    std::span<const uint8_t> bytes, const Selection& selection,
    const AnonymizeOptions& anonymize, const WorkWatcher& watcher) const {
  PipelineOptions call = options_;
  call.anonymize = anonymize;
  return AnonymizeSelection(bytes, selection, call, watcher);
}

Result<AnonymizedImage> Pipeline::AnonymizeSelection(
    std::span<const uint8_t> bytes, const Selection& selection,
    const PipelineOptions& call, const WorkWatcher& watcher) const {
  auto image = DecodeCall(bytes, call, watcher);
  if (!image.ok()) return image.status();
  ImageReport report;
  Describe(*image, &report);
  FACEVEIL_RETURN_IF_ERROR(CheckCoverage(
      selection, call.anonymize, image->pixels.cols, image->pixels.rows));
  report.faces = selection.faces;
  const AnonymizeStep steps[] = {
      [&](cv::Mat& m, const AnonymizeOptions& o) {
        return faceveil::Anonymize(m, selection.faces, o);
      },
      [&](cv::Mat& m, const AnonymizeOptions& o) {
        return AnonymizeRegions(m, selection.regions, o);
      }};
  FACEVEIL_RETURN_IF_ERROR(
      Checkpoint(watcher, WorkProgress::Stage::kAnonymize));
  FACEVEIL_RETURN_IF_ERROR(AnonymizeDecoded(*image, call.anonymize, steps));
  FACEVEIL_RETURN_IF_ERROR(Checkpoint(watcher, WorkProgress::Stage::kEncode));
  return Encode(bytes, *image, std::move(report), call);
}

Result<AnonymizedImage> Pipeline::Encode(std::span<const uint8_t> original,
                                         const DecodedImage& image,
                                         ImageReport report,
                                         const PipelineOptions& call) const {
  AnonymizedImage out;
  out.output_format = call.output_format != ImageFormat::kUnknown
                          ? call.output_format
                          : OutputFormatFor(report.input_format);
  cv::Mat pixels;
  try {
    pixels = PixelsFor(image, out.output_format);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("transparency handling failed: ") +
                            e.what());
  }
  auto encoded = EncodeImage(pixels, out.output_format, call.encode);
  if (!encoded.ok()) return encoded.status();
  auto with_metadata = ApplyMetadataPolicy(original, std::move(encoded).value(),
                                           out.output_format, call.metadata);
  if (!with_metadata.ok()) return with_metadata.status();
  out.bytes = std::move(with_metadata).value();
  out.notes = LossNotes(report, out.output_format);
  out.report = std::move(report);
  return out;
}

}  // namespace faceveil
