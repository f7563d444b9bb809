// Tests for the segment content parsers: frame and scan headers, table
// segments, APPn identifiers, JFIF, ICC and Adobe headers.
#include "jpeg/segments.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jpeg_builder.h"

namespace exifscrub::jpeg {
namespace {

using namespace testing;

Bytes payload_of(const ByteVector& segment_bytes) { return Bytes(segment_bytes).subspan(4); }

TEST(ParseFrameHeader, ReadsFields) {
  const ByteVector bytes = segment(marker::kSof1, {8, 0x01, 0x02, 0x03, 0x04, 3, 1, 0x22, 0,
                                                   2, 0x11, 1, 3, 0x11, 1});
  Result<FrameHeader> frame = parse_frame_header(marker::kSof1, 40, payload_of(bytes));
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(frame->precision, 8);
  EXPECT_EQ(frame->height, 0x0102);
  EXPECT_EQ(frame->width, 0x0304);
  ASSERT_EQ(frame->components.size(), 3u);
  EXPECT_EQ(frame->components[0].horizontal_sampling, 2);
  EXPECT_EQ(frame->components[0].vertical_sampling, 2);
  EXPECT_EQ(frame->components[2].quant_table, 1);
}

struct FrameCase {
  const char* name;
  std::uint8_t code;
  ByteVector payload;
  std::string message;
};

TEST(ParseFrameHeader, RejectsMalformed) {
  const std::vector<FrameCase> cases = {
      {"Short", marker::kSof0, {8, 0, 8}, "SOF0 segment at offset 9: length 5 is below the minimum of 8"},
      {"Precision12Baseline", marker::kSof0, {12, 0, 8, 0, 8, 1, 1, 0x11, 0},
       "SOF0 segment at offset 9: sample precision 12 is not allowed for this frame type"},
      {"Precision16Progressive", marker::kSof2, {16, 0, 8, 0, 8, 1, 1, 0x11, 0},
       "SOF2 segment at offset 9: sample precision 16 is not allowed for this frame type"},
      {"Precision1Lossless", marker::kSof3, {1, 0, 8, 0, 8, 1, 1, 0x11, 0},
       "SOF3 segment at offset 9: sample precision 1 is not allowed for this frame type"},
      {"ElevenComponents", marker::kSof0, ByteVector{8, 0, 8, 0, 8, 11} + repeat(0x11, 33),
       "SOF0 segment at offset 9: component count 11 is outside 1-10"},
      {"SamplingZero", marker::kSof0, {8, 0, 8, 0, 8, 1, 1, 0x01, 0},
       "SOF0 segment at offset 9: component 1 has a sampling factor outside 1-4"},
      {"SamplingFive", marker::kSof0, {8, 0, 8, 0, 8, 1, 1, 0x51, 0},
       "SOF0 segment at offset 9: component 1 has a sampling factor outside 1-4"},
      {"QuantTableFour", marker::kSof0, {8, 0, 8, 0, 8, 1, 1, 0x11, 4},
       "SOF0 segment at offset 9: component 1 names quantization table 4, over the maximum of 3"},
      {"DuplicateId", marker::kSof0, {8, 0, 8, 0, 8, 2, 1, 0x11, 0, 1, 0x11, 0},
       "SOF0 segment at offset 9: component id 1 appears twice"},
      {"TrailingByte", marker::kSof0, {8, 0, 8, 0, 8, 1, 1, 0x11, 0, 7},
       "SOF0 segment at offset 9: length 12 does not match the 11 bytes of 1 components"},
  };
  for (const FrameCase& c : cases) {
    Result<FrameHeader> frame = parse_frame_header(c.code, 9, c.payload);
    ASSERT_FALSE(frame) << c.name;
    EXPECT_EQ(frame.error().kind, ErrorKind::MalformedSegment) << c.name;
    EXPECT_EQ(frame.error().offset, 9u) << c.name;
    EXPECT_EQ(frame.error().marker, c.code) << c.name;
    EXPECT_EQ(frame.error().message, c.message) << c.name;
  }
}

// libjpeg-turbo 2.1 decodes neither, so their output could not be verified.
TEST(ParseFrameHeader, LosslessIsUnsupported) {
  Result<FrameHeader> frame = parse_frame_header(marker::kSof3, 0, ByteVector{16, 0, 8, 0, 8, 1, 1, 0x11, 0});
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error().kind, ErrorKind::UnsupportedFeature);
  EXPECT_EQ(frame.error().message,
            "SOF3 segment at offset 0: lossless JPEG is not supported");
}

TEST(ParseFrameHeader, TwelveBitIsUnsupported) {
  Result<FrameHeader> frame = parse_frame_header(marker::kSof1, 0, ByteVector{12, 0, 8, 0, 8, 1, 1, 0x11, 0});
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error().kind, ErrorKind::UnsupportedFeature);
  EXPECT_EQ(frame.error().message,
            "SOF1 segment at offset 0: sample precision 12 is not supported, only 8-bit samples are");
}

