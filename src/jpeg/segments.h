// Parsers for the contents of single marker segments: frame and scan headers,
// the table segments (DQT, DHT, DAC, DRI, DNL) and the APPn identifiers and
// headers the policy looks at (JFIF, ICC_PROFILE, Adobe).
//
// Each parser sees one payload (the bytes after the length field) and knows
// nothing of the segments around it; the order of segments is checked in
// walker.cc. Parsers of kept segments are strict, the way libjpeg-turbo's
// marker reader is: a table that does not exactly fill its declared length is
// an error, because unparsed bytes in a kept segment could carry metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jpeg/error.h"

namespace exifscrub::jpeg {

using Bytes = std::span<const std::uint8_t>;

// Builds an Error whose message reads "<NAME> segment at offset <offset>: <fact>".
Error segment_error(ErrorKind kind, std::uint8_t code, std::uint64_t offset, std::string_view fact);

struct FrameComponent {
  std::uint8_t id = 0;
  std::uint8_t horizontal_sampling = 0;  // 1-4
  std::uint8_t vertical_sampling = 0;    // 1-4
  std::uint8_t quant_table = 0;          // 0-3
};

struct FrameHeader {
  std::uint8_t code = 0;       // SOFn marker code
  std::uint8_t precision = 0;  // bits per sample
  std::uint16_t height = 0;
  std::uint16_t width = 0;
  std::vector<FrameComponent> components;
};

// Parses a SOFn payload. Rejects (MalformedSegment) a payload whose size is
// not 6 + 3 x components, a zero width or height (a height defined later by
// DNL is not supported, as in libjpeg-turbo), a component count outside 1-4
// for progressive frames or 1-10 otherwise (libjpeg's MAX_COMPONENTS), a
// sample precision the frame type does not allow, sampling factors outside
// 1-4, a quantization table number over 3 and duplicate component ids.
Result<FrameHeader> parse_frame_header(std::uint8_t code, std::uint64_t offset, Bytes payload);

struct ScanHeader {
  std::vector<std::uint8_t> component_ids;
  std::uint8_t spectral_start = 0;  // Ss
  std::uint8_t spectral_end = 0;    // Se
  std::uint8_t approx_high = 0;     // Ah
  std::uint8_t approx_low = 0;      // Al
};

// Parses a SOS payload against the frame it belongs to. Rejects
// (MalformedSegment) a component count outside 1-4, a payload whose size is
// not 4 + 2 x components, a component not in the frame or named twice, a
// table number over 3, and for DCT frames a spectral range outside 0-63 or
// reversed, or successive approximation bits over 13.
Result<ScanHeader> parse_scan_header(std::uint64_t offset, Bytes payload, const FrameHeader& frame);

// Check that a table segment's payload is exactly a sequence of well-formed
// tables (DQT, DHT, DAC) or exactly the 2-byte value it must hold (DRI, DNL).
// Errors are MalformedSegment.
Status check_dqt(std::uint64_t offset, Bytes payload);
Status check_dht(std::uint64_t offset, Bytes payload);
Status check_dac(std::uint64_t offset, Bytes payload);
Status check_two_byte_segment(std::uint8_t code, std::uint64_t offset, Bytes payload);

// The well-known identifier an APPn payload starts with ("JFIF", "Exif", "XMP",
// "Extended XMP", "ICC_PROFILE", "MPF", "FlashPix", "Photoshop", "Ducky",
// "Adobe"...), or "" when the payload matches none. Never returns payload
// bytes, so unknown identifiers cannot leak into reports or logs. The text has
// static storage.
std::string_view identify_app(std::uint8_t code, Bytes payload);

// JFIF APP0 header fields (JFIF 1.02): the first 14 payload bytes.
struct JfifHeader {
  std::uint8_t thumbnail_width = 0;
  std::uint8_t thumbnail_height = 0;
};

// Parses an APP0 payload starting with "JFIF\0" and at least 14 bytes long,
// the minimum libjpeg-turbo reads; std::nullopt otherwise.
std::optional<JfifHeader> parse_jfif(Bytes payload);

// Size of a JFIF payload without thumbnail: identifier, version, units, densities, thumbnail size.
inline constexpr std::size_t kJfifPayloadSize = 14;

// Position of one APP2 ICC_PROFILE chunk in its profile (ICC.1, annex B.4).
struct IccChunk {
  std::uint8_t sequence = 0;  // 1-based
  std::uint8_t count = 0;     // chunks in the profile
};

// Parses an APP2 payload starting with "ICC_PROFILE\0" and holding at least
// the two numbering bytes; std::nullopt otherwise. Does not check the numbers.
std::optional<IccChunk> parse_icc_chunk(Bytes payload);

// Size of an Adobe APP14 payload: "Adobe", version, flags0, flags1, transform.
inline constexpr std::size_t kAdobePayloadSize = 12;

// True when an APP14 payload starts with "Adobe" and holds the 12 bytes that
// libjpeg-turbo reads.
bool is_adobe(Bytes payload);

}  // namespace exifscrub::jpeg
