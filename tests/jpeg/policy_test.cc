// Tests for the keep-or-drop table: one row per segment kind, the context
// rules, and the two rewrites.
#include "jpeg/policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jpeg/segments.h"
#include "jpeg_builder.h"

namespace exifscrub::jpeg {
namespace {

using namespace testing;

struct PolicyCase {
  const char* name;
  ByteVector segment;  // a whole segment, as the walker hands it over
  SegmentAction action;
  std::string reason;
};

PolicyDecision decide_segment(const ByteVector& bytes, PolicyContext context = {}) {
  const Bytes payload = bytes.size() > 4 ? Bytes(bytes).subspan(4) : Bytes{};
  const std::uint8_t code = bytes[1];
  const std::string_view identifier = marker::is_app(code) ? identify_app(code, payload) : "";
  return decide(code, identifier, payload, context);
}

std::vector<PolicyCase> policy_cases() {
  using enum SegmentAction;
  return {
      {"Soi", soi(), Keep, "start of image"},
      {"Eoi", eoi(), Keep, "end of image"},
      {"Sof0", sof(), Keep, "frame header, needed to decode"},
      {"Sof2", sof(marker::kSof2), Keep, "frame header, needed to decode"},
      {"Sof10", sof(marker::kSof10), Keep, "frame header, needed to decode"},
      {"Dht", dht(), Keep, "Huffman tables, needed to decode"},
      {"Dqt", dqt(), Keep, "quantization tables, needed to decode"},
      {"Dac", segment(marker::kDac, {0x00, 0x10}), Keep,
       "arithmetic coding conditioning, needed to decode"},
      {"Dri", segment(marker::kDri, {0, 4}), Keep, "restart interval, needed to decode"},
      {"Sos", sos(), Keep, "scan header and entropy-coded data, copied unchanged"},
      {"Dnl", segment(marker::kDnl, {0, 8}), Keep, "number of lines, part of the scan"},
      {"Rst", marker_bytes(0xD5), Drop, "restart marker outside a scan, carries no data"},
      {"Tem", marker_bytes(marker::kTem), Drop, "TEM marker, carries no data"},
      {"Jfif", jfif(), Keep, "JFIF pixel density and aspect ratio"},
      {"JfifThumbnail", jfif(1, 1), Rewrite,
       "JFIF pixel density and aspect ratio; thumbnail and extra bytes removed"},
      {"JfifExtraBytes", segment(marker::kApp0, text("JFIF\0"sv) + repeat(1, 12)), Rewrite,
       "JFIF pixel density and aspect ratio; thumbnail and extra bytes removed"},
      {"JfifShort", segment(marker::kApp0, text("JFIF\0"sv) + repeat(1, 8)), Drop,
       "JFIF header shorter than 14 bytes, ignored by decoders"},
      {"Jfxx", segment(marker::kApp0, text("JFXX\0"sv) + ByteVector{0x10, 1, 2}), Drop,
       "JFIF extension thumbnail"},
      {"Avi1", segment(marker::kApp0, text("AVI1"sv) + repeat(0, 8)), Drop,
       "APP0 application data"},
      {"Exif", segment(marker::kApp1, text("Exif\0\0MM"sv)), Drop,
       "EXIF metadata (GPS position, serial numbers, owner, thumbnail, MakerNotes)"},
      {"Xmp", xmp(), Drop, "XMP metadata"},
      {"ExtendedXmp", segment(marker::kApp1, text("http://ns.adobe.com/xmp/extension/\0"sv)),
       Drop, "Extended XMP metadata"},
      {"UnknownApp1", segment(marker::kApp1, text("Other")), Drop, "APP1 application data"},
      {"Icc", icc(1, 1), Keep, "ICC colour profile"},
      {"IccWithoutNumbers", segment(marker::kApp2, text("ICC_PROFILE\0"sv)), Drop,
       "ICC_PROFILE chunk without chunk numbers"},
      {"Mpf", segment(marker::kApp2, text("MPF\0"sv) + repeat(0, 4)), Drop,
       "MPF index of secondary images"},
      {"FlashPix", segment(marker::kApp2, text("FPXR\0"sv) + repeat(0, 4)), Drop,
       "FlashPix metadata"},
      {"UnknownApp2", segment(marker::kApp2, text("xyz")), Drop, "APP2 application data"},
      {"App3", segment(0xE3, text("Meta")), Drop, "application data"},
      {"Ducky", segment(0xEC, text("Ducky") + repeat(0, 4)), Drop,
       "Ducky metadata (quality, copyright text)"},
      {"Photoshop", segment(marker::kApp13, text("Photoshop 3.0\0"sv)), Drop,
       "Photoshop resources (IPTC captions, names, places)"},
      {"UnknownApp13", segment(marker::kApp13, text("x")), Drop, "application data"},
      {"Adobe", adobe(), Keep,
       "Adobe colour transform; removing it inverts CMYK and YCCK colours"},
      {"AdobeLong", segment(marker::kApp14, text("Adobe") + repeat(0, 10)), Rewrite,
       "Adobe colour transform; extra bytes removed"},
      {"AdobeShort", segment(marker::kApp14, text("Adobe") + repeat(0, 3)), Drop,
       "Adobe segment shorter than 12 bytes, ignored by decoders"},
      {"UnknownApp14", segment(marker::kApp14, text("Other")), Drop, "APP14 application data"},
      {"App15", segment(marker::kApp15, text("x")), Drop, "application data"},
      {"Comment", com(), Drop, "comment"},
  };
}

void PrintTo(const PolicyCase& c, std::ostream* os) { *os << c.name; }

class PolicyTable : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(PolicyTable, DecidesActionAndReason) {
  const PolicyCase& c = GetParam();
  const PolicyDecision decision = decide_segment(c.segment);
  EXPECT_EQ(decision.action, c.action);
  EXPECT_EQ(decision.reason, c.reason);
}

INSTANTIATE_TEST_SUITE_P(Segments, PolicyTable, ::testing::ValuesIn(policy_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Policy, UnlistedMarkerDropped) {
  const PolicyDecision decision = decide(0x02, "", {}, PolicyContext{});
  EXPECT_EQ(decision.action, SegmentAction::Drop);
  EXPECT_EQ(decision.reason, "not on the allowlist");
}

TEST(Policy, IccDroppedByOption) {
  const PolicyDecision decision = decide_segment(icc(1, 1), PolicyContext{false, true});
  EXPECT_EQ(decision.action, SegmentAction::Drop);
  EXPECT_EQ(decision.reason, "ICC colour profile, dropped by option");
}

TEST(Policy, HeaderAppsDroppedAfterFirstScan) {
  for (const ByteVector& bytes : {jfif(), icc(1, 1), adobe()}) {
    const PolicyDecision decision = decide_segment(bytes, PolicyContext{true, false});
    EXPECT_EQ(decision.action, SegmentAction::Drop);
    EXPECT_EQ(decision.reason, "after the first scan, where decoders no longer read it");
  }
}

TEST(Policy, TablesKeptAfterFirstScan) {
  EXPECT_EQ(decide_segment(dht(), PolicyContext{true, false}).action, SegmentAction::Keep);
  EXPECT_EQ(decide_segment(sos(), PolicyContext{true, false}).action, SegmentAction::Keep);
}

TEST(RewriteSegment, JfifLosesThumbnail) {
  const ByteVector with_thumbnail = jfif(2, 3);
  const std::vector<std::uint8_t> rewritten =
      rewrite_segment(marker::kApp0, Bytes(with_thumbnail).subspan(4));
  EXPECT_EQ(rewritten, jfif());
}

TEST(RewriteSegment, AdobeKeepsTwelveBytes) {
  const ByteVector long_adobe = segment(marker::kApp14, text("Adobe"sv) +
                                                            ByteVector{0, 100, 0, 0, 0, 0, 2, 9, 9});
  const std::vector<std::uint8_t> rewritten =
      rewrite_segment(marker::kApp14, Bytes(long_adobe).subspan(4));
  EXPECT_EQ(rewritten, adobe(2));
}

}  // namespace
}  // namespace exifscrub::jpeg
