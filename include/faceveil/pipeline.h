// The one path every front end takes: bytes → decoded, upright image →
// faces → anonymized image → encoded bytes with the metadata policy applied.
// The CLI, the web server and the batch runner all call this; none of them
// decodes, detects or encodes on its own.
//
//   auto pipeline = faceveil::Pipeline::Create({});
//   auto out = (*pipeline)->Anonymize(bytes);   // out->bytes: the new file
//
// A Pipeline owns one Detector (the loaded networks) and is immutable after
// Create(): all methods are const and may be called from many threads at
// once. Each method comes in two forms: one uses the options given to
// Create(), the other takes a PipelineOptions `call` for that call alone
// (the page changing threshold or quality, a video run with other models),
// so that one loaded pipeline serves every front end. A call may change
// everything but what Create() loads: `call.detector.model` and
// `call.detector.model_file` must be the pipeline's own (CheckCall()).
#ifndef FACEVEIL_PIPELINE_H_
#define FACEVEIL_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "faceveil/anonymizer.h"
#include "faceveil/detector.h"
#include "faceveil/encode.h"
#include "faceveil/face.h"
#include "faceveil/image.h"
#include "faceveil/people.h"
#include "faceveil/status.h"

namespace faceveil {

struct PipelineOptions {
  // How faces are found.
  DetectorOptions detector;
  // How they are hidden.
  AnonymizeOptions anonymize;
  // Limits and orientation handling for reading images.
  DecodeOptions decode;
  // Quality settings for writing images.
  EncodeOptions encode;
  // Which of the input's metadata may reach the output.
  MetadataPolicy metadata = MetadataPolicy::kStrip;
  // Output format; kUnknown follows the input (HEIF is written as JPEG).
  ImageFormat output_format = ImageFormat::kUnknown;
  // Who stays visible (--keep-person / --hide-person): Anonymize() and the
  // video job hide only the faces this filter says to; null: every face.
  // Read by those calls only, never by Create(), so a caller may fill it
  // after Create() (with references found by the pipeline's own detector)
  // as long as it is done before the first call.
  std::shared_ptr<const PeopleFilter> people;
};

// What was found in one image.
struct ImageReport {
  int width = 0;   // of the upright image
  int height = 0;  //
  ImageFormat input_format = ImageFormat::kUnknown;
  std::vector<Face> faces;  // in upright image pixels
  double detect_ms = 0;     // time spent in detection
  // Bits per sample of the input (above 8: the output has only 8).
  int source_bits = 8;
  // Images in the input file (TIFF pages); only the first is anonymized
  // and written.
  int pages = 1;
  // The input has transparency (an alpha channel not all opaque).
  bool has_alpha = false;
  // With PipelineOptions::people: what it decided per face, parallel to
  // `faces`; empty without a filter (every face hidden).
  std::vector<FaceIdentity> identities;
};

struct AnonymizedImage {
  ImageReport report;
  ImageFormat output_format = ImageFormat::kUnknown;
  std::vector<uint8_t> bytes;  // the encoded output file
  // What the output lost from the input, in words for people ("16 bits per
  // sample reduced to 8"); empty when nothing was lost.
  std::vector<std::string> notes;
};

// What to anonymize when the caller has chosen (the web UI's review step).
struct Selection {
  // Detected faces to anonymize (each through the mask rules of
  // AnonymizeOptions); faces left out stay visible.
  std::vector<Face> faces;
  // Rectangles drawn by hand, anonymized exactly as given.
  std::vector<Box> regions;
};

// The most area one AnonymizeSelection() hides, in multiples of the image's
// area: the masks of its faces and its regions, each clipped to the image,
// added up. The work grows with that sum (1000 full-image regions took 31 s
// of CPU); a photo's faces, even a crowd's with a large mask scale, cover
// far less.
inline constexpr double kMaxSelectionCoverage = 16.0;

// Where one Pipeline call is, for a progress display.
struct WorkProgress {
  enum class Stage { kDecode, kDetect, kAnonymize, kEncode };
  Stage stage = Stage::kDecode;
  // For kDetect: the fraction of the detection's passes and tiles done,
  // in [0, 1]; 0 for the other stages.
  double fraction = 0;
};

// Told, on the calling thread, before each stage of a Pipeline call and
// before each pass or tile of its detection (a tile of a large photo takes
// well under a second); returning false stops the call, which then returns
// Status::Cancelled. The server stops work this way when its client has
// gone.
using WorkWatcher = std::function<bool(const WorkProgress&)>;

class Pipeline {
 public:
  static Result<std::unique_ptr<Pipeline>> Create(
      const PipelineOptions& options);
  ~Pipeline();

