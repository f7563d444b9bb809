// Tests for the marker walker: what it finds in valid inputs, the exact error
// for every malformed case, and that chunked feeding changes nothing.
#include "jpeg/walker.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "jpeg_builder.h"

namespace exifscrub::jpeg {
namespace {

using testing::ByteVector;
using namespace testing;

// Records the walk; pieces of one scan's data or of the trailer are joined,
// so recordings of chunked and whole walks compare equal.
struct Recording : WalkHandler {
  struct Event {
    std::string kind;  // "segment", "scan" or "trailer"
    std::uint64_t offset = 0;
    std::uint8_t code = 0;
    ByteVector bytes;
    bool operator==(const Event&) const = default;
  };
  std::vector<Event> events;

  Status on_segment(const Segment& segment) override {
    events.push_back({"segment", segment.offset, segment.code,
                      ByteVector(segment.bytes.begin(), segment.bytes.end())});
    return Done{};
  }
  Status on_scan_data(std::uint64_t offset, Bytes data) override { return append("scan", offset, data); }
  Status on_trailer(std::uint64_t offset, Bytes data) override { return append("trailer", offset, data); }

  Status append(const std::string& kind, std::uint64_t offset, Bytes data) {
    EXPECT_FALSE(data.empty());
    if (!events.empty() && events.back().kind == kind &&
        events.back().offset + events.back().bytes.size() == offset) {
      events.back().bytes.insert(events.back().bytes.end(), data.begin(), data.end());
    } else {
      events.push_back({kind, offset, 0, ByteVector(data.begin(), data.end())});
    }
    return Done{};
  }

