// The keep-or-drop policy: one table that states, for each marker and APPn
// identifier, whether a scrubbed image keeps the segment, keeps a rewritten
// copy or drops it, and why.
//
// The policy is an allowlist and fails closed: a segment no row keeps is
// dropped. It judges one segment at a time, independently of the copy loop
// (cleaner.h) and of the structure checks in the walker (walker.h).
//
// Consequences of the table, which every caller inherits:
// - Orientation: every APP1 is dropped, so the EXIF Orientation tag is lost.
//   scrub.h restores upright display by rotating the pixels losslessly
//   (OrientationMode::Apply) or by writing a fresh EXIF segment that holds
//   only the tag (OrientationMode::KeepTag).
// - Colour: the ICC profile (APP2 ICC_PROFILE) is kept unless the caller drops
//   it; without it, wide-gamut images (Display P3, Adobe RGB) display with
//   shifted colours. The profile is copied byte for byte, so text in a custom
//   profile's description tags is kept with it. The Adobe segment (APP14) is
//   kept because its transform flag tells decoders whether 4-component data is
//   CMYK or YCCK and whether it is stored inverted. Removing it inverts CMYK
//   and YCCK colours.
// - JFIF (APP0) is kept for its pixel density and aspect ratio; its thumbnail
//   is a second copy of the image and is removed.
// - JFIF, ICC and Adobe segments after the first scan are dropped: decoders
//   read them only before the first scan, so they could carry data unseen.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace exifscrub::jpeg {

enum class SegmentAction { Keep, Rewrite, Drop };

struct PolicyDecision {
  SegmentAction action = SegmentAction::Drop;
  std::string_view reason;  // a static string from the policy table
};

// Position and options that some rules depend on.
struct PolicyContext {
  bool keep_icc = true;          // ScrubOptions::keep_icc
  bool before_first_scan = true; // false once the first SOS has been walked
};

// Decides the fate of one segment from its marker code, its APPn identifier
// (identify_app(), "" for non-APP markers) and its payload (the bytes after
// the length field). Returns Rewrite for a JFIF segment with a thumbnail or
// trailing bytes and for an Adobe segment longer than its 12 defined bytes.
// Decisions that depend on other segments (a second JFIF, repeated Adobe
// segments, ICC chunk numbering) are taken by the cleaner.
PolicyDecision decide(std::uint8_t code, std::string_view identifier,
                      std::span<const std::uint8_t> payload, const PolicyContext& context);

// The rewritten segment (marker, length, payload) for a Rewrite decision: a
// JFIF APP0 of exactly 16 bytes of length with thumbnail size 0x0 and no
// thumbnail, or an Adobe APP14 of exactly its 12 defined payload bytes.
// Requires decide() to have returned Rewrite for the same segment.
std::vector<std::uint8_t> rewrite_segment(std::uint8_t code, std::span<const std::uint8_t> payload);

}  // namespace exifscrub::jpeg
