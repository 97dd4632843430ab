#include "media/heif.h"

#include <libheif/heif.h>

#include <exception>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

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

Result<cv::Mat> DecodeHeif(std::span<const uint8_t> bytes, int64_t max_pixels,
                           int* bits_per_sample) {
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

  if (bits_per_sample != nullptr) {
    *bits_per_sample = heif_image_handle_get_luma_bits_per_pixel(handle.get());
  }
  const bool alpha = heif_image_handle_has_alpha_channel(handle.get()) != 0;
  const int channels = alpha ? 4 : 3;

  std::unique_ptr<heif_decoding_options, OptionsDeleter> options(
      heif_decoding_options_alloc());
  if (!options) return Status::Internal("libheif: cannot allocate options");
  options->ignore_transformations = 0;  // apply irot/imir/clap: upright
  heif_image* raw_image = nullptr;
  err = heif_decode_image(
      handle.get(), &raw_image, heif_colorspace_RGB,
      alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB,
      options.get());
  if (err.code != heif_error_Ok) return FromHeifError(err, "cannot decode");
  std::unique_ptr<heif_image, ImageDeleter> image(raw_image);

  const int w = heif_image_get_width(image.get(), heif_channel_interleaved);
  const int h = heif_image_get_height(image.get(), heif_channel_interleaved);
  int stride = 0;
  const uint8_t* plane = heif_image_get_plane_readonly(
      image.get(), heif_channel_interleaved, &stride);
  if (plane == nullptr || w <= 0 || h <= 0 || stride < channels * w ||
      heif_image_get_bits_per_pixel_range(image.get(),
                                          heif_channel_interleaved) != 8) {
    return Status::Corrupt("HEIF decoder returned no usable pixels");
  }
  try {
    const cv::Mat rgb(h, w, CV_8UC(channels), const_cast<uint8_t*>(plane),
                      static_cast<size_t>(stride));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, alpha ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGB2BGR);
    return bgr;
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("HEIF conversion failed: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("HEIF conversion failed: ") + e.what());
  }
}

HeifMetadata ReadHeifMetadata(std::span<const uint8_t> bytes) {
  HeifMetadata out;
  if (bytes.empty()) return out;
  std::unique_ptr<heif_context, ContextDeleter> ctx(heif_context_alloc());
  if (!ctx) return out;
  heif_context_set_maximum_image_size_limit(ctx.get(), kMaxSide);
  if (heif_context_read_from_memory_without_copy(ctx.get(), bytes.data(),
                                                 bytes.size(), nullptr)
          .code != heif_error_Ok) {
    return out;
  }
  heif_image_handle* raw_handle = nullptr;
  if (heif_context_get_primary_image_handle(ctx.get(), &raw_handle).code !=
      heif_error_Ok) {
    return out;
  }
  std::unique_ptr<heif_image_handle, HandleDeleter> handle(raw_handle);

  heif_item_id id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(handle.get(), "Exif",
                                                       &id, 1) == 1) {
    std::vector<uint8_t> block(
        heif_image_handle_get_metadata_size(handle.get(), id));
    if (block.size() > 4 &&
        heif_image_handle_get_metadata(handle.get(), id, block.data()).code ==
            heif_error_Ok) {
      // The block starts with the offset of the TIFF header after these
      // four bytes (ISO/IEC 23008-12, A.2.1).
      const uint64_t offset = uint64_t{block[0]} << 24 |
                              uint64_t{block[1]} << 16 |
                              uint64_t{block[2]} << 8 | block[3];
      if (offset < block.size() - 4) {
        out.exif_tiff.assign(block.begin() + 4 + offset, block.end());
      }
    }
  }
  const heif_color_profile_type type =
      heif_image_handle_get_color_profile_type(handle.get());
  if (type == heif_color_profile_type_prof ||
      type == heif_color_profile_type_rICC) {
    std::vector<uint8_t> icc(
        heif_image_handle_get_raw_color_profile_size(handle.get()));
    if (!icc.empty() &&
        heif_image_handle_get_raw_color_profile(handle.get(), icc.data())
                .code == heif_error_Ok) {
      out.icc = std::move(icc);
    }
  }
  return out;
}

}  // namespace faceveil::media