  std::vector<std::string> summary() const {
    std::vector<std::string> lines;
    for (const Event& event : events) {
      const std::string label = event.kind == "segment" ? std::string(marker::name(event.code)) : event.kind;
      lines.push_back(label + "@" + std::to_string(event.offset) + ":" +
                      std::to_string(event.bytes.size()));
    }
    return lines;
  }
};

Status walk_in_chunks(const ByteVector& input, std::size_t chunk_size, Recording& recording) {
  Walker walker(recording);
  for (std::size_t at = 0; at < input.size(); at += chunk_size) {
    const std::size_t size = std::min(chunk_size, input.size() - at);
    if (Status fed = walker.feed(Bytes(input).subspan(at, size)); !fed) return fed;
  }
  return walker.finish();
}

constexpr std::size_t kChunkSizes[] = {1, 2, 3, 7, 64, 4096};

TEST(Walker, MinimalImageSegments) {
  Recording recording;
  ASSERT_TRUE(walk(minimal_jpeg(), recording));
  const std::vector<std::string> expected = {"SOI@0:2",  "DQT@2:69", "SOF0@71:13", "DHT@84:22",
                                             "SOS@106:10", "scan@116:8", "EOI@124:2"};
  EXPECT_EQ(recording.summary(), expected);
  EXPECT_EQ(recording.events[5].bytes, scan_data());
}

TEST(Walker, FillBytesBeforeMarkerAccepted) {
  Recording recording;
  ASSERT_TRUE(walk(soi() + repeat(0xFF, 3) + minimal_body(), recording));
  ASSERT_GE(recording.events.size(), 2u);
  EXPECT_EQ(recording.summary()[1], "DQT@5:69");
}

TEST(Walker, DataAfterEoiIsTrailer) {
  Recording recording;
  ASSERT_TRUE(walk(minimal_jpeg() + text("video"), recording));
  EXPECT_EQ(recording.summary().back(), "trailer@126:5");
  EXPECT_EQ(recording.events.back().bytes, text("video"));
}

TEST(Walker, TrailerMayHoldAnotherJpeg) {
  Recording recording;
  ASSERT_TRUE(walk(minimal_jpeg() + minimal_jpeg(), recording));
  EXPECT_EQ(recording.summary().back(), "trailer@126:126");
}

TEST(Walker, StandaloneMarkersBetweenSegments) {
  Recording recording;
  ASSERT_TRUE(walk(soi() + marker_bytes(marker::kTem) + marker_bytes(0xD3) + minimal_body(),
                   recording));
  EXPECT_EQ(recording.summary()[1], "TEM@2:2");
  EXPECT_EQ(recording.summary()[2], "RST3@4:2");
}

TEST(Walker, ScanDataKeepsStuffingAndRestarts) {
  const ByteVector data = {0x01, 0xFF, 0x00, 0xFF, 0xFF, 0x00, 0xFF, 0xD7, 0xFF, 0xFF, 0xD0, 0x02};
  Recording recording;
  ASSERT_TRUE(walk(soi() + dqt() + sof() + dht() + sos() + data + eoi(), recording));
  EXPECT_EQ(recording.events[5].bytes, data);
}

TEST(Walker, FillBeforeScanEndingMarkerIsNotData) {
  Recording recording;
  ASSERT_TRUE(walk(soi() + dqt() + sof() + dht() + sos() + scan_data() + repeat(0xFF, 5) + eoi(),
                   recording));
  EXPECT_EQ(recording.events[5].bytes, scan_data());
  EXPECT_EQ(recording.summary().back(), "EOI@129:2");
}

TEST(Walker, MarkersBetweenProgressiveScans) {
  const ByteVector input = soi() + dqt() + sof(marker::kSof2) + dht() + dc_sos() + scan_data() +
                           dht() + com() + dc_sos() + scan_data() + eoi();
  Recording recording;
  ASSERT_TRUE(walk(input, recording));
  const std::vector<std::string> expected = {
      "SOI@0:2",    "DQT@2:69",    "SOF2@71:13", "DHT@84:22", "SOS@106:10", "scan@116:8",
      "DHT@124:22", "COM@146:17",  "SOS@163:10", "scan@173:8", "EOI@181:2"};
  EXPECT_EQ(recording.summary(), expected);
}

TEST(Walker, ScanBeforeHuffmanTablesAccepted) {
  Recording recording;
  EXPECT_TRUE(walk(soi() + dqt() + sof() + sos() + scan_data() + eoi(), recording));
}

TEST(Walker, NonDifferentialFrameTypesAccepted) {
  for (std::uint8_t code : {marker::kSof0, marker::kSof1, marker::kSof2, marker::kSof9,
                            marker::kSof10}) {
    Recording recording;
    EXPECT_TRUE(walk(soi() + dqt() + sof(code) + dht() + dc_sos() + scan_data() + eoi(), recording))
        << marker::name(code);
  }
}

TEST(Walker, SegmentSpanningChunksIsBuffered) {
  const ByteVector input = minimal_jpeg();
  for (std::size_t size : kChunkSizes) {
    Recording whole;
    Recording chunked;
    ASSERT_TRUE(walk(input, whole));
    ASSERT_TRUE(walk_in_chunks(input, size, chunked)) << size;
    EXPECT_EQ(chunked.events, whole.events) << "chunk size " << size;
  }
}

TEST(Walker, LongFillRunsAcrossChunks) {
  const ByteVector data = ByteVector{0x01} + repeat(0xFF, 600) + ByteVector{0x00, 0x02};
  const ByteVector input = soi() + dqt() + sof() + dht() + sos() + data + repeat(0xFF, 700) + eoi();
  for (std::size_t size : kChunkSizes) {
    Recording chunked;
    ASSERT_TRUE(walk_in_chunks(input, size, chunked)) << size;
    ASSERT_EQ(chunked.events.size(), 7u) << size;
    EXPECT_EQ(chunked.events[5].bytes, data) << "chunk size " << size;
    EXPECT_EQ(chunked.events[5].offset, 116u);
    EXPECT_EQ(chunked.summary().back(), "EOI@1419:2") << size;
  }
}

// Records the size of every piece of scan data and joins the pieces.
struct ScanPieces : WalkHandler {
  std::vector<std::size_t> sizes;
  ByteVector joined;

  Status on_segment(const Segment&) override { return Done{}; }
  Status on_scan_data(std::uint64_t, Bytes data) override {
    sizes.push_back(data.size());
    joined.insert(joined.end(), data.begin(), data.end());
    return Done{};
  }
  Status on_trailer(std::uint64_t, Bytes) override { return Done{}; }
};

// A scan longer than three slices, with a stuffed 0xFF and a restart marker
// straddling slice boundaries and fill before EOI.
TEST(Walker, LongScanDataArrivesInSlices) {
  constexpr std::size_t kSlice = Walker::kScanSlice;
  ByteVector data(3 * kSlice + 100);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i % 0xFF);
  data[kSlice - 1] = 0xFF;
  data[kSlice] = 0x00;
  data[2 * kSlice - 1] = 0xFF;
  data[2 * kSlice] = 0xD5;
  data[3 * kSlice] = 0xFF;
  data[3 * kSlice + 1] = 0xFF;
  data[3 * kSlice + 2] = 0x00;
  const ByteVector input = soi() + dqt() + sof() + dht() + sos() + data + repeat(0xFF, 3) + eoi();