  // Decodes `bytes` and finds the faces; writes nothing. `watcher`, when
  // set, sees the progress and may stop the call (see WorkWatcher).
  Result<ImageReport> Detect(std::span<const uint8_t> bytes,
                             const WorkWatcher& watcher = {}) const;
  // The same with `call`'s decode and detector options.
  Result<ImageReport> Detect(std::span<const uint8_t> bytes,
                             const PipelineOptions& call,
                             const WorkWatcher& watcher = {}) const;

  // Detect() plus each face's embedding by `identifier`, in
  // report.identities (parallel to the faces; `embedded` false for a face
  // too small to embed), for callers that match faces across photos
  // themselves (the page's "keep this person in every photo"). Nothing is
  // decided: every identity says hidden. Writes nothing. `call` as for
  // Detect().
  Result<ImageReport> DetectWithEmbeddings(
      std::span<const uint8_t> bytes, const PipelineOptions& call,
      const FaceIdentifier& identifier, const WorkWatcher& watcher = {}) const;

  // Decodes, detects, anonymizes every face found and encodes, as
  // `output_format` or, when kUnknown, as OutputFormat() says.
  Result<AnonymizedImage> Anonymize(
      std::span<const uint8_t> bytes,
      ImageFormat output_format = ImageFormat::kUnknown) const;
  // The same with `call`'s options throughout (its output_format too).
  Result<AnonymizedImage> Anonymize(std::span<const uint8_t> bytes,
                                    const PipelineOptions& call) const;

  // Decodes and anonymizes exactly `selection` (no detection is run;
  // report.faces is selection.faces). `anonymize` overrides the pipeline's
  // anonymization options for this call. A selection covering more than
  // kMaxSelectionCoverage images is Status::TooLarge, refused before any
  // pixel is changed. `watcher` as for Detect().
  Result<AnonymizedImage> AnonymizeSelection(
      std::span<const uint8_t> bytes, const Selection& selection,
      const AnonymizeOptions& anonymize, const WorkWatcher& watcher = {}) const;
  // The same with `call`'s decode, anonymize, encode, metadata and output
  // format options.
  Result<AnonymizedImage> AnonymizeSelection(
      std::span<const uint8_t> bytes, const Selection& selection,
      const PipelineOptions& call, const WorkWatcher& watcher = {}) const;

  // The output format for an input of `input` format.
  ImageFormat OutputFormat(ImageFormat input) const;

  // Ok when `call` may be used for a call of this pipeline: it loads what
  // Create() loaded (detector.model, detector.model_file) and its detector
  // options are valid (ValidateDetectorOptions()). Else InvalidArgument
  // saying what differs. Every method taking a `call` checks it.
  Status CheckCall(const PipelineOptions& call) const;

  const PipelineOptions& options() const { return options_; }
  const Detector& detector() const { return *detector_; }

 private:
  Pipeline(const PipelineOptions& options, std::unique_ptr<Detector> detector);
  // The start of every call: CheckCall(), the decode stage's checkpoint
  // (`watcher` may stop the call), DecodeImage() with `call.decode`.
  Result<DecodedImage> DecodeCall(std::span<const uint8_t> bytes,
                                  const PipelineOptions& call,
                                  const WorkWatcher& watcher) const;
  Result<AnonymizedImage> Encode(std::span<const uint8_t> original,
                                 const DecodedImage& image, ImageReport report,
                                 const PipelineOptions& call) const;

  const PipelineOptions options_;
  std::unique_ptr<Detector> detector_;
};

}  // namespace faceveil

#endif  // FACEVEIL_PIPELINE_H_
