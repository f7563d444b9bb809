// Lossless orientation transform: rotates or flips a JPEG in the DCT domain
// with libjpeg-turbo's TurboJPEG API (tjTransform) so that an image tagged with
// EXIF orientation 2-8 displays upright without the tag.
//
// Does not decode or re-encode pixels, and does not walk or keep metadata: the
// output holds only the markers libjpeg-turbo writes itself. The difficulty is
// partial MCUs at the right and bottom edges, which cannot move losslessly;
// they are trimmed and the trimmed counts are reported.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "jpeg/error.h"

namespace exifscrub::jpeg {

struct TransformResult {
  std::vector<std::uint8_t> jpeg;       // the transformed image, SOI to EOI
  std::uint32_t width = 0;              // output width in pixels, after the trim
  std::uint32_t height = 0;             // output height in pixels, after the trim
  std::uint32_t trimmed_columns = 0;    // pixel columns dropped from the displayed image
  std::uint32_t trimmed_rows = 0;       // pixel rows dropped from the displayed image
};

// Losslessly transforms (DCT domain, libjpeg-turbo tjTransform) an image
// carrying EXIF orientation 2-8 so it displays upright: 2 HFLIP, 3 ROT180,
// 4 VFLIP, 5 TRANSPOSE, 6 ROT90, 7 TRANSVERSE, 8 ROT270. Partial edge MCUs are
// trimmed (TJXOPT_TRIM) and the trimmed pixel counts reported, in the output's
// orientation. Orientation 1 returns a re-written copy with no transform.
//
// Errors: ErrorKind::TooLarge, before any allocation for the image, when
// width*height from the SOF exceeds max_pixels (a 60000x60000 SOF is a
// decompression bomb); ErrorKind::TransformFailed with libjpeg-turbo's message
// when it rejects the input; ErrorKind::UnsupportedFeature for an orientation
// outside 1-8. The output carries no markers except those libjpeg-turbo
// writes itself (TJXOPT_COPYNONE). Thread-safe: no state outlives the call.
Result<TransformResult> transform_to_upright(std::span<const std::uint8_t> jpeg, int orientation,
                                             std::uint64_t max_pixels);

}  // namespace exifscrub::jpeg
