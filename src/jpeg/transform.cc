// Lossless orientation transform through TurboJPEG (libjpeg-turbo 2.1, the
// tjInitTransform/tjTransform API), with the pixel limit checked first.
//
// Facts about libjpeg-turbo 2.1.5 (Debian 12) that this file relies on, each
// checked by tests/jpeg/transform_test.cc:
// - With TJXOPT_COPYNONE the output contains SOI, a JFIF APP0 for YCbCr and
//   grayscale images or an Adobe APP14 for CMYK/YCCK, DQT, SOF, DHT, SOS and
//   EOI. libjpeg writes those itself; no input marker is copied.
// - A progressive input comes out baseline unless TJXOPT_PROGRESSIVE is set,
//   so the option is set for progressive inputs. Arithmetic-coded inputs come
//   out Huffman-coded, which every decoder reads.
// - tjTransform rejects inputs whose sampling factors TurboJPEG cannot name
//   ("Could not determine subsampling type"), such as 1x4 luma sampling,
//   although jpegtran transforms them. Such images fail with TransformFailed.
// - A TurboJPEG handle is not thread-safe but is cheap, so each call creates
//   and destroys its own. Output buffers come from tjAlloc and go to tjFree.
#include "jpeg/transform.h"

#include <turbojpeg.h>

#include <array>
#include <memory>
#include <optional>
#include <string>

