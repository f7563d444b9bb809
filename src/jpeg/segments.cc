// Segment content parsers. The limits follow ITU-T T.81 annex B and the
// checks that libjpeg-turbo 2.1 applies in jdmarker.c, so a file it decodes
// without a warning passes here.
#include "jpeg/segments.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "jpeg/markers.h"

namespace exifscrub::jpeg {

namespace {

// libjpeg's MAX_COMPONENTS. T.81 allows 255 for sequential frames, but
// libjpeg-turbo rejects more than 10.
constexpr std::size_t kMaxFrameComponents = 10;
constexpr std::size_t kMaxProgressiveComponents = 4;  // T.81 B.2.2
constexpr std::size_t kMaxScanComponents = 4;         // T.81 B.2.3

std::uint16_t read_u16(Bytes bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

bool starts_with(Bytes payload, std::string_view prefix) {
  return payload.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), payload.begin(),
                    [](char c, std::uint8_t b) { return static_cast<std::uint8_t>(c) == b; });
}

// True when payload starts with prefix followed by a NUL byte.
bool starts_with_terminated(Bytes payload, std::string_view prefix) {
  return starts_with(payload, prefix) && payload.size() > prefix.size() &&
         payload[prefix.size()] == 0;
}

bool precision_allowed(std::uint8_t code, std::uint8_t precision) {
  if (marker::is_lossless_sof(code)) return precision >= 2 && precision <= 16;
  if (code == marker::kSof0) return precision == 8;
  return precision == 8 || precision == 12;
}

Status check_components(std::uint64_t offset, const FrameHeader& frame) {
  for (std::size_t i = 0; i < frame.components.size(); ++i) {
    const FrameComponent& c = frame.components[i];
    const std::string id = std::to_string(c.id);
    if (c.horizontal_sampling < 1 || c.horizontal_sampling > 4 || c.vertical_sampling < 1 ||
        c.vertical_sampling > 4) {
      return segment_error(ErrorKind::MalformedSegment, frame.code, offset,
                           "component " + id + " has a sampling factor outside 1-4");
    }
    if (c.quant_table > 3) {
      return segment_error(ErrorKind::MalformedSegment, frame.code, offset,
                           "component " + id + " names quantization table " +
                               std::to_string(c.quant_table) + ", over the maximum of 3");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (frame.components[j].id == c.id) {
        return segment_error(ErrorKind::MalformedSegment, frame.code, offset,
                             "component id " + id + " appears twice");
      }
    }
  }
  return Done{};
}

}  // namespace

Error segment_error(ErrorKind kind, std::uint8_t code, std::uint64_t offset, std::string_view fact) {
  std::string message = std::string(marker::name(code)) + " segment at offset " + std::to_string(offset) + ": ";
  message += fact;
  return Error{kind, offset, code, std::move(message)};
}

Result<FrameHeader> parse_frame_header(std::uint8_t code, std::uint64_t offset, Bytes payload) {
  auto malformed = [&](std::string_view fact) {
    return segment_error(ErrorKind::MalformedSegment, code, offset, fact);
  };
  if (payload.size() < 6) {
    return malformed("length " + std::to_string(payload.size() + 2) + " is below the minimum of 8");
  }

  FrameHeader frame;
  frame.code = code;
  frame.precision = payload[0];
  frame.height = read_u16(payload, 1);
  frame.width = read_u16(payload, 3);
  const std::size_t count = payload[5];
  const std::size_t max_count =
      marker::is_progressive_sof(code) ? kMaxProgressiveComponents : kMaxFrameComponents;

  if (count < 1 || count > max_count) {
    return malformed("component count " + std::to_string(count) + " is outside 1-" +
                     std::to_string(max_count));
  }
  if (payload.size() != 6 + 3 * count) {
    return malformed("length " + std::to_string(payload.size() + 2) + " does not match the " +
                     std::to_string(8 + 3 * count) + " bytes of " + std::to_string(count) +
                     " components");
  }
  if (!precision_allowed(code, frame.precision)) {
    return malformed("sample precision " + std::to_string(frame.precision) +
                     " is not allowed for this frame type");
  }
  // libjpeg-turbo 2.1, the decoder behind the transform and the pixel
  // checks, handles neither: such output could never be verified.
  if (marker::is_lossless_sof(code)) {
    return segment_error(ErrorKind::UnsupportedFeature, code, offset,
                         "lossless JPEG is not supported");
  }
  if (frame.precision != 8) {
    return segment_error(ErrorKind::UnsupportedFeature, code, offset,
                         "sample precision " + std::to_string(frame.precision) +
                             " is not supported, only 8-bit samples are");
  }
  if (frame.height == 0) return malformed("image height is 0 (height set by DNL is not supported)");
  if (frame.width == 0) return malformed("image width is 0");

  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = 6 + 3 * i;
    frame.components.push_back(FrameComponent{payload[at],
                                              static_cast<std::uint8_t>(payload[at + 1] >> 4),
                                              static_cast<std::uint8_t>(payload[at + 1] & 0x0F),
                                              payload[at + 2]});
  }
  if (Status checked = check_components(offset, frame); !checked) return checked.error();
  return frame;
}