  // The first and third pieces take in the bytes after the 0xFF that ends
  // their slice. The restart marker at the second boundary lies inside the
  // search window, so the second piece ends exactly at its slice end.
  ScanPieces whole;
  ASSERT_TRUE(walk(input, whole));
  EXPECT_EQ(whole.joined, data);
  const std::vector<std::size_t> expected_sizes = {kSlice + 1, kSlice, kSlice + 2, 97};
  EXPECT_EQ(whole.sizes, expected_sizes);

  for (std::size_t chunk_size : {std::size_t{1}, std::size_t{4096}, kSlice + 1}) {
    ScanPieces chunked;
    Walker walker(chunked);
    for (std::size_t at = 0; at < input.size(); at += chunk_size) {
      const std::size_t size = std::min(chunk_size, input.size() - at);
      ASSERT_TRUE(walker.feed(Bytes(input).subspan(at, size))) << chunk_size;
    }
    ASSERT_TRUE(walker.finish()) << chunk_size;
    EXPECT_EQ(chunked.joined, data) << "chunk size " << chunk_size;
    for (std::size_t size : chunked.sizes) EXPECT_LE(size, kSlice + 2) << "chunk size " << chunk_size;
  }
}

TEST(Walker, ErrorIsSticky) {
  Recording recording;
  Walker walker(recording);
  ASSERT_FALSE(walker.feed(text("GIF89a")));
  Status again = walker.feed(minimal_jpeg());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::NotJpeg);
  EXPECT_FALSE(walker.finish());
}

TEST(Walker, HandlerErrorStopsWalk) {
  struct StoppingAtDht : Recording {
    Status on_segment(const Segment& segment) override {
      if (segment.code == marker::kDht) return Error{ErrorKind::TooLarge, 84, 0xC4, "stop"};
      return Recording::on_segment(segment);
    }
  } handler;
  Status walked = walk(minimal_jpeg(), handler);
  ASSERT_FALSE(walked);
  EXPECT_EQ(walked.error().message, "stop");
  EXPECT_EQ(handler.events.size(), 3u);
}

TEST(Walker, SegmentCountIsBounded) {
  ByteVector input = soi();
  const ByteVector empty_comment = segment(marker::kCom, {});
  for (std::size_t i = 0; i < Walker::kMaxSegments; ++i) {
    input.insert(input.end(), empty_comment.begin(), empty_comment.end());
  }
  Recording recording;
  Status walked = walk(input + minimal_body(), recording);
  ASSERT_FALSE(walked);
  EXPECT_EQ(walked.error().kind, ErrorKind::TooLarge);
  const std::uint64_t offset = 2 + 4 * (Walker::kMaxSegments - 1);
  EXPECT_EQ(walked.error().offset, offset);
  EXPECT_EQ(walked.error().message, "COM segment at offset " + std::to_string(offset) +
                                        ": the file holds more than 100000 segments");
}

struct MalformedCase {
  const char* name;
  ByteVector input;
  ErrorKind kind;
  std::uint64_t offset;
  std::optional<std::uint8_t> marker;
  std::string message;
};

ByteVector frame_prefix() { return soi() + dqt(); }  // SOF at offset 71
ByteVector scan_prefix() { return soi() + dqt() + sof() + dht() + sos(); }  // data at 116

