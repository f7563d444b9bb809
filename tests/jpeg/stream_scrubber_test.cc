// Tests for StreamScrubber. Every input fed in chunks of 1, 2, 3, 7, 64 and
// 4096 bytes and whole gives scrub()'s bytes and report. Scan data passes
// through without being buffered, and EOI is held back until finish().
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jpeg/exif.h"
#include "jpeg/scrub.h"
#include "jpeg_builder.h"

namespace exifscrub::jpeg {
namespace {

using namespace testing;

constexpr std::size_t kChunkSizes[] = {1, 2, 3, 7, 64, 4096, 1u << 30};

struct StreamResult {
  Status status = Done{};
  ByteVector output;
  ScrubReport report;
  bool requires_whole_image = false;
};

StreamResult stream(const ByteVector& input, std::size_t chunk_size, const ScrubOptions& options) {
  StreamResult result;
  StreamScrubber scrubber(options, [&result](std::span<const std::uint8_t> bytes) {
    EXPECT_FALSE(bytes.empty());
    result.output.insert(result.output.end(), bytes.begin(), bytes.end());
  });
  for (std::size_t at = 0; at < input.size() && result.status; at += chunk_size) {
    const std::size_t size = std::min(chunk_size, input.size() - at);
    result.status = scrubber.write(std::span<const std::uint8_t>(input).subspan(at, size));
  }
  if (result.status) result.status = scrubber.finish();
  result.report = scrubber.report();
  result.requires_whole_image = scrubber.requires_whole_image();
  return result;
}

std::vector<ByteVector> inputs() {
  const ByteVector base = encoded_jpeg(48, 32);
  const ByteVector metadata = build_orientation_exif(1) + xmp() + com() + jfif(2, 2) + icc(2, 2) +
                              adobe(1) + icc(1, 2) + segment(0xE9, repeat(9, 30));
  return {
      minimal_jpeg(),
      base,
      insert_after_soi(base, metadata) + text("trailer"),
      insert_after_soi(encoded_jpeg(17, 9, true), xmp()) + minimal_jpeg(),
      soi() + repeat(0xFF, 9) + dqt() + sof(marker::kSof2) + dht() + dc_sos() + scan_data() +
          repeat(0xFF, 300) + com() + dht() + dc_sos() + ByteVector{0xFF, 0xFF, 0x00, 0xFF, 0xD1} +
          repeat(0xFF, 4) + eoi(),
      soi() + marker_bytes(marker::kTem) + minimal_body(),
  };
}

ScrubOptions drop_orientation() {
  ScrubOptions options;
  options.orientation = OrientationMode::Drop;
  return options;
}

TEST(StreamScrubber, MatchesScrubInEveryChunkSize) {
  for (const OrientationMode mode :
       {OrientationMode::Apply, OrientationMode::Drop, OrientationMode::KeepTag}) {
    ScrubOptions options;
    options.orientation = mode;
    for (const ByteVector& input : inputs()) {
      Result<ScrubOutput> whole = scrub(input, options);
      ASSERT_TRUE(whole) << whole.error().message;
      for (std::size_t size : kChunkSizes) {
        const StreamResult streamed = stream(input, size, options);
        ASSERT_TRUE(streamed.status) << streamed.status.error().message;
        EXPECT_EQ(streamed.output, whole->jpeg) << "chunk size " << size;
        EXPECT_EQ(streamed.report.bytes_in, input.size());
        EXPECT_EQ(streamed.report.bytes_out, whole->jpeg.size());
        EXPECT_EQ(streamed.report.segments_removed, whole->report.segments_removed);
        ASSERT_EQ(streamed.report.segments.size(), whole->report.segments.size());
        for (std::size_t i = 0; i < whole->report.segments.size(); ++i) {
          EXPECT_EQ(streamed.report.segments[i].offset, whole->report.segments[i].offset);
          EXPECT_EQ(streamed.report.segments[i].size, whole->report.segments[i].size);
          EXPECT_EQ(streamed.report.segments[i].action, whole->report.segments[i].action);
        }
      }
    }
  }
}

TEST(StreamScrubber, KeepTagMatchesScrub) {
  ScrubOptions options;
  options.orientation = OrientationMode::KeepTag;
  const ByteVector input = insert_after_soi(encoded_jpeg(16, 16), build_orientation_exif(7));
  Result<ScrubOutput> whole = scrub(input, options);
  ASSERT_TRUE(whole);
  for (std::size_t size : kChunkSizes) {
    const StreamResult streamed = stream(input, size, options);
    ASSERT_TRUE(streamed.status);
    EXPECT_EQ(streamed.output, whole->jpeg) << "chunk size " << size;
    EXPECT_EQ(streamed.report.orientation, 7);
  }
}

TEST(StreamScrubber, ApplyOrientationNeedsWholeImage) {
  const ByteVector input = insert_after_soi(minimal_jpeg(), build_orientation_exif(6));
  for (std::size_t size : kChunkSizes) {
    const StreamResult streamed = stream(input, size, ScrubOptions{});
    ASSERT_FALSE(streamed.status);
    EXPECT_EQ(streamed.status.error().kind, ErrorKind::UnsupportedFeature);
    EXPECT_EQ(streamed.status.error().offset, 2u);
    EXPECT_EQ(streamed.status.error().marker, 0xE1);
    EXPECT_EQ(streamed.status.error().message,
              "APP1 segment at offset 2: EXIF orientation 6 needs a lossless rotation of the "
              "whole image, which a stream cannot apply; scrub the whole buffer instead");
    EXPECT_TRUE(streamed.requires_whole_image);
    EXPECT_TRUE(streamed.output.empty()) << "chunk size " << size;
  }
}

TEST(StreamScrubber, OrientationOneStreams) {
  const ByteVector input = insert_after_soi(minimal_jpeg(), build_orientation_exif(1));
  const StreamResult streamed = stream(input, 5, ScrubOptions{});
  ASSERT_TRUE(streamed.status);
  EXPECT_FALSE(streamed.requires_whole_image);
  EXPECT_EQ(streamed.output, minimal_jpeg());
}

TEST(StreamScrubber, EoiHeldBackUntilFinish) {
  ByteVector output;
  StreamScrubber scrubber(drop_orientation(), [&output](std::span<const std::uint8_t> bytes) {
    output.insert(output.end(), bytes.begin(), bytes.end());
  });
  ASSERT_TRUE(scrubber.write(minimal_jpeg()));
  EXPECT_EQ(output.size(), minimal_jpeg().size() - 2);
  ASSERT_TRUE(scrubber.finish());
  EXPECT_EQ(output, minimal_jpeg());
}

TEST(StreamScrubber, TruncatedInputNeverYieldsEoi) {
  const ByteVector input = soi() + dqt() + sof() + dht() + sos() + scan_data();
  for (std::size_t size : kChunkSizes) {
    const StreamResult streamed = stream(input, size, drop_orientation());
    ASSERT_FALSE(streamed.status);
    EXPECT_EQ(streamed.status.error().kind, ErrorKind::Truncated);
    ASSERT_GE(streamed.output.size(), 2u);
    EXPECT_NE(ByteVector(streamed.output.end() - 2, streamed.output.end()), eoi());
  }
}

TEST(StreamScrubber, ErrorIsSticky) {
  StreamScrubber scrubber(drop_orientation(), [](std::span<const std::uint8_t>) {});
  ASSERT_FALSE(scrubber.write(text("PNG")));
  Status again = scrubber.write(minimal_jpeg());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::NotJpeg);
  Status finished = scrubber.finish();
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().kind, ErrorKind::NotJpeg);
}

