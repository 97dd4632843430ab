// Pixelation of one mask region into a few large blocks.
#ifndef FACEVEIL_ANONYMIZE_PIXELATE_H_
#define FACEVEIL_ANONYMIZE_PIXELATE_H_

#include <opencv2/core/mat.hpp>

namespace faceveil::anonymize {

// The most blocks across a face at any strength (README: "never more than
// ~8 blocks across a face").
inline constexpr int kMaxPixelBlocks = 8;

// Blocks across the fully covered square at `strength` (already clamped):
// 8 at strength 1 and below, fewer above (8 / strength, rounded), never
// fewer than 2.
int PixelBlocksAcross(float strength);

// Returns the pixelated pixels of `visible` (region ∩ image), same type as
// `image`. The region is split into whole blocks of about `block_size`
// pixels, anchored to the whole region; each block is the mean of its
// visible pixels, so a face cut by the border keeps blocks as large as a
// whole one's.
cv::Mat PixelateRegion(const cv::Mat& image, cv::Rect region, cv::Rect visible,
                       double block_size);

}  // namespace faceveil::anonymize

#endif  // FACEVEIL_ANONYMIZE_PIXELATE_H_
