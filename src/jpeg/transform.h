// Lossless orientation transform: rotates or flips a JPEG in the DCT domain
// through libjpeg-turbo's libjpeg API, so that an image tagged with EXIF
// orientation 2-8 displays upright without the tag.
//
// Does not decode or re-encode pixels, and does not walk or keep metadata: the
// output holds only the markers libjpeg writes itself. The difficulties are
// partial MCUs at the right and bottom edges, which cannot move losslessly
// (they are trimmed and the trimmed counts are reported), and memory: the
// coefficients are held packed rather than in libjpeg's arrays.
#pragma once

#include <cstdint>
#include <functional>
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

// Losslessly transforms (in the DCT domain) an image carrying EXIF orientation
// 2-8 so it displays upright: 2 HFLIP, 3 ROT180, 4 VFLIP, 5 TRANSPOSE, 6 ROT90,
// 7 TRANSVERSE, 8 ROT270. Partial edge MCUs are trimmed as by jpegtran -trim,
// and the trimmed pixel counts reported, in the output's orientation. The
// output bytes equal `jpegtran -copy none -trim` (plus -progressive for a
// progressive input), except that transposing swaps the JFIF pixel density.
// Orientation 1 returns a re-written copy with no transform. Memory: about 12
// bytes per 8x8 block plus one per nonzero coefficient, and the output.
//
// Errors: ErrorKind::TooLarge, before any allocation for the image, when
// width*height from the SOF exceeds max_pixels (a 60000x60000 SOF is a
// decompression bomb); ErrorKind::TransformFailed with libjpeg's message when
// it rejects the input or warns about it (corrupt or truncated data), or when
// a progressive image has more than 500 scans; ErrorKind::UnsupportedFeature
// for an orientation outside 1-8. The output carries no markers except those
// libjpeg writes itself. Thread-safe: no state outlives the call.
Result<TransformResult> transform_to_upright(std::span<const std::uint8_t> jpeg, int orientation,
                                             std::uint64_t max_pixels);

// Receives the transformed image in order, in pieces of up to 64 KiB that are
// valid during the call only. Returns false to stop the transform.
using TransformSink = std::function<bool(std::span<const std::uint8_t>)>;

// The same transform, taking over the input and passing the output to sink
// as libjpeg writes it. Neither the whole input nor the whole output is then
// in memory beside the coefficients. On Linux the input's pages go back to the
// system as libjpeg reads them, and the whole input is freed before the first
// output byte. TransformResult::jpeg stays empty. On an error the sink may
// have received part of the output, which the caller must discard. A sink
// that returns false or throws ends the transform with TransformFailed.
Result<TransformResult> transform_to_upright(std::vector<std::uint8_t> jpeg, int orientation,
                                             std::uint64_t max_pixels, const TransformSink& sink);

}  // namespace exifscrub::jpeg
