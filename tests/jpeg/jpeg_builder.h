// Builders for hand-made JPEG byte arrays in the jpeg tests: segments of every
// kind, a minimal image whose structure the walker accepts, and real images
// encoded by libjpeg-turbo for the tests that decode or transform.
#pragma once

#include <turbojpeg.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "jpeg/markers.h"

namespace exifscrub::jpeg::testing {

using namespace std::string_view_literals;

using ByteVector = std::vector<std::uint8_t>;

inline ByteVector operator+(ByteVector left, const ByteVector& right) {
  left.insert(left.end(), right.begin(), right.end());
  return left;
}

// The bytes of a string, embedded NULs included (pass a "..."sv literal).
inline ByteVector text(std::string_view value) { return ByteVector(value.begin(), value.end()); }

inline ByteVector repeat(std::uint8_t byte, std::size_t count) { return ByteVector(count, byte); }

// A standalone marker: FF code.
inline ByteVector marker_bytes(std::uint8_t code) { return {marker::kPrefix, code}; }

// A marker segment: FF code, a length of payload + 2, the payload.
inline ByteVector segment(std::uint8_t code, const ByteVector& payload) {
  const std::size_t length = payload.size() + 2;
  ByteVector bytes = {marker::kPrefix, code, static_cast<std::uint8_t>(length >> 8),
                      static_cast<std::uint8_t>(length & 0xFF)};
  return bytes + payload;
}

inline ByteVector soi() { return marker_bytes(marker::kSoi); }
inline ByteVector eoi() { return marker_bytes(marker::kEoi); }

// One 8-bit quantization table 0 of all ones: 69 bytes.
inline ByteVector dqt() { return segment(marker::kDqt, ByteVector{0x00} + repeat(1, 64)); }

// A SOFn with one component (id 1, sampling 1x1, table 0): 13 bytes.
inline ByteVector sof(std::uint8_t code = marker::kSof0, std::uint16_t width = 16,
                      std::uint16_t height = 8) {
  return segment(code, {8, static_cast<std::uint8_t>(height >> 8),
                        static_cast<std::uint8_t>(height & 0xFF),
                        static_cast<std::uint8_t>(width >> 8),
                        static_cast<std::uint8_t>(width & 0xFF), 1, 1, 0x11, 0});
}

// A DC Huffman table 0 with one code of length 1: 22 bytes.
inline ByteVector dht() {
  ByteVector payload = {0x00, 1};
  payload = payload + repeat(0, 15) + ByteVector{0};
  return segment(marker::kDht, payload);
}

// A scan of component 1 with tables 0: 10 bytes.
inline ByteVector sos() { return segment(marker::kSos, {1, 1, 0x00, 0, 63, 0}); }

// The first scan of a progressive image (DC only, Ss=Se=0): 10 bytes.
inline ByteVector dc_sos() { return segment(marker::kSos, {1, 1, 0x00, 0, 0, 0}); }

// Entropy-coded bytes with a stuffed 0xFF and a restart marker: 8 bytes.
inline ByteVector scan_data() { return {0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78}; }

// DQT, SOF0, DHT, SOS, scan data and EOI: 124 bytes.
inline ByteVector minimal_body() { return dqt() + sof() + dht() + sos() + scan_data() + eoi(); }

// SOI then minimal_body(): 126 bytes, with SOI at offset 0, DQT 2, SOF0 71,
// DHT 84, SOS 106, scan data 116 and EOI 124.
inline ByteVector minimal_jpeg() { return soi() + minimal_body(); }

// An APP0 JFIF 1.02 segment with a thumbnail of width x height RGB pixels.
inline ByteVector jfif(std::uint8_t thumb_width = 0, std::uint8_t thumb_height = 0) {
  ByteVector payload = text("JFIF\0"sv) + ByteVector{1, 2, 1, 0, 72, 0, 72, thumb_width, thumb_height};
  return segment(marker::kApp0, payload + repeat(0x5A, 3u * thumb_width * thumb_height));
}

// Bytes of profile data in each chunk that icc() builds.
inline constexpr std::size_t kIccChunkData = 144;

// An APP2 ICC_PROFILE chunk: part `sequence` of a `count`-chunk profile of
// count x 144 bytes that passes the ICC checks (size field, "acsp", an empty
// tag table). Chunk 1 carries the header; the others carry filler.
inline ByteVector icc(std::uint8_t sequence, std::uint8_t count) {
  ByteVector data = repeat(static_cast<std::uint8_t>(0x40 + sequence), kIccChunkData);
  if (sequence == 1) {
    const std::size_t size = kIccChunkData * count;
    std::fill(data.begin(), data.begin() + 132, 0);
    data[0] = static_cast<std::uint8_t>(size >> 24);
    data[1] = static_cast<std::uint8_t>(size >> 16);
    data[2] = static_cast<std::uint8_t>(size >> 8);
    data[3] = static_cast<std::uint8_t>(size);
    data[36] = 'a';
    data[37] = 'c';
    data[38] = 's';
    data[39] = 'p';
  }
  return segment(marker::kApp2, text("ICC_PROFILE\0"sv) + ByteVector{sequence, count} + data);
}

// An APP14 Adobe segment with the given colour transform (0 none, 1 YCbCr, 2 YCCK).
inline ByteVector adobe(std::uint8_t transform = 1) {
  return segment(marker::kApp14, text("Adobe"sv) + ByteVector{0, 100, 0, 0, 0, 0, transform});
}

inline ByteVector xmp() {
  return segment(marker::kApp1, text("http://ns.adobe.com/xap/1.0/\0"sv) +
                                    text("<x:xmpmeta>Owner: Jane Roe</x:xmpmeta>"sv));
}

inline ByteVector com() { return segment(marker::kCom, text("serial 123456"sv)); }

// A real baseline JPEG from libjpeg-turbo: a width x height gradient, 4:2:0
// colour (or greyscale), quality 90, with a JFIF APP0.
inline ByteVector encoded_jpeg(int width, int height, bool grey = false) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width * height * 3));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::size_t at = static_cast<std::size_t>((y * width + x) * 3);
      pixels[at] = static_cast<unsigned char>(x * 255 / width);
      pixels[at + 1] = static_cast<unsigned char>(y * 255 / height);
      pixels[at + 2] = static_cast<unsigned char>((x + y) % 256);
    }
  }
  tjhandle handle = tjInitCompress();
  unsigned char* encoded = nullptr;
  unsigned long size = 0;
  const int status = tjCompress2(handle, pixels.data(), width, 0, height, TJPF_RGB, &encoded, &size,
                                 grey ? TJSAMP_GRAY : TJSAMP_420, 90, 0);
  ByteVector result;
  if (status == 0) result.assign(encoded, encoded + size);
  tjFree(encoded);
  tjDestroy(handle);
  return result;
}

// Inserts segments right after SOI.
inline ByteVector insert_after_soi(const ByteVector& image, const ByteVector& segments) {
  return ByteVector(image.begin(), image.begin() + 2) + segments +
         ByteVector(image.begin() + 2, image.end());
}

}  // namespace exifscrub::jpeg::testing
