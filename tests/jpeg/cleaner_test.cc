// Tests for the copy loop driven by the walker: what it writes, what it
// records, and the decisions that span several segments.
#include "jpeg/cleaner.h"

#include <gtest/gtest.h>

#include "jpeg/exif.h"
#include "jpeg_builder.h"

namespace exifscrub::jpeg {
namespace {

using namespace testing;

struct CleanRun {
  Status status = Done{};
  ByteVector output;
  ScrubReport report;
  bool requires_whole_image = false;
};

CleanRun clean(const ByteVector& input, OrientationMode mode = OrientationMode::Drop) {
  CleanRun run;
  ScrubOptions options;
  options.orientation = mode;
  Cleaner cleaner(options, [&run](std::span<const std::uint8_t> bytes) -> Status {
    run.output.insert(run.output.end(), bytes.begin(), bytes.end());
    return Done{};
  });
  run.status = walk(input, cleaner);
  run.report = cleaner.report();
  run.requires_whole_image = cleaner.requires_whole_image();
  return run;
}

TEST(Cleaner, WritesKeptSegmentsOnly) {
  const CleanRun run = clean(insert_after_soi(minimal_jpeg(), xmp() + com()));
  ASSERT_TRUE(run.status);
  EXPECT_EQ(run.output, minimal_jpeg());
  EXPECT_EQ(run.report.segments_removed, 2u);
  EXPECT_EQ(run.report.segments.size(), 8u);
}

TEST(Cleaner, NothingWrittenBeforeFirstScan) {
  const CleanRun run = clean(soi() + dqt() + sof() + dht());
  ASSERT_FALSE(run.status);
  EXPECT_TRUE(run.output.empty());
}

TEST(Cleaner, ApplyStopsAtFirstScan) {
  const CleanRun run =
      clean(insert_after_soi(minimal_jpeg(), build_orientation_exif(5)), OrientationMode::Apply);
  ASSERT_FALSE(run.status);
  EXPECT_EQ(run.status.error().kind, ErrorKind::UnsupportedFeature);
  EXPECT_TRUE(run.requires_whole_image);
  EXPECT_TRUE(run.output.empty());
}

TEST(Cleaner, FirstExifGivesOrientation) {
  const CleanRun run =
      clean(insert_after_soi(minimal_jpeg(), build_orientation_exif(6) + build_orientation_exif(3)));
  ASSERT_TRUE(run.status);
  EXPECT_EQ(run.report.orientation, 6);
}

TEST(Cleaner, MalformedExifHasNoOrientation) {
  const ByteVector broken = segment(marker::kApp1, text("Exif\0\0MM\0\x2a\xff\xff\xff\xff"sv));
  const CleanRun run = clean(insert_after_soi(minimal_jpeg(), broken));
  ASSERT_TRUE(run.status);
  EXPECT_FALSE(run.report.orientation);
  EXPECT_EQ(run.output, minimal_jpeg());
}

TEST(Cleaner, FrameSizeRecorded) {
  const CleanRun run = clean(soi() + dqt() + sof(marker::kSof0, 640, 480) + dht() + sos() +
                             scan_data() + eoi());
  ASSERT_TRUE(run.status);
  EXPECT_EQ(run.report.width, 640u);
  EXPECT_EQ(run.report.height, 480u);
}

TEST(Cleaner, TrailerRecordedOnce) {
  ScrubOptions options;
  options.orientation = OrientationMode::Drop;
  Cleaner cleaner(options, [](std::span<const std::uint8_t>) -> Status { return Done{}; });
  Walker walker(cleaner);
  ASSERT_TRUE(walker.feed(minimal_jpeg()));
  ASSERT_TRUE(walker.feed(text("abc")));
  ASSERT_TRUE(walker.feed(text("defg")));
  ASSERT_TRUE(walker.finish());
  const SegmentInfo& trailer = cleaner.report().segments.back();
  EXPECT_EQ(trailer.name, "trailer");
  EXPECT_EQ(trailer.offset, 126u);
  EXPECT_EQ(trailer.size, 7u);
  EXPECT_EQ(trailer.action, SegmentAction::Drop);
  EXPECT_EQ(cleaner.report().segments_removed, 1u);
}

TEST(Cleaner, SinkErrorStopsWalk) {
  ScrubOptions options;
  Cleaner cleaner(options, [](std::span<const std::uint8_t>) -> Status {
    return Error{ErrorKind::VerificationFailed, 0, std::nullopt, "sink refused"};
  });
  Status walked = walk(minimal_jpeg(), cleaner);
  ASSERT_FALSE(walked);
  EXPECT_EQ(walked.error().message, "sink refused");
}

}  // namespace
}  // namespace exifscrub::jpeg
