// EXIF orientation: reads the Orientation tag (0x0112) from IFD0 of an APP1
// "Exif" payload, and builds a fresh APP1 segment that carries only that tag.
//
// Does not parse any other tag, follow sub-IFDs (Exif, GPS, Interop) or the
// IFD1 thumbnail, and never copies input bytes into what it builds. The
// difficulty is that every offset in a TIFF structure is attacker-controlled:
// each one is checked against the payload bounds before it is read.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace exifscrub::jpeg {

// Reads IFD0 Orientation (tag 0x0112) from an APP1 payload: the bytes after
// the segment's length field, starting with "Exif\0\0". Accepts both TIFF byte
// orders ("II" and "MM").
//
// Returns the orientation (1-8), or std::nullopt when the tag is absent or the
// EXIF is malformed. Malformed means a missing or wrong header, an IFD offset
// or entry table past the end, a tag whose type is not SHORT or whose count is
// not 1, disagreeing duplicate tags, or a value outside 1-8. Reads only within
// app1_payload and never throws.
std::optional<int> read_exif_orientation(std::span<const std::uint8_t> app1_payload);

// Builds a complete APP1 segment (FF E1, length, "Exif\0\0", a big-endian TIFF
// header and an IFD0 with the single entry Orientation = orientation, then a
// zero next-IFD offset). Requires 1 <= orientation <= 8; any other value is
// clamped to 1 (normal) so the result is always a valid tag.
std::vector<std::uint8_t> build_orientation_exif(int orientation);

}  // namespace exifscrub::jpeg
