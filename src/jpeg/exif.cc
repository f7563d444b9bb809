// Reads and writes the one EXIF tag the scrubber needs: IFD0 Orientation.
// Layout (EXIF 2.32, TIFF 6.0): "Exif\0\0", then a TIFF header (byte order
// "II" or "MM", the number 42, the offset of IFD0), then IFD0 (a 2-byte entry
// count, 12-byte entries, a 4-byte offset of the next IFD). All offsets count
// from the start of the TIFF header.
#include "jpeg/exif.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace exifscrub::jpeg {
namespace {

constexpr std::array<std::uint8_t, 6> kExifIdentifier = {'E', 'x', 'i', 'f', 0, 0};
constexpr std::size_t kTiffHeaderSize = 8;
constexpr std::size_t kIfdEntrySize = 12;
constexpr std::uint16_t kOrientationTag = 0x0112;
constexpr std::uint16_t kTypeShort = 3;

// A bounds-checked reader over the TIFF structure in one byte order.
class TiffReader {
 public:
  TiffReader(std::span<const std::uint8_t> tiff, bool big_endian)
      : tiff_(tiff), big_endian_(big_endian) {}

  std::size_t size() const { return tiff_.size(); }

  // Both return std::nullopt when the read would pass the end.
  std::optional<std::uint16_t> u16(std::size_t offset) const {
    if (offset > tiff_.size() || tiff_.size() - offset < 2) return std::nullopt;
    const unsigned b0 = tiff_[offset];
    const unsigned b1 = tiff_[offset + 1];
    return static_cast<std::uint16_t>(big_endian_ ? (b0 << 8) | b1 : (b1 << 8) | b0);
  }
  std::optional<std::uint32_t> u32(std::size_t offset) const {
    const auto first = u16(offset);
    const auto second = u16(offset + 2);
    if (!first || !second) return std::nullopt;
    return big_endian_ ? (std::uint32_t{*first} << 16) | *second
                       : (std::uint32_t{*second} << 16) | *first;
  }

 private:
  std::span<const std::uint8_t> tiff_;
  bool big_endian_;
};

// Returns the offset of IFD0 when the TIFF header is valid.
std::optional<std::size_t> read_tiff_header(std::span<const std::uint8_t> tiff, bool& big_endian) {
  if (tiff.size() < kTiffHeaderSize) return std::nullopt;
  if (tiff[0] == 'I' && tiff[1] == 'I') {
    big_endian = false;
  } else if (tiff[0] == 'M' && tiff[1] == 'M') {
    big_endian = true;
  } else {
    return std::nullopt;
  }
  const TiffReader reader(tiff, big_endian);
  if (reader.u16(2) != 42) return std::nullopt;
  const auto ifd0 = reader.u32(4);
  // An IFD inside the 8-byte header would overlap it, so it is malformed.
  if (!ifd0 || *ifd0 < kTiffHeaderSize || *ifd0 >= tiff.size()) return std::nullopt;
  return std::size_t{*ifd0};
}

// Reads one Orientation entry. An entry of the wrong type or count, or with a
// value outside 1-8, yields std::nullopt: EXIF readers disagree on how to
// display such images, so the scrubber leaves the pixels as they are.
std::optional<int> read_orientation_entry(const TiffReader& reader, std::size_t entry) {
  if (reader.u16(entry + 2) != kTypeShort || reader.u32(entry + 4) != 1u) return std::nullopt;
  // A single SHORT sits left-justified in the 4-byte value field.
  const auto value = reader.u16(entry + 8);
  if (!value || *value < 1 || *value > 8) return std::nullopt;
  return static_cast<int>(*value);
}

}  // namespace

std::optional<int> read_exif_orientation(std::span<const std::uint8_t> app1_payload) {
  if (app1_payload.size() < kExifIdentifier.size() ||
      !std::equal(kExifIdentifier.begin(), kExifIdentifier.end(), app1_payload.begin())) {
    return std::nullopt;
  }
  const auto tiff = app1_payload.subspan(kExifIdentifier.size());
  bool big_endian = false;
  const auto ifd0 = read_tiff_header(tiff, big_endian);
  if (!ifd0) return std::nullopt;

  const TiffReader reader(tiff, big_endian);
  const auto count = reader.u16(*ifd0);
  if (!count) return std::nullopt;
  const std::size_t entries = *ifd0 + 2;
  // The whole entry table must fit; a count past the end marks the IFD as
  // malformed rather than letting a truncated table yield a partial result.
  if (std::size_t{*count} * kIfdEntrySize > reader.size() - entries) return std::nullopt;

  // Only IFD0 is read and its next-IFD offset is never followed, so offset
  // loops between IFDs cannot occur. Duplicate Orientation entries that
  // disagree make the tag ambiguous, so they count as malformed.
  std::optional<int> orientation;
  for (std::size_t i = 0; i < *count; ++i) {
    const std::size_t entry = entries + i * kIfdEntrySize;
    if (reader.u16(entry) != kOrientationTag) continue;
    const auto value = read_orientation_entry(reader, entry);
    if (!value || (orientation && *orientation != *value)) return std::nullopt;
    orientation = value;
  }
  return orientation;
}

std::vector<std::uint8_t> build_orientation_exif(int orientation) {
  if (orientation < 1 || orientation > 8) orientation = 1;
  const auto value = static_cast<std::uint8_t>(orientation);
  // Big-endian ("MM") TIFF: header, IFD0 with one entry, next-IFD offset 0.
  // Length field = 2 + 6 (identifier) + 8 (header) + 2 + 12 (IFD0) + 4 = 34.
  return {
      0xFF, 0xE1, 0x00, 34,                              // APP1 marker and length
      'E',  'x',  'i',  'f',  0x00, 0x00,                // identifier
      'M',  'M',  0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,    // TIFF header, IFD0 at 8
      0x00, 0x01,                                        // one entry
      0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,    // Orientation, SHORT, count 1
      0x00, value, 0x00, 0x00,                           // value, left-justified
      0x00, 0x00, 0x00, 0x00,                            // no next IFD
  };
}

}  // namespace exifscrub::jpeg