std::vector<MalformedCase> malformed_cases() {
  return {
      {"Empty", {}, ErrorKind::NotJpeg, 0, std::nullopt, "input is empty"},
      {"OneByte", {0xFF}, ErrorKind::NotJpeg, 0, std::nullopt,
       "input is 1 byte long, shorter than the SOI marker"},
      {"Gif", text("GIF89a"), ErrorKind::NotJpeg, 0, std::nullopt,
       "input does not start with the SOI marker (FF D8)"},
      {"EoiFirst", eoi() + minimal_body(), ErrorKind::NotJpeg, 0, std::nullopt,
       "input does not start with the SOI marker (FF D8)"},
      {"LengthUnderTwo", soi() + ByteVector{0xFF, 0xE1, 0x00, 0x01} + minimal_body(),
       ErrorKind::BadSegmentLength, 2, 0xE1,
       "APP1 segment at offset 2: declared length 1 is below the minimum of 2"},
      {"SegmentPastEnd", soi() + ByteVector{0xFF, 0xE1, 0x01, 0x00} + repeat(0x41, 10),
       ErrorKind::BadSegmentLength, 2, 0xE1,
       "APP1 segment at offset 2: declared length 256 exceeds the 12 bytes remaining"},
      {"LengthFieldCut", soi() + ByteVector{0xFF, 0xE1, 0x00}, ErrorKind::Truncated, 2, 0xE1,
       "APP1 segment at offset 2: input ends inside the length field"},
      {"GarbageBetweenSegments", frame_prefix() + ByteVector{0x00, 0x11} + sof(),
       ErrorKind::GarbageBetweenSegments, 71, std::nullopt,
       "garbage at offset 71: expected a marker after the DQT segment at offset 2"},
      {"StuffingBetweenSegments", frame_prefix() + ByteVector{0xFF, 0x00} + sof(),
       ErrorKind::GarbageBetweenSegments, 71, std::nullopt,
       "garbage at offset 71: FF 00 is not a marker; expected a marker after the DQT segment "
       "at offset 2"},
      {"SecondSoi", frame_prefix() + soi() + minimal_body(), ErrorKind::UnexpectedMarker, 71,
       0xD8, "SOI marker at offset 71: a second start of image"},
      {"SoiInsideScan", scan_prefix() + scan_data() + soi() + eoi(),
       ErrorKind::UnexpectedMarker, 124, 0xD8, "SOI marker at offset 124: a second start of image"},
      {"MissingEoi", scan_prefix() + scan_data(), ErrorKind::Truncated, 106, 0xDA,
       "SOS segment at offset 106: input ends at offset 124 inside the scan data, before the "
       "EOI marker"},
      {"ScanEndsInFill", scan_prefix() + scan_data() + ByteVector{0xFF}, ErrorKind::Truncated,
       106, 0xDA,
       "SOS segment at offset 106: input ends at offset 125 inside the scan data, before the "
       "EOI marker"},
      {"EndsBetweenSegments", frame_prefix(), ErrorKind::Truncated, 71, std::nullopt,
       "input ends at offset 71 before the EOI marker"},
      {"EndsInsideMarker", frame_prefix() + ByteVector{0xFF}, ErrorKind::Truncated, 72,
       std::nullopt, "input ends at offset 72 inside a marker"},
      {"SosBeforeSof", soi() + dqt() + dht() + sos() + scan_data() + eoi(),
       ErrorKind::UnexpectedMarker, 93, 0xDA,
       "SOS marker at offset 93: start of scan before the frame header (SOFn)"},
      {"EoiBeforeScan", frame_prefix() + sof() + eoi(), ErrorKind::UnexpectedMarker, 84, 0xD9,
       "EOI marker at offset 84: end of image before any scan"},
      {"SecondSof", frame_prefix() + sof() + sof(marker::kSof2) + dht() + sos() + eoi(),
       ErrorKind::UnexpectedMarker, 84, 0xC2,
       "SOF2 marker at offset 84: a second frame header; the first is at offset 71"},
      {"Reserved02", soi() + marker_bytes(0x02) + minimal_body(), ErrorKind::UnknownMarker, 2,
       0x02, "RES marker at offset 2: code FF 02 is reserved and has no defined meaning"},
      {"ReservedBF", soi() + segment(0xBF, {}) + minimal_body(), ErrorKind::UnknownMarker, 2,
       0xBF, "RES marker at offset 2: code FF BF is reserved and has no defined meaning"},
      {"Jpg", soi() + segment(0xC8, {}) + minimal_body(), ErrorKind::UnknownMarker, 2, 0xC8,
       "JPG marker at offset 2: code FF C8 is reserved and has no defined meaning"},
      {"Jpg0", soi() + segment(0xF0, {}) + minimal_body(), ErrorKind::UnknownMarker, 2, 0xF0,
       "JPG0 marker at offset 2: code FF F0 is reserved and has no defined meaning"},
      {"Jpg13", soi() + segment(0xFD, {}) + minimal_body(), ErrorKind::UnknownMarker, 2, 0xFD,
       "JPG13 marker at offset 2: code FF FD is reserved and has no defined meaning"},
      {"ReservedInsideScan", scan_prefix() + scan_data() + segment(0x30, {}) + eoi(),
       ErrorKind::UnknownMarker, 124, 0x30,
       "RES marker at offset 124: code FF 30 is reserved and has no defined meaning"},
      {"JpegLs", soi() + segment(0xF7, {8, 0, 8, 0, 8, 1, 1, 0x11, 0}) + eoi(),
       ErrorKind::UnsupportedFeature, 2, 0xF7,
       "SOF55 marker at offset 2: JPEG-LS (ITU-T T.87) is not supported"},
      {"JpegLsPreset", soi() + segment(0xF8, {1}) + eoi(), ErrorKind::UnsupportedFeature, 2,
       0xF8, "LSE marker at offset 2: JPEG-LS (ITU-T T.87) is not supported"},
      {"Dhp", soi() + segment(0xDE, {8, 0, 8, 0, 8, 1, 1, 0x11, 0}) + eoi(),
       ErrorKind::UnsupportedFeature, 2, 0xDE,
       "DHP marker at offset 2: hierarchical JPEG is not supported"},
      {"Exp", frame_prefix() + segment(0xDF, {0x11}) + eoi(), ErrorKind::UnsupportedFeature, 71,
       0xDF, "EXP marker at offset 71: hierarchical JPEG is not supported"},
      {"DifferentialSof", frame_prefix() + sof(0xC5) + eoi(), ErrorKind::UnsupportedFeature, 71,
       0xC5, "SOF5 marker at offset 71: hierarchical JPEG is not supported"},
      {"ZeroHeight", frame_prefix() + sof(marker::kSof0, 16, 0) + dht() + sos() + eoi(),
       ErrorKind::MalformedSegment, 71, 0xC0,
       "SOF0 segment at offset 71: image height is 0 (height set by DNL is not supported)"},
      {"ZeroWidth", frame_prefix() + sof(marker::kSof0, 0, 8) + dht() + sos() + eoi(),
       ErrorKind::MalformedSegment, 71, 0xC0, "SOF0 segment at offset 71: image width is 0"},
      {"NoComponents", frame_prefix() + segment(0xC0, {8, 0, 8, 0, 16, 0}) + eoi(),
       ErrorKind::MalformedSegment, 71, 0xC0,
       "SOF0 segment at offset 71: component count 0 is outside 1-10"},
      {"ProgressiveFiveComponents",
       frame_prefix() + segment(0xC2, ByteVector{8, 0, 8, 0, 16, 5} + repeat(0x11, 15)) + eoi(),
       ErrorKind::MalformedSegment, 71, 0xC2,
       "SOF2 segment at offset 71: component count 5 is outside 1-4"},
      {"SofLengthMismatch", frame_prefix() + segment(0xC0, {8, 0, 8, 0, 16, 2, 1, 0x11, 0}) + eoi(),
       ErrorKind::MalformedSegment, 71, 0xC0,
       "SOF0 segment at offset 71: length 11 does not match the 14 bytes of 2 components"},
      {"TruncatedScan", scan_prefix() + ByteVector{0x12, 0x34}, ErrorKind::Truncated, 106, 0xDA,
       "SOS segment at offset 106: input ends at offset 118 inside the scan data, before the "
       "EOI marker"},
      {"DqtTrailingByte", soi() + segment(0xDB, ByteVector{0x00} + repeat(1, 64) + ByteVector{1}) +
                              minimal_body(),
       ErrorKind::MalformedSegment, 2, 0xDB,
       "DQT segment at offset 2: table at byte 69 runs past the declared length"},
      {"DriWrongLength", soi() + segment(0xDD, {0, 4, 0}) + minimal_body(),
       ErrorKind::MalformedSegment, 2, 0xDD, "DRI segment at offset 2: length 5 is not 4"},
      {"ScanComponentNotInFrame",
       frame_prefix() + sof() + dht() + segment(0xDA, {1, 2, 0x00, 0, 63, 0}) + eoi(),
       ErrorKind::MalformedSegment, 106, 0xDA,
       "SOS segment at offset 106: component 2 is not in the frame"},
  };
}

void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }

class WalkerMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(WalkerMalformed, RejectedWithExactError) {
  const MalformedCase& c = GetParam();
  Recording recording;
  Status walked = walk(c.input, recording);
  ASSERT_FALSE(walked);
  EXPECT_EQ(walked.error().kind, c.kind);
  EXPECT_EQ(walked.error().offset, c.offset);
  EXPECT_EQ(walked.error().marker, c.marker);
  EXPECT_EQ(walked.error().message, c.message);
}

TEST_P(WalkerMalformed, SameErrorInEveryChunkSize) {
  const MalformedCase& c = GetParam();
  for (std::size_t size : kChunkSizes) {
    Recording recording;
    Status walked = walk_in_chunks(c.input, size, recording);
    ASSERT_FALSE(walked) << "chunk size " << size;
    EXPECT_EQ(walked.error().message, c.message) << "chunk size " << size;
    EXPECT_EQ(walked.error().offset, c.offset) << "chunk size " << size;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, WalkerMalformed, ::testing::ValuesIn(malformed_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace exifscrub::jpeg
