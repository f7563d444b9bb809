// The policy table and the two rewrites it allows.
#include "jpeg/policy.h"

#include <algorithm>
#include <array>

#include "jpeg/markers.h"
#include "jpeg/segments.h"

namespace exifscrub::jpeg {

namespace {

// One row of the policy. The first row whose code range contains the marker
// and whose identifier matches (kAnyIdentifier matches all) decides.
struct PolicyRule {
  std::uint8_t first_code;
  std::uint8_t last_code;
  std::string_view identifier;
  SegmentAction action;
  std::string_view reason;
};

constexpr std::string_view kAnyIdentifier = "*";

using enum SegmentAction;

constexpr std::array<PolicyRule, 29> kPolicy = {{
    {marker::kSoi, marker::kSoi, kAnyIdentifier, Keep, "start of image"},
    {marker::kEoi, marker::kEoi, kAnyIdentifier, Keep, "end of image"},
    {marker::kSof0, marker::kSof3, kAnyIdentifier, Keep, "frame header, needed to decode"},
    {marker::kSof9, marker::kSof11, kAnyIdentifier, Keep, "frame header, needed to decode"},
    {marker::kDht, marker::kDht, kAnyIdentifier, Keep, "Huffman tables, needed to decode"},
    {marker::kDac, marker::kDac, kAnyIdentifier, Keep,
     "arithmetic coding conditioning, needed to decode"},
    {marker::kDqt, marker::kDqt, kAnyIdentifier, Keep, "quantization tables, needed to decode"},
    {marker::kDri, marker::kDri, kAnyIdentifier, Keep, "restart interval, needed to decode"},
    {marker::kSos, marker::kSos, kAnyIdentifier, Keep,
     "scan header and entropy-coded data, copied unchanged"},
    {marker::kDnl, marker::kDnl, kAnyIdentifier, Keep, "number of lines, part of the scan"},
    {marker::kRst0, marker::kRst7, kAnyIdentifier, Drop,
     "restart marker outside a scan, carries no data"},
    {marker::kTem, marker::kTem, kAnyIdentifier, Drop, "TEM marker, carries no data"},
    {marker::kApp0, marker::kApp0, "JFIF", Keep, "JFIF pixel density and aspect ratio"},
    {marker::kApp0, marker::kApp0, "JFXX", Drop, "JFIF extension thumbnail"},
    {marker::kApp0, marker::kApp0, kAnyIdentifier, Drop, "APP0 application data"},
    {marker::kApp1, marker::kApp1, "Exif", Drop,
     "EXIF metadata (GPS position, serial numbers, owner, thumbnail, MakerNotes)"},
    {marker::kApp1, marker::kApp1, "XMP", Drop, "XMP metadata"},
    {marker::kApp1, marker::kApp1, "Extended XMP", Drop, "Extended XMP metadata"},
    {marker::kApp1, marker::kApp1, kAnyIdentifier, Drop, "APP1 application data"},
    {marker::kApp2, marker::kApp2, "ICC_PROFILE", Keep, "ICC colour profile"},
    {marker::kApp2, marker::kApp2, "MPF", Drop, "MPF index of secondary images"},
    {marker::kApp2, marker::kApp2, "FlashPix", Drop, "FlashPix metadata"},
    {marker::kApp2, marker::kApp2, kAnyIdentifier, Drop, "APP2 application data"},
    {marker::kApp13, marker::kApp13, "Photoshop", Drop,
     "Photoshop resources (IPTC captions, names, places)"},
    {0xEC, 0xEC, "Ducky", Drop, "Ducky metadata (quality, copyright text)"},
    {marker::kApp14, marker::kApp14, "Adobe", Keep,
     "Adobe colour transform; removing it inverts CMYK and YCCK colours"},
    {marker::kApp14, marker::kApp14, kAnyIdentifier, Drop, "APP14 application data"},
    {marker::kApp0, marker::kApp15, kAnyIdentifier, Drop, "application data"},
    {marker::kCom, marker::kCom, kAnyIdentifier, Drop, "comment"},
}};

constexpr std::string_view kUnlisted = "not on the allowlist";

const PolicyRule* find_rule(std::uint8_t code, std::string_view identifier) {
  for (const PolicyRule& rule : kPolicy) {
    const bool code_matches = code >= rule.first_code && code <= rule.last_code;
    const bool id_matches = rule.identifier == kAnyIdentifier || rule.identifier == identifier;
    if (code_matches && id_matches) return &rule;
  }
  return nullptr;
}

// Refines a Keep row for the APPn segments whose contents matter.
PolicyDecision refine_app(std::uint8_t code, std::span<const std::uint8_t> payload,
                          const PolicyContext& context, PolicyDecision kept) {
  if (!context.before_first_scan) {
    return {Drop, "after the first scan, where decoders no longer read it"};
  }
  if (code == marker::kApp0) {
    const std::optional<JfifHeader> jfif = parse_jfif(payload);
    if (!jfif) return {Drop, "JFIF header shorter than 14 bytes, ignored by decoders"};
    if (jfif->thumbnail_width != 0 || jfif->thumbnail_height != 0 ||
        payload.size() != kJfifPayloadSize) {
      return {Rewrite, "JFIF pixel density and aspect ratio; thumbnail and extra bytes removed"};
    }
    return kept;
  }
  if (code == marker::kApp2) {
    if (!context.keep_icc) return {Drop, "ICC colour profile, dropped by option"};
    if (!parse_icc_chunk(payload)) return {Drop, "ICC_PROFILE chunk without chunk numbers"};
    return kept;
  }
  if (!is_adobe(payload)) return {Drop, "Adobe segment shorter than 12 bytes, ignored by decoders"};
  if (payload.size() != kAdobePayloadSize) {
    return {Rewrite, "Adobe colour transform; extra bytes removed"};
  }
  return kept;
}

}  // namespace

PolicyDecision decide(std::uint8_t code, std::string_view identifier,
                      std::span<const std::uint8_t> payload, const PolicyContext& context) {
  const PolicyRule* rule = find_rule(code, identifier);
  if (rule == nullptr) return {Drop, kUnlisted};

  const PolicyDecision decision{rule->action, rule->reason};
  if (decision.action == Keep && marker::is_app(code)) {
    return refine_app(code, payload, context, decision);
  }
  return decision;
}

std::vector<std::uint8_t> rewrite_segment(std::uint8_t code, std::span<const std::uint8_t> payload) {
  const std::size_t size = code == marker::kApp0 ? kJfifPayloadSize : kAdobePayloadSize;
  // Sized up front: GCC 12 reports a false -Warray-bounds for insert() after
  // a 4-byte initializer list.
  std::vector<std::uint8_t> segment(4 + size);
  segment[0] = marker::kPrefix;
  segment[1] = code;
  segment[2] = 0;
  segment[3] = static_cast<std::uint8_t>(size + 2);
  std::copy(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(size),
            segment.begin() + 4);
  if (code == marker::kApp0) {
    segment[4 + 12] = 0;  // thumbnail width
    segment[4 + 13] = 0;  // thumbnail height
  }
  return segment;
}

}  // namespace exifscrub::jpeg