// The progression rules of ITU T.81 G.1.1.1 that decoders enforce: a DC scan
// has Se 0, an AC scan covers one component within 1-63, and a refinement
// scan lowers Al by exactly one bit. The error message is the fact only.
Status check_progression(const ScanHeader& scan, std::size_t component_count) {
  auto fact = [](std::string text) { return Error{ErrorKind::MalformedSegment, 0, std::nullopt, std::move(text)}; };
  const std::string parameters = "progressive parameters Ss=" + std::to_string(scan.spectral_start) +
                                 " Se=" + std::to_string(scan.spectral_end) +
                                 " Ah=" + std::to_string(scan.approx_high) +
                                 " Al=" + std::to_string(scan.approx_low);
  if (scan.spectral_start == 0 && scan.spectral_end != 0) {
    return fact(parameters + " are invalid: a DC scan must have Se=0");
  }
  if (scan.spectral_start != 0 && component_count != 1) {
    return fact(parameters + " are invalid: an AC scan must hold one component");
  }
  if (scan.approx_high != 0 && scan.approx_low + 1 != scan.approx_high) {
    return fact(parameters + " are invalid: a refinement scan must have Al=Ah-1");
  }
  return Done{};
}

Result<ScanHeader> parse_scan_header(std::uint64_t offset, Bytes payload, const FrameHeader& frame) {
  auto malformed = [&](std::string_view fact) {
    return segment_error(ErrorKind::MalformedSegment, marker::kSos, offset, fact);
  };
  const std::size_t count = payload.empty() ? 0 : payload[0];
  if (count < 1 || count > kMaxScanComponents) {
    return malformed("component count " + std::to_string(count) + " is outside 1-4");
  }
  if (payload.size() != 4 + 2 * count) {
    return malformed("length " + std::to_string(payload.size() + 2) + " does not match the " +
                     std::to_string(6 + 2 * count) + " bytes of " + std::to_string(count) +
                     " components");
  }

  ScanHeader scan;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t id = payload[1 + 2 * i];
    const std::uint8_t tables = payload[2 + 2 * i];
    const bool in_frame = std::any_of(frame.components.begin(), frame.components.end(),
                                      [id](const FrameComponent& c) { return c.id == id; });
    if (!in_frame) return malformed("component " + std::to_string(id) + " is not in the frame");
    if (std::find(scan.component_ids.begin(), scan.component_ids.end(), id) !=
        scan.component_ids.end()) {
      return malformed("component " + std::to_string(id) + " appears twice");
    }
    if ((tables >> 4) > 3 || (tables & 0x0F) > 3) {
      return malformed("component " + std::to_string(id) + " names a table number over 3");
    }
    scan.component_ids.push_back(id);
  }

  const std::size_t tail = 1 + 2 * count;
  scan.spectral_start = payload[tail];
  scan.spectral_end = payload[tail + 1];
  scan.approx_high = static_cast<std::uint8_t>(payload[tail + 2] >> 4);
  scan.approx_low = static_cast<std::uint8_t>(payload[tail + 2] & 0x0F);
  if (!marker::is_lossless_sof(frame.code)) {
    if (scan.spectral_end > 63 || scan.spectral_start > scan.spectral_end) {
      return malformed("spectral selection " + std::to_string(scan.spectral_start) + "-" +
                       std::to_string(scan.spectral_end) + " is outside 0-63");
    }
    if (scan.approx_high > 13 || scan.approx_low > 13) {
      return malformed("successive approximation bits exceed 13");
    }
  }
  if (marker::is_progressive_sof(frame.code)) {
    if (Status checked = check_progression(scan, count); !checked) {
      return malformed(checked.error().message);
    }
  }
  return scan;
}

