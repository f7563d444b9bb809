// Real JPEGs for the pipeline tests: encoded by libjpeg-turbo, then given the
// metadata segments a camera writes (EXIF with an orientation, a comment), so
// the scrubber has something to remove and the decoder something to check.
#pragma once

#include <turbojpeg.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "jpeg/exif.h"

namespace exifscrub::pipeline::testing {

using Bytes = std::vector<std::uint8_t>;

// Encodes pseudo-random pixels at quality 100, which JPEG cannot compress
// well: about 2 bytes per pixel, for objects that need several upload parts.
inline Bytes encode_noise(int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  std::uint32_t state = 12345;
  for (auto& value : pixels) {
    state = state * 1664525u + 1013904223u;
    value = static_cast<unsigned char>(state >> 24);
  }
  tjhandle handle = tjInitCompress();
  unsigned char* jpeg = nullptr;
  unsigned long size = 0;
  const int status = tjCompress2(handle, pixels.data(), width, 0, height, TJPF_RGB, &jpeg, &size, TJSAMP_444,
                                 100, 0);
  if (status != 0) {
    tjDestroy(handle);
    throw std::runtime_error("tjCompress2 failed");
  }
  Bytes result(jpeg, jpeg + size);
  tjFree(jpeg);
  tjDestroy(handle);
  return result;
}

// Encodes a width x height colour gradient as a baseline 4:2:0 JPEG.
inline Bytes encode_gradient(int width, int height, int seed = 0) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const auto index = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
      pixels[index] = static_cast<unsigned char>((x * 255 / width + seed) & 0xFF);
      pixels[index + 1] = static_cast<unsigned char>((y * 255 / height) & 0xFF);
      pixels[index + 2] = static_cast<unsigned char>(((x ^ y) + seed * 7) & 0xFF);
    }
  }
  tjhandle handle = tjInitCompress();
  unsigned char* jpeg = nullptr;
  unsigned long size = 0;
  const int status = tjCompress2(handle, pixels.data(), width, 0, height, TJPF_RGB, &jpeg, &size, TJSAMP_420,
                                 85, 0);
  if (status != 0) {
    tjDestroy(handle);
    throw std::runtime_error("tjCompress2 failed");
  }
  Bytes result(jpeg, jpeg + size);
  tjFree(jpeg);
  tjDestroy(handle);
  return result;
}

// Inserts segments right after SOI.
inline Bytes with_segments_after_soi(const Bytes& jpeg, const Bytes& segments) {
  Bytes result(jpeg.begin(), jpeg.begin() + 2);
  result.insert(result.end(), segments.begin(), segments.end());
  result.insert(result.end(), jpeg.begin() + 2, jpeg.end());
  return result;
}

// A COM segment holding text.
inline Bytes comment_segment(const std::string& text) {
  const std::size_t length = text.size() + 2;
  Bytes segment = {0xFF, 0xFE, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length & 0xFF)};
  segment.insert(segment.end(), text.begin(), text.end());
  return segment;
}

// A photo with an EXIF orientation tag, a comment and a trailer after EOI.
inline Bytes camera_photo(int width, int height, int orientation, int seed = 0) {
  Bytes metadata = jpeg::build_orientation_exif(orientation);
  const Bytes comment = comment_segment("owner: Jane Example, serial 0042");
  metadata.insert(metadata.end(), comment.begin(), comment.end());
  Bytes photo = with_segments_after_soi(encode_gradient(width, height, seed), metadata);
  const std::string trailer = "TRAILER-WITH-GPS 48.8584N 2.2945E";
  photo.insert(photo.end(), trailer.begin(), trailer.end());
  return photo;
}

}  // namespace exifscrub::pipeline::testing