namespace exifscrub::jpeg {
namespace {

struct HandleDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using Handle = std::unique_ptr<void, HandleDeleter>;

struct BufferDeleter {
  void operator()(unsigned char* buffer) const { tjFree(buffer); }
};
using Buffer = std::unique_ptr<unsigned char, BufferDeleter>;

// The first frame header (SOFn), found by walking segment lengths.
struct FrameHeader {
  std::uint64_t offset = 0;
  std::uint8_t marker = 0;
  int width = 0;
  int height = 0;
};

bool is_frame_marker(std::uint8_t marker) {
  // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// Walks from SOI to the first SOFn. Returns std::nullopt for anything it does
// not recognise; libjpeg-turbo then reports the problem in its own words, or
// supplies the dimensions for the pixel limit. The dimensions are read here
// rather than with tjDecompressHeader3 because TurboJPEG 2.1 rejects sampling
// factors it cannot name, and tjTransform itself writes such images: a 4:1:1
// image rotated by 90 degrees comes out with 1x4 luma sampling.
std::optional<FrameHeader> find_frame_header(std::span<const std::uint8_t> jpeg) {
  if (jpeg.size() < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return std::nullopt;
  std::size_t pos = 2;
  // Each step advances by at least 2 bytes, so the loop ends within size/2 steps.
  while (pos + 4 <= jpeg.size()) {
    if (jpeg[pos] != 0xFF) return std::nullopt;
    const std::uint8_t marker = jpeg[pos + 1];
    if (marker == 0xFF) {  // fill byte before a marker
      ++pos;
      continue;
    }
    if (is_frame_marker(marker)) {
      // SOFn: length (2), precision (1), height (2), width (2).
      if (pos + 9 > jpeg.size()) return std::nullopt;
      const int height = jpeg[pos + 5] << 8 | jpeg[pos + 6];
      const int width = jpeg[pos + 7] << 8 | jpeg[pos + 8];
      return FrameHeader{pos, marker, width, height};
    }
    if (marker == 0xDA || marker == 0xD9 || marker == 0xD8) return std::nullopt;
    const std::size_t length = std::size_t{jpeg[pos + 2]} << 8 | jpeg[pos + 3];
    if (length < 2) return std::nullopt;
    pos += 2 + length;
  }
  return std::nullopt;
}

// EXIF orientation -> the TurboJPEG operation that makes the image upright.
std::optional<int> operation_for(int orientation) {
  constexpr std::array<int, 9> kOperations = {
      -1,           TJXOP_NONE,  TJXOP_HFLIP,      TJXOP_ROT180, TJXOP_VFLIP,
      TJXOP_TRANSPOSE, TJXOP_ROT90, TJXOP_TRANSVERSE, TJXOP_ROT270,
  };
  if (orientation < 1 || orientation > 8) return std::nullopt;
  return kOperations[static_cast<std::size_t>(orientation)];
}

bool swaps_axes(int operation) {
  return operation == TJXOP_TRANSPOSE || operation == TJXOP_TRANSVERSE ||
         operation == TJXOP_ROT90 || operation == TJXOP_ROT270;
}

Error transform_error(void* handle, std::string_view step) {
  std::string message = "lossless transform failed: ";
  message += step;
  message += ": ";
  message += tjGetErrorStr2(handle);
  return Error{ErrorKind::TransformFailed, 0, std::nullopt, std::move(message)};
}

std::string frame_name(std::uint8_t marker) {
  return "SOF" + std::to_string(marker - 0xC0);
}

Error too_large_error(const std::optional<FrameHeader>& frame, int width, int height,
                      std::uint64_t max_pixels) {
  const std::uint64_t pixels = std::uint64_t(width) * std::uint64_t(height);
  std::string message = frame ? frame_name(frame->marker) + " segment at offset " +
                                    std::to_string(frame->offset) + ": "
                              : std::string("frame header: ");
  message += "image of " + std::to_string(width) + "x" + std::to_string(height) + " (" +
             std::to_string(pixels) + " pixels) exceeds the transform limit of " +
             std::to_string(max_pixels) + " pixels";
  return Error{ErrorKind::TooLarge, frame ? frame->offset : 0,
               frame ? std::optional<std::uint8_t>(frame->marker) : std::nullopt,
               std::move(message)};
}

}  // namespace

Result<TransformResult> transform_to_upright(std::span<const std::uint8_t> jpeg, int orientation,
                                             std::uint64_t max_pixels) {
  const auto operation = operation_for(orientation);
  if (!operation) {
    return Error{ErrorKind::UnsupportedFeature, 0, std::nullopt,
                 "EXIF orientation " + std::to_string(orientation) + " is outside 1-8"};
  }
  Handle handle(tjInitTransform());
  if (!handle) return transform_error(nullptr, "creating the TurboJPEG instance");

  auto* source = const_cast<unsigned char*>(jpeg.data());  // TurboJPEG 2.1 is not const-correct
  const auto frame = find_frame_header(jpeg);
  int width = frame ? frame->width : 0;
  int height = frame ? frame->height : 0;
  if (!frame) {
    // jpeg_read_header stops at the first SOS and allocates no sample or
    // coefficient memory, so the limit is still checked before the image
    // costs anything.
    int subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(handle.get(), source, jpeg.size(), &width, &height, &subsampling,
                            &colorspace) != 0) {
      return transform_error(handle.get(), "reading the header");
    }
  }
  if (std::uint64_t(width) * std::uint64_t(height) > max_pixels) {
    return too_large_error(frame, width, height, max_pixels);
  }

  tjtransform transform{};
  transform.op = *operation;
  transform.options = TJXOPT_TRIM | TJXOPT_COPYNONE;
  // SOF2 and SOF10 are progressive; keep them so (see the file comment).
  if (frame && (frame->marker == 0xC2 || frame->marker == 0xCA)) {
    transform.options |= TJXOPT_PROGRESSIVE;
  }
  unsigned char* output = nullptr;
  unsigned long output_size = 0;
  // STOPONWARNING: corrupt entropy data is a warning to libjpeg, which would
  // otherwise fill the gap and succeed. LIMITSCANS caps progressive scans at
  // 500, which defeats scan-count bombs.
  const int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;
  const int status = tjTransform(handle.get(), source, jpeg.size(), 1, &output, &output_size,
                                 &transform, flags);
  Buffer owned(output);
  if (status != 0) return transform_error(handle.get(), "transforming");

  TransformResult result;
  result.jpeg.assign(owned.get(), owned.get() + output_size);
  const auto output_frame = find_frame_header(result.jpeg);
  if (!output_frame) {
    return Error{ErrorKind::TransformFailed, 0, std::nullopt,
                 "lossless transform failed: the output has no frame header"};
  }
  const int out_width = output_frame->width;
  const int out_height = output_frame->height;
  // Trimmed counts are measured on the output rather than predicted from the
  // MCU size, in the output's orientation.
  const bool swapped = swaps_axes(*operation);
  const int full_width = swapped ? height : width;
  const int full_height = swapped ? width : height;
  result.width = static_cast<std::uint32_t>(out_width);
  result.height = static_cast<std::uint32_t>(out_height);
  result.trimmed_columns = static_cast<std::uint32_t>(full_width - out_width);
  result.trimmed_rows = static_cast<std::uint32_t>(full_height - out_height);
  return result;
}

}  // namespace exifscrub::jpeg