FrameHeader three_component_frame(std::uint8_t code = marker::kSof2) {
  Result<FrameHeader> frame = parse_frame_header(
      code, 0, ByteVector{8, 0, 8, 0, 8, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1});
  return frame.value();
}

TEST(ParseScanHeader, ReadsFields) {
  Result<ScanHeader> scan =
      parse_scan_header(5, ByteVector{2, 2, 0x11, 3, 0x11, 1, 5, 0x21}, three_component_frame(marker::kSof1));
  ASSERT_TRUE(scan) << scan.error().message;
  EXPECT_EQ(scan->component_ids, (std::vector<std::uint8_t>{2, 3}));
  EXPECT_EQ(scan->spectral_start, 1);
  EXPECT_EQ(scan->spectral_end, 5);
  EXPECT_EQ(scan->approx_high, 2);
  EXPECT_EQ(scan->approx_low, 1);
}

struct ScanCase {
  const char* name;
  ByteVector payload;
  std::string message;
};

TEST(ParseScanHeader, RejectsMalformed) {
  const std::vector<ScanCase> cases = {
      {"Empty", {}, "SOS segment at offset 5: component count 0 is outside 1-4"},
      {"FiveComponents", ByteVector{5} + repeat(1, 13),
       "SOS segment at offset 5: component count 5 is outside 1-4"},
      {"LengthMismatch", {1, 1, 0x00, 0, 63},
       "SOS segment at offset 5: length 7 does not match the 8 bytes of 1 components"},
      {"UnknownComponent", {1, 9, 0x00, 0, 63, 0},
       "SOS segment at offset 5: component 9 is not in the frame"},
      {"RepeatedComponent", {2, 1, 0x00, 1, 0x00, 0, 63, 0},
       "SOS segment at offset 5: component 1 appears twice"},
      {"TableFour", {1, 1, 0x40, 0, 63, 0},
       "SOS segment at offset 5: component 1 names a table number over 3"},
      {"SpectralEnd64", {1, 1, 0x00, 0, 64, 0},
       "SOS segment at offset 5: spectral selection 0-64 is outside 0-63"},
      {"SpectralReversed", {1, 1, 0x00, 9, 3, 0},
       "SOS segment at offset 5: spectral selection 9-3 is outside 0-63"},
      {"ApproximationFourteen", {1, 1, 0x00, 0, 63, 0xE0},
       "SOS segment at offset 5: successive approximation bits exceed 13"},
  };
  for (const ScanCase& c : cases) {
    Result<ScanHeader> scan = parse_scan_header(5, c.payload, three_component_frame());
    ASSERT_FALSE(scan) << c.name;
    EXPECT_EQ(scan.error().kind, ErrorKind::MalformedSegment) << c.name;
    EXPECT_EQ(scan.error().marker, marker::kSos) << c.name;
    EXPECT_EQ(scan.error().message, c.message) << c.name;
  }
}