Status check_dqt(std::uint64_t offset, Bytes payload) {
  std::size_t at = 0;
  // Each table is one byte Pq|Tq then 64 entries of 1 byte (Pq 0) or 2 bytes (Pq 1).
  while (at < payload.size()) {
    const std::uint8_t precision = static_cast<std::uint8_t>(payload[at] >> 4);
    const std::uint8_t table = static_cast<std::uint8_t>(payload[at] & 0x0F);
    if (precision > 1 || table > 3) {
      return segment_error(ErrorKind::MalformedSegment, marker::kDqt, offset,
                           "table at byte " + std::to_string(at + 4) +
                               " has an invalid precision or a table number over 3");
    }
    const std::size_t size = 1 + 64 * (precision + 1u);
    if (payload.size() - at < size) {
      return segment_error(ErrorKind::MalformedSegment, marker::kDqt, offset,
                           "table at byte " + std::to_string(at + 4) +
                               " runs past the declared length");
    }
    at += size;
  }
  if (payload.empty()) {
    return segment_error(ErrorKind::MalformedSegment, marker::kDqt, offset, "contains no table");
  }
  return Done{};
}

// Checks one table (Tc|Th, 16 counts, symbols) the way decoders build it
// (ITU T.81 C.2): the canonical codes of each length must fit in that many
// bits without using the all-ones code, and DC symbols are bit counts 0-15.
// Returns the fact that breaks it, if any.
std::optional<std::string> check_huffman_codes(Bytes table) {
  std::size_t remaining = table.size() - 17;
  std::uint32_t code = 0;
  for (std::uint32_t length = 1; length <= 16 && remaining > 0; ++length) {
    const std::uint8_t count = table[length];
    code += count;
    remaining -= count;
    if (code >= (1u << length)) {
      return "has more codes of length " + std::to_string(length) + " than the code space allows";
    }
    code <<= 1;
  }
  const bool dc = (table[0] >> 4) == 0;
  for (std::size_t i = 17; dc && i < table.size(); ++i) {
    if (table[i] > 15) return "has DC symbol " + std::to_string(table[i]) + ", over the maximum of 15";
  }
  return std::nullopt;
}

Status check_dht(std::uint64_t offset, Bytes payload) {
  std::size_t at = 0;
  // Each table is one byte Tc|Th, 16 code-length counts, then that many symbols.
  while (at < payload.size()) {
    const std::uint8_t table_class = static_cast<std::uint8_t>(payload[at] >> 4);
    const std::uint8_t table = static_cast<std::uint8_t>(payload[at] & 0x0F);
    if (table_class > 1 || table > 3) {
      return segment_error(ErrorKind::MalformedSegment, marker::kDht, offset,
                           "table at byte " + std::to_string(at + 4) +
                               " has a class over 1 or a table number over 3");
    }
    if (payload.size() - at < 17) {
      return segment_error(ErrorKind::MalformedSegment, marker::kDht, offset,
                           "table at byte " + std::to_string(at + 4) +
                               " runs past the declared length");
    }
    std::size_t symbols = 0;
    for (std::size_t i = 1; i <= 16; ++i) symbols += payload[at + i];
    if (symbols > 256) {
      return segment_error(ErrorKind::MalformedSegment, marker::kDht, offset,
                           "table at byte " + std::to_string(at + 4) + " declares " +
                               std::to_string(symbols) + " symbols, over the maximum of 256");
    }
    if (payload.size() - at - 17 < symbols) {
      return segment_error(ErrorKind::MalformedSegment, marker::kDht, offset,
                           "table at byte " + std::to_string(at + 4) +
                               " runs past the declared length");
    }
    if (auto fact = check_huffman_codes(payload.subspan(at, 17 + symbols))) {
      return segment_error(ErrorKind::MalformedSegment, marker::kDht, offset,
                           "table at byte " + std::to_string(at + 4) + " " + *fact);
    }
    at += 17 + symbols;
  }
  if (payload.empty()) {
    return segment_error(ErrorKind::MalformedSegment, marker::kDht, offset, "contains no table");
  }
  return Done{};
}

