#include "media/heif.h"

#include <libheif/heif.h>

#include <exception>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>

namespace faceveil::media {

namespace {

// Side limit handed to libheif: beyond JPEG's, which we write HEIF as.
constexpr int kMaxSide = 65535;

struct ContextDeleter {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HandleDeleter {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct ImageDeleter {
  void operator()(heif_image* i) const { heif_image_release(i); }
};
struct OptionsDeleter {
  void operator()(heif_decoding_options* o) const {
    heif_decoding_options_free(o);
  }
};

Status FromHeifError(const heif_error& err, const char* what) {
  std::string msg = std::string(what) + ": " +
                    (err.message != nullptr ? err.message : "unknown error");
  switch (err.code) {
    case heif_error_Unsupported_filetype:
    case heif_error_Unsupported_feature:
    case heif_error_Decoder_plugin_error:
      return Status::Unsupported("HEIF " + msg);
    case heif_error_Memory_allocation_error:
      return Status::TooLarge("HEIF " + msg);
    default:
      return Status::Corrupt("HEIF " + msg);
  }
}

}  // namespace

Result<cv::Mat> DecodeHeif(std::span<const uint8_t> bytes, int64_t max_pixels) {
  if (bytes.empty()) return Status::Corrupt("empty HEIF data");
  std::unique_ptr<heif_context, ContextDeleter> ctx(heif_context_alloc());
  if (!ctx) return Status::Internal("libheif: cannot allocate a context");
  heif_context_set_maximum_image_size_limit(ctx.get(), kMaxSide);
  heif_error err = heif_context_read_from_memory_without_copy(
      ctx.get(), bytes.data(), bytes.size(), nullptr);
  if (err.code != heif_error_Ok) return FromHeifError(err, "cannot parse");

  heif_image_handle* raw_handle = nullptr;
  err = heif_context_get_primary_image_handle(ctx.get(), &raw_handle);
  if (err.code != heif_error_Ok) return FromHeifError(err, "no primary image");
  std::unique_ptr<heif_image_handle, HandleDeleter> handle(raw_handle);

  // Coded size: rotation swaps the sides but keeps the product.
  const int64_t width = heif_image_handle_get_ispe_width(handle.get());
  const int64_t height = heif_image_handle_get_ispe_height(handle.get());
  if (width <= 0 || height <= 0) {
    return Status::Corrupt("HEIF image has no size");
  }
  if (width * height > max_pixels) {
    return Status::TooLarge(std::to_string(width) + "x" +
                            std::to_string(height) +
                            " HEIF image exceeds the limit of " +
                            std::to_string(max_pixels) + " pixels");
  }

  std::unique_ptr<heif_decoding_options, OptionsDeleter> options(
      heif_decoding_options_alloc());
  if (!options) return Status::Internal("libheif: cannot allocate options");
  options->ignore_transformations = 0;  // apply irot/imir/clap: upright
  heif_image* raw_image = nullptr;
  err = heif_decode_image(handle.get(), &raw_image, heif_colorspace_RGB,
                          heif_chroma_interleaved_RGB, options.get());
  if (err.code != heif_error_Ok) return FromHeifError(err, "cannot decode");
  std::unique_ptr<heif_image, ImageDeleter> image(raw_image);

  const int w = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int h = heif_image_get_height(image.get(), heif_channel_interleaved);
  int stride = 0;
  const uint8_t* plane = heif_image_get_plane_readonly(
      image.get(), heif_channel_interleaved, &stride);
  if (plane == nullptr || w <= 0 || h <= 0 || stride < 3 * w ||
      heif_image_get_bits_per_pixel_range(image.get(),
                                          heif_channel_interleaved) != 8) {
    return Status::Corrupt("HEIF decoder returned no usable pixels");
  }
  try {
    const cv::Mat rgb(h, w, CV_8UC3, const_cast<uint8_t*>(plane),
                      static_cast<size_t>(stride));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    return bgr;
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("HEIF conversion failed: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("HEIF conversion failed: ") + e.what());
  }
}

}  // namespace faceveil::media