TEST(ParseScanHeader, ProgressionRulesEnforced) {
  const struct {
    ByteVector payload;
    const char* message;
  } cases[] = {
      {{1, 1, 0x00, 0, 63, 0},
       "SOS segment at offset 0: progressive parameters Ss=0 Se=63 Ah=0 Al=0 are invalid: a DC scan must have Se=0"},
      {{2, 2, 0x11, 3, 0x11, 1, 5, 0x00},
       "SOS segment at offset 0: progressive parameters Ss=1 Se=5 Ah=0 Al=0 are invalid: an AC scan must hold one "
       "component"},
      {{1, 1, 0x00, 1, 63, 0xAB},
       "SOS segment at offset 0: progressive parameters Ss=1 Se=63 Ah=10 Al=11 are invalid: a refinement scan must "
       "have Al=Ah-1"},
  };
  for (const auto& c : cases) {
    Result<ScanHeader> scan = parse_scan_header(0, c.payload, three_component_frame());
    ASSERT_FALSE(scan) << c.message;
    EXPECT_EQ(scan.error().kind, ErrorKind::MalformedSegment);
    EXPECT_EQ(scan.error().message, c.message);
  }
  EXPECT_TRUE(parse_scan_header(0, ByteVector{1, 1, 0x00, 1, 63, 0x21}, three_component_frame()));
}

TEST(CheckTables, HuffmanCodeSpaceEnforced) {
  // Three codes of length 1 cannot exist; two use up the code space, including the all-ones code.
  Status three = check_dht(0, ByteVector{0x10, 3} + repeat(0, 15) + ByteVector{1, 2, 3});
  ASSERT_FALSE(three);
  EXPECT_EQ(three.error().message,
            "DHT segment at offset 0: table at byte 4 has more codes of length 1 than the code space allows");
  EXPECT_FALSE(check_dht(0, ByteVector{0x10, 2} + repeat(0, 15) + ByteVector{1, 2}));
  EXPECT_TRUE(check_dht(0, ByteVector{0x10, 1, 1} + repeat(0, 14) + ByteVector{1, 2}));
}

TEST(CheckTables, DcSymbolsAreBitCounts) {
  Status checked = check_dht(0, ByteVector{0x00, 1} + repeat(0, 15) + ByteVector{16});
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().message,
            "DHT segment at offset 0: table at byte 4 has DC symbol 16, over the maximum of 15");
}

TEST(CheckTables, AcceptWellFormed) {
  EXPECT_TRUE(check_dqt(0, payload_of(dqt())));
  EXPECT_TRUE(check_dqt(0, ByteVector{0x11} + repeat(1, 128) + ByteVector{0x02} + repeat(1, 64)));
  EXPECT_TRUE(check_dht(0, payload_of(dht())));
  EXPECT_TRUE(check_dac(0, ByteVector{0x00, 0x10, 0x13, 0x05}));
  EXPECT_TRUE(check_two_byte_segment(marker::kDri, 0, ByteVector{0, 4}));
}

struct TableCase {
  const char* name;
  Status status;
  std::string message;
};