// Scan data must reach the sink as it arrives: 16 MiB of it are written in
// 64 KiB chunks and, after each chunk, all but the held-back bytes are out.
TEST(StreamScrubber, ScanDataIsNotBuffered) {
  std::uint64_t received = 0;
  StreamScrubber scrubber(drop_orientation(),
                          [&received](std::span<const std::uint8_t> bytes) { received += bytes.size(); });
  const ByteVector header = soi() + dqt() + sof() + dht() + sos();
  ASSERT_TRUE(scrubber.write(header));
  ByteVector chunk(64 * 1024);
  for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<std::uint8_t>(i % 251);
  std::uint64_t written = header.size();
  for (int i = 0; i < 256; ++i) {
    ASSERT_TRUE(scrubber.write(chunk));
    written += chunk.size();
    ASSERT_EQ(received, written - 2) << "after chunk " << i;
  }
  ASSERT_TRUE(scrubber.write(eoi()));
  ASSERT_TRUE(scrubber.finish());
  EXPECT_EQ(received, written + 2);
  EXPECT_EQ(scrubber.report().bytes_out, written + 2);
}

TEST(StreamScrubber, MovedScrubberKeepsWorking) {
  const ByteVector input = minimal_jpeg();
  ByteVector output;
  StreamScrubber first(drop_orientation(), [&output](std::span<const std::uint8_t> bytes) {
    output.insert(output.end(), bytes.begin(), bytes.end());
  });
  ASSERT_TRUE(first.write(std::span<const std::uint8_t>(input).first(50)));
  StreamScrubber second = std::move(first);
  ASSERT_TRUE(second.write(std::span<const std::uint8_t>(input).subspan(50)));
  ASSERT_TRUE(second.finish());
  EXPECT_EQ(output, input);
}

}  // namespace
}  // namespace exifscrub::jpeg