Status check_dac(std::uint64_t offset, Bytes payload) {
  if (payload.empty() || payload.size() % 2 != 0) {
    return segment_error(ErrorKind::MalformedSegment, marker::kDac, offset,
                         "length " + std::to_string(payload.size() + 2) +
                             " is not 2 plus a positive multiple of 2");
  }
  for (std::size_t at = 0; at < payload.size(); at += 2) {
    if ((payload[at] >> 4) > 1 || (payload[at] & 0x0F) > 3) {
      return segment_error(ErrorKind::MalformedSegment, marker::kDac, offset,
                           "table at byte " + std::to_string(at + 4) +
                               " has a class over 1 or a table number over 3");
    }
  }
  return Done{};
}

Status check_two_byte_segment(std::uint8_t code, std::uint64_t offset, Bytes payload) {
  if (payload.size() != 2) {
    return segment_error(ErrorKind::MalformedSegment, code, offset,
                         "length " + std::to_string(payload.size() + 2) + " is not 4");
  }
  return Done{};
}

std::string_view identify_app(std::uint8_t code, Bytes payload) {
  struct Known {
    std::uint8_t code;
    std::string_view prefix;
    bool terminated;  // the prefix is followed by a NUL byte
    std::string_view identifier;
  };
  static constexpr std::array<Known, 12> kKnown = {{
      {marker::kApp0, app_id::kJfif, true, "JFIF"},
      {marker::kApp0, app_id::kJfxx, true, "JFXX"},
      {marker::kApp0, "AVI1", false, "AVI1"},
      {marker::kApp1, app_id::kExif, true, "Exif"},
      {marker::kApp1, app_id::kXmp, true, "XMP"},
      {marker::kApp1, app_id::kExtendedXmp, true, "Extended XMP"},
      {marker::kApp2, app_id::kIccProfile, true, "ICC_PROFILE"},
      {marker::kApp2, app_id::kMpf, true, "MPF"},
      {marker::kApp2, app_id::kFlashPix, true, "FlashPix"},
      {0xEC, app_id::kDucky, false, "Ducky"},
      {marker::kApp13, app_id::kPhotoshop, true, "Photoshop"},
      {marker::kApp14, app_id::kAdobe, false, "Adobe"},
  }};
  for (const Known& known : kKnown) {
    if (known.code != code) continue;
    const bool match = known.terminated ? starts_with_terminated(payload, known.prefix)
                                        : starts_with(payload, known.prefix);
    if (match) return known.identifier;
  }
  return "";
}

std::optional<JfifHeader> parse_jfif(Bytes payload) {
  if (payload.size() < kJfifPayloadSize || !starts_with_terminated(payload, app_id::kJfif)) {
    return std::nullopt;
  }
  return JfifHeader{payload[12], payload[13]};
}

std::optional<IccChunk> parse_icc_chunk(Bytes payload) {
  const std::size_t header = app_id::kIccProfile.size() + 1;
  if (payload.size() < header + 2 || !starts_with_terminated(payload, app_id::kIccProfile)) {
    return std::nullopt;
  }
  return IccChunk{payload[header], payload[header + 1]};
}

bool is_adobe(Bytes payload) {
  return payload.size() >= kAdobePayloadSize && starts_with(payload, app_id::kAdobe);
}

}  // namespace exifscrub::jpeg