TEST(CheckTables, RejectMalformed) {
  ByteVector heavy_dht = {0x10};
  heavy_dht = heavy_dht + repeat(17, 16);  // 272 symbols
  const std::vector<TableCase> cases = {
      {"DqtEmpty", check_dqt(3, {}), "DQT segment at offset 3: contains no table"},
      {"DqtTableFour", check_dqt(3, ByteVector{0x04} + repeat(1, 64)),
       "DQT segment at offset 3: table at byte 4 has an invalid precision or a table number over 3"},
      {"DqtPrecisionTwo", check_dqt(3, ByteVector{0x20} + repeat(1, 64)),
       "DQT segment at offset 3: table at byte 4 has an invalid precision or a table number over 3"},
      {"DqtShort", check_dqt(3, ByteVector{0x10} + repeat(1, 64)),
       "DQT segment at offset 3: table at byte 4 runs past the declared length"},
      {"DhtEmpty", check_dht(3, {}), "DHT segment at offset 3: contains no table"},
      {"DhtClassTwo", check_dht(3, ByteVector{0x20} + repeat(0, 16)),
       "DHT segment at offset 3: table at byte 4 has a class over 1 or a table number over 3"},
      {"DhtShortCounts", check_dht(3, ByteVector{0x00} + repeat(0, 10)),
       "DHT segment at offset 3: table at byte 4 runs past the declared length"},
      {"DhtTooManySymbols", check_dht(3, heavy_dht + repeat(0, 272)),
       "DHT segment at offset 3: table at byte 4 declares 272 symbols, over the maximum of 256"},
      {"DhtMissingSymbols", check_dht(3, ByteVector{0x00, 2} + repeat(0, 15) + ByteVector{1}),
       "DHT segment at offset 3: table at byte 4 runs past the declared length"},
      {"DacOdd", check_dac(3, ByteVector{0x00}),
       "DAC segment at offset 3: length 3 is not 2 plus a positive multiple of 2"},
      {"DacEmpty", check_dac(3, {}),
       "DAC segment at offset 3: length 2 is not 2 plus a positive multiple of 2"},
      {"DacClassTwo", check_dac(3, ByteVector{0x20, 0}),
       "DAC segment at offset 3: table at byte 4 has a class over 1 or a table number over 3"},
      {"DnlShort", check_two_byte_segment(marker::kDnl, 3, ByteVector{0}),
       "DNL segment at offset 3: length 3 is not 4"},
  };
  for (const TableCase& c : cases) {
    ASSERT_FALSE(c.status) << c.name;
    EXPECT_EQ(c.status.error().kind, ErrorKind::MalformedSegment) << c.name;
    EXPECT_EQ(c.status.error().offset, 3u) << c.name;
    EXPECT_EQ(c.status.error().message, c.message) << c.name;
  }
}

TEST(IdentifyApp, KnownIdentifiers) {
  struct Case {
    std::uint8_t code;
    ByteVector payload;
    std::string identifier;
  };
  const std::vector<Case> cases = {
      {marker::kApp0, text("JFIF\0"sv), "JFIF"},
      {marker::kApp0, text("JFIF"), ""},  // no terminator
      {marker::kApp0, text("JFXX\0"sv), "JFXX"},
      {marker::kApp0, text("AVI1"), "AVI1"},
      {marker::kApp1, text("Exif\0\0"sv), "Exif"},
      {marker::kApp1, text("http://ns.adobe.com/xap/1.0/\0"sv), "XMP"},
      {marker::kApp1, text("http://ns.adobe.com/xmp/extension/\0"sv), "Extended XMP"},
      {marker::kApp1, text("JFIF\0"sv), ""},  // right text, wrong marker
      {marker::kApp2, text("ICC_PROFILE\0"sv), "ICC_PROFILE"},
      {marker::kApp2, text("MPF\0"sv), "MPF"},
      {marker::kApp2, text("FPXR\0"sv), "FlashPix"},
      {0xEC, text("Ducky"), "Ducky"},
      {marker::kApp13, text("Photoshop 3.0\0"sv), "Photoshop"},
      {marker::kApp14, text("Adobe"), "Adobe"},
      {marker::kApp15, text("private name"), ""},
      {marker::kApp1, {}, ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(identify_app(c.code, c.payload), c.identifier) << marker::name(c.code);
  }
}

TEST(ParseJfif, ReadsThumbnailSize) {
  const std::optional<JfifHeader> header = parse_jfif(payload_of(jfif(3, 2)));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->thumbnail_width, 3);
  EXPECT_EQ(header->thumbnail_height, 2);
  EXPECT_FALSE(parse_jfif(text("JFIF\0\1\2"sv)));
}

TEST(ParseIccChunk, ReadsNumbers) {
  const std::optional<IccChunk> chunk = parse_icc_chunk(payload_of(icc(2, 5)));
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->sequence, 2);
  EXPECT_EQ(chunk->count, 5);
  EXPECT_FALSE(parse_icc_chunk(text("ICC_PROFILE\0\1"sv)));
  EXPECT_FALSE(parse_icc_chunk(text("ICC_PROFILEX\1\1"sv)));
}

TEST(IsAdobe, NeedsTwelveBytes) {
  EXPECT_TRUE(is_adobe(payload_of(adobe())));
  EXPECT_FALSE(is_adobe(text("Adobe\0\0\0"sv)));
  EXPECT_FALSE(is_adobe(text("adobe-------")));
}

}  // namespace
}  // namespace exifscrub::jpeg
