// Tests for scrub() and inspect() on real images encoded by libjpeg-turbo,
// with metadata segments spliced in: the exact output bytes, the report, the
// orientation modes, and that pixels survive unchanged.
#include "jpeg/scrub.h"

#include <gtest/gtest.h>
#include <turbojpeg.h>

#include <string>
#include <vector>

#include "jpeg/exif.h"
#include "jpeg_builder.h"

namespace exifscrub::jpeg {
namespace {

using namespace testing;

struct Decoded {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> pixels;
  std::string error;  // libjpeg-turbo's message when decoding failed or warned
};

Decoded decode(const ByteVector& jpeg) {
  Decoded decoded;
  tjhandle handle = tjInitDecompress();
  int subsampling = 0;
  int colorspace = 0;
  if (tjDecompressHeader3(handle, jpeg.data(), jpeg.size(), &decoded.width, &decoded.height,
                          &subsampling, &colorspace) != 0) {
    decoded.error = tjGetErrorStr2(handle);
  } else {
    decoded.pixels.resize(static_cast<std::size_t>(decoded.width * decoded.height * 3));
    if (tjDecompress2(handle, jpeg.data(), jpeg.size(), decoded.pixels.data(), decoded.width, 0,
                      decoded.height, TJPF_RGB, 0) != 0) {
      decoded.error = tjGetErrorStr2(handle);
    }
  }
  tjDestroy(handle);
  return decoded;
}

ScrubOptions with_orientation(OrientationMode mode) {
  ScrubOptions options;
  options.orientation = mode;
  return options;
}

// A 32x16 image whose header carries every kind of metadata the scrubber drops.
ByteVector tagged_image(const ByteVector& base, int orientation = 1) {
  const ByteVector metadata = build_orientation_exif(orientation) + xmp() + com() +
                              segment(marker::kApp13, text("Photoshop 3.0\0"sv) + repeat(1, 20)) +
                              segment(marker::kApp2, text("MPF\0"sv) + repeat(2, 20)) +
                              segment(0xE5, repeat(3, 9));
  return insert_after_soi(base, metadata) + text("trailing video bytes");
}

std::vector<std::string> names_and_actions(const ScrubReport& report) {
  std::vector<std::string> lines;
  for (const SegmentInfo& info : report.segments) {
    const char* action = info.action == SegmentAction::Keep      ? "keep"
                         : info.action == SegmentAction::Rewrite ? "rewrite"
                                                                 : "drop";
    std::string line(info.name);
    if (!info.identifier.empty()) line.append(" ").append(info.identifier);
    lines.push_back(line.append(" ").append(action));
  }
  return lines;
}

TEST(Scrub, RemovesAllMetadataExactly) {
  const ByteVector base = encoded_jpeg(32, 16);
  Result<ScrubOutput> scrubbed = scrub(tagged_image(base), ScrubOptions{});
  ASSERT_TRUE(scrubbed) << scrubbed.error().message;
  EXPECT_EQ(scrubbed->jpeg, base);
  EXPECT_TRUE(verify_clean(scrubbed->jpeg));
}

TEST(Scrub, ReportListsEverySegment) {
  const ByteVector base = encoded_jpeg(32, 16);
  const ByteVector input = tagged_image(base);
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  const ScrubReport& report = scrubbed->report;

  const std::vector<std::string> expected = {
      "SOI keep",      "APP1 Exif drop",      "APP1 XMP drop",  "COM drop",
      "APP13 Photoshop drop", "APP2 MPF drop", "APP5 drop",     "APP0 JFIF keep",
      "DQT keep",      "DQT keep",            "SOF0 keep",      "DHT keep",
      "DHT keep",      "DHT keep",            "DHT keep",       "SOS keep",
      "EOI keep",      "trailer drop"};
  EXPECT_EQ(names_and_actions(report), expected);
  EXPECT_EQ(report.segments_removed, 7u);
  EXPECT_EQ(report.bytes_in, input.size());
  EXPECT_EQ(report.bytes_out, base.size());
  EXPECT_EQ(report.width, 32u);
  EXPECT_EQ(report.height, 16u);
  EXPECT_EQ(report.orientation, 1);
  EXPECT_EQ(report.orientation_applied, 0);
  EXPECT_EQ(report.segments[1].reason,
            "EXIF metadata (GPS position, serial numbers, owner, thumbnail, MakerNotes)");
  EXPECT_EQ(report.segments.back().offset, input.size() - 20);
  EXPECT_EQ(report.segments.back().size, 20u);
}

TEST(Scrub, SosSizeIncludesScanData) {
  const ByteVector input = minimal_jpeg();
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  const SegmentInfo& sos_info = scrubbed->report.segments[4];
  EXPECT_EQ(sos_info.name, "SOS");
  EXPECT_EQ(sos_info.size, 18u);
}

TEST(Scrub, PixelsUnchanged) {
  const ByteVector base = encoded_jpeg(40, 24);
  Result<ScrubOutput> scrubbed = scrub(tagged_image(base), ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  const Decoded before = decode(base);
  const Decoded after = decode(scrubbed->jpeg);
  ASSERT_EQ(after.error, "");
  EXPECT_EQ(after.pixels, before.pixels);
}

TEST(Scrub, IsIdempotent) {
  for (const ByteVector& input :
       {tagged_image(encoded_jpeg(32, 16)), minimal_jpeg(),
        insert_after_soi(minimal_jpeg(), adobe() + icc(2, 2) + jfif(1, 1) + icc(1, 2))}) {
    Result<ScrubOutput> once = scrub(input, ScrubOptions{});
    ASSERT_TRUE(once);
    Result<ScrubOutput> twice = scrub(once->jpeg, ScrubOptions{});
    ASSERT_TRUE(twice);
    EXPECT_EQ(twice->jpeg, once->jpeg);
    EXPECT_EQ(twice->report.segments_removed, 0u);
  }
}

TEST(Scrub, JfifThumbnailRemoved) {
  Result<ScrubOutput> scrubbed = scrub(insert_after_soi(minimal_jpeg(), jfif(2, 1)), ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, insert_after_soi(minimal_jpeg(), jfif(0, 0)));
  EXPECT_EQ(scrubbed->report.segments[1].action, SegmentAction::Rewrite);
  EXPECT_EQ(scrubbed->report.segments[1].reason,
            "JFIF pixel density and aspect ratio; thumbnail and extra bytes removed");
}

TEST(Scrub, JfifMovedFirstAndSecondDropped) {
  const ByteVector input = soi() + dqt() + jfif() + jfif(1, 1) + sof() + dht() + sos() +
                           scan_data() + eoi();
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, soi() + jfif() + dqt() + sof() + dht() + sos() + scan_data() + eoi());
  EXPECT_EQ(scrubbed->report.segments[3].reason, "a second JFIF segment; only the first is kept");
}

TEST(Scrub, HeaderPlacedInCanonicalOrder) {
  const ByteVector input =
      insert_after_soi(minimal_jpeg(), adobe(2) + icc(1, 2) + com() + icc(2, 2) + jfif());
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, soi() + jfif() + icc(1, 2) + icc(2, 2) + adobe(2) + minimal_body());
}

TEST(Scrub, KeepTagWritesOnlyOrientation) {
  const ByteVector input = insert_after_soi(minimal_jpeg(), build_orientation_exif(6) + xmp() + jfif());
  Result<ScrubOutput> scrubbed = scrub(input, with_orientation(OrientationMode::KeepTag));
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, soi() + jfif() + build_orientation_exif(6) + minimal_body());
  EXPECT_EQ(scrubbed->report.orientation, 6);
  EXPECT_EQ(scrubbed->report.orientation_applied, 0);
  EXPECT_TRUE(verify_clean(scrubbed->jpeg));
}

TEST(Scrub, KeepTagWithoutExifAddsNothing) {
  Result<ScrubOutput> scrubbed = scrub(minimal_jpeg(), with_orientation(OrientationMode::KeepTag));
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, minimal_jpeg());
  EXPECT_FALSE(scrubbed->report.orientation);
}

TEST(Scrub, DropModeLosesOrientation) {
  const ByteVector base = encoded_jpeg(32, 16);
  Result<ScrubOutput> scrubbed = scrub(tagged_image(base, 6), with_orientation(OrientationMode::Drop));
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, base);
  EXPECT_EQ(scrubbed->report.orientation, 6);
  EXPECT_EQ(scrubbed->report.orientation_applied, 0);
}

TEST(Scrub, ApplyRotatesLosslessly) {
  const ByteVector base = encoded_jpeg(32, 16);
  Result<ScrubOutput> scrubbed = scrub(tagged_image(base, 6), ScrubOptions{});
  ASSERT_TRUE(scrubbed) << scrubbed.error().message;
  const ScrubReport& report = scrubbed->report;
  EXPECT_EQ(report.orientation, 6);
  EXPECT_EQ(report.orientation_applied, 6);
  EXPECT_EQ(report.width, 16u);
  EXPECT_EQ(report.height, 32u);
  EXPECT_EQ(report.trimmed_columns, 0u);
  EXPECT_EQ(report.trimmed_rows, 0u);
  EXPECT_EQ(report.bytes_out, scrubbed->jpeg.size());

  const Decoded after = decode(scrubbed->jpeg);
  ASSERT_EQ(after.error, "");
  EXPECT_EQ(after.width, 16);
  EXPECT_EQ(after.height, 32);
  EXPECT_TRUE(verify_clean(scrubbed->jpeg));
}

TEST(ApplyOrientation, EqualsScrubInTwoSteps) {
  // Orientations 1, 3 and 6, with ICC chunks to carry over.
  const ByteVector base = encoded_jpeg(32, 16);
  for (int orientation : {1, 3, 6}) {
    SCOPED_TRACE(orientation);
    const ByteVector input =
        insert_after_soi(base, build_orientation_exif(orientation) + icc(1, 2) + icc(2, 2));
    Result<ScrubOutput> direct = scrub(input, ScrubOptions{});
    Result<ScrubOutput> first = scrub(input, with_orientation(OrientationMode::Drop));
    ASSERT_TRUE(direct) << direct.error().message;
    ASSERT_TRUE(first) << first.error().message;

    Result<ScrubOutput> second = apply_orientation(std::move(first).value(), ScrubOptions{});
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->jpeg, direct->jpeg);
    EXPECT_EQ(second->report.orientation_applied, direct->report.orientation_applied);
    EXPECT_EQ(second->report.bytes_out, direct->report.bytes_out);
    EXPECT_EQ(second->report.width, direct->report.width);
    EXPECT_EQ(second->report.height, direct->report.height);
  }
}

TEST(ApplyOrientation, SinkGetsSameBytesAsBuffer) {
  // Orientations 1 (no transform) and 2-8, with ICC chunks to carry over.
  const ByteVector base = encoded_jpeg(48, 32);
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE(orientation);
    const ByteVector input =
        insert_after_soi(base, build_orientation_exif(orientation) + icc(1, 2) + icc(2, 2));
    Result<ScrubOutput> direct = scrub(input, ScrubOptions{});
    Result<ScrubOutput> first = scrub(input, with_orientation(OrientationMode::Drop));
    ASSERT_TRUE(direct) << direct.error().message;
    ASSERT_TRUE(first) << first.error().message;

    ByteVector streamed;
    Result<ScrubReport> report = apply_orientation(
        std::move(first).value(), ScrubOptions{},
        [&streamed](std::span<const std::uint8_t> bytes) { streamed.insert(streamed.end(), bytes.begin(), bytes.end()); });
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(streamed, direct->jpeg);
    EXPECT_EQ(report->orientation_applied, direct->report.orientation_applied);
    EXPECT_EQ(report->bytes_out, direct->report.bytes_out);
    EXPECT_EQ(report->width, direct->report.width);
    EXPECT_EQ(report->height, direct->report.height);
    EXPECT_EQ(report->segments.size(), direct->report.segments.size());
  }
}

TEST(ApplyOrientation, SinkVersionReportsTransformError) {
  const ByteVector base = encoded_jpeg(32, 16);
  Result<ScrubOutput> first = scrub(tagged_image(base, 6), with_orientation(OrientationMode::Drop));
  ASSERT_TRUE(first);
  ScrubOptions options;
  options.max_transform_pixels = 511;
  std::size_t received = 0;
  Result<ScrubReport> report = apply_orientation(
      std::move(first).value(), options, [&received](std::span<const std::uint8_t> bytes) { received += bytes.size(); });
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::TooLarge);
  EXPECT_EQ(received, 0u);
}

TEST(ApplyOrientation, OtherModesReturnInputUnchanged) {
  const ByteVector base = encoded_jpeg(32, 16);
  Result<ScrubOutput> first = scrub(tagged_image(base, 6), with_orientation(OrientationMode::Drop));
  ASSERT_TRUE(first);
  const ByteVector dropped = first->jpeg;
  Result<ScrubOutput> second = apply_orientation(std::move(first).value(), with_orientation(OrientationMode::Drop));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->jpeg, dropped);
  EXPECT_EQ(second->report.orientation_applied, 0);
}

TEST(ApplyOrientation, TransformLimitIsTooLarge) {
  const ByteVector base = encoded_jpeg(32, 16);
  Result<ScrubOutput> first = scrub(tagged_image(base, 6), with_orientation(OrientationMode::Drop));
  ASSERT_TRUE(first);
  ScrubOptions options;
  options.max_transform_pixels = 511;
  Result<ScrubOutput> second = apply_orientation(std::move(first).value(), options);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::TooLarge);
}

TEST(ApplyOrientation, TransformLimitNamesInputOffset) {
  // The EXIF segment before the frame is gone from the scrubbed copy, so the
  // offset must come from the input.
  const ByteVector input = tagged_image(encoded_jpeg(32, 16), 6);
  Result<ScrubReport> inspected = inspect(input, ScrubOptions{});
  ASSERT_TRUE(inspected);
  std::uint64_t sof_offset = 0;
  for (const SegmentInfo& segment : inspected->segments) {
    if (segment.name == "SOF0") sof_offset = segment.offset;
  }
  ASSERT_GT(sof_offset, 0u);
  ScrubOptions options;
  options.max_transform_pixels = 511;

  for (const bool to_sink : {false, true}) {
    SCOPED_TRACE(to_sink);
    Result<ScrubOutput> first = scrub(input, with_orientation(OrientationMode::Drop));
    ASSERT_TRUE(first);
    const auto ignore = [](std::span<const std::uint8_t>) {};
    const Error error = to_sink ? apply_orientation(std::move(first).value(), options, ignore).error()
                                : apply_orientation(std::move(first).value(), options).error();
    EXPECT_EQ(error.kind, ErrorKind::TooLarge);
    EXPECT_EQ(error.offset, sof_offset);
    EXPECT_EQ(error.message, "SOF0 segment at offset " + std::to_string(sof_offset) +
                                 ": image of 32x16 (512 pixels) exceeds the transform limit of 511 pixels");
  }
}

TEST(Scrub, ApplyCarriesIccOver) {
  const ByteVector base = encoded_jpeg(32, 16);
  const ByteVector input = insert_after_soi(base, build_orientation_exif(3) + icc(1, 2) + icc(2, 2));
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed) << scrubbed.error().message;
  EXPECT_EQ(scrubbed->report.orientation_applied, 3);
  const ByteVector& out = scrubbed->jpeg;
  const ByteVector expected_icc = icc(1, 2) + icc(2, 2);
  ASSERT_GT(out.size(), 20u + expected_icc.size());
  EXPECT_EQ(ByteVector(out.begin() + 20, out.begin() + 20 + static_cast<std::ptrdiff_t>(expected_icc.size())),
            expected_icc);  // after SOI and the 18-byte JFIF
}

TEST(Scrub, ApplyTrimsPartialMcus) {
  Result<ScrubOutput> scrubbed =
      scrub(insert_after_soi(encoded_jpeg(35, 21), build_orientation_exif(8)), ScrubOptions{});
  ASSERT_TRUE(scrubbed) << scrubbed.error().message;
  EXPECT_EQ(scrubbed->report.orientation_applied, 8);
  EXPECT_EQ(scrubbed->report.width + scrubbed->report.trimmed_columns, 21u);
  EXPECT_EQ(scrubbed->report.height + scrubbed->report.trimmed_rows, 35u);
}

TEST(Scrub, ApplyWithOrientationOneDoesNotTransform) {
  const ByteVector base = encoded_jpeg(32, 16);
  Result<ScrubOutput> scrubbed = scrub(tagged_image(base, 1), ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, base);
  EXPECT_EQ(scrubbed->report.orientation_applied, 0);
}

TEST(Scrub, ApplyOverPixelLimitIsTooLarge) {
  ScrubOptions options;
  options.max_transform_pixels = 100;
  Result<ScrubOutput> scrubbed = scrub(tagged_image(encoded_jpeg(32, 16), 6), options);
  ASSERT_FALSE(scrubbed);
  EXPECT_EQ(scrubbed.error().kind, ErrorKind::TooLarge);
}

TEST(Scrub, IccDroppedByOption) {
  ScrubOptions options;
  options.keep_icc = false;
  Result<ScrubOutput> scrubbed = scrub(insert_after_soi(minimal_jpeg(), icc(1, 1)), options);
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, minimal_jpeg());
  EXPECT_EQ(scrubbed->report.segments[1].reason, "ICC colour profile, dropped by option");
}

TEST(Scrub, IccChunksReordered) {
  Result<ScrubOutput> scrubbed =
      scrub(insert_after_soi(minimal_jpeg(), icc(2, 2) + icc(1, 2)), ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, insert_after_soi(minimal_jpeg(), icc(1, 2) + icc(2, 2)));
}

struct IccNumberingCase {
  const char* name;
  ByteVector chunks;
};

TEST(Scrub, InvalidIccNumberingDropsProfile) {
  const std::vector<IccNumberingCase> cases = {
      {"MissingChunk", icc(1, 2)},
      {"CountDiffers", icc(1, 2) + icc(2, 3)},
      {"Duplicate", icc(1, 2) + icc(1, 2)},
      {"SequenceZero", icc(0, 1)},
      {"CountZero", icc(1, 0)},
      {"SequenceOverCount", icc(1, 2) + icc(3, 2)},
  };
  for (const IccNumberingCase& c : cases) {
    Result<ScrubOutput> scrubbed = scrub(insert_after_soi(minimal_jpeg(), c.chunks), ScrubOptions{});
    ASSERT_TRUE(scrubbed) << c.name;
    EXPECT_EQ(scrubbed->jpeg, minimal_jpeg()) << c.name;
    EXPECT_EQ(scrubbed->report.segments[1].action, SegmentAction::Drop) << c.name;
    EXPECT_EQ(scrubbed->report.segments[1].reason,
              "ICC_PROFILE chunk numbering is not 1 to N with one N; decoders ignore such a "
              "profile")
        << c.name;
  }
}

TEST(Scrub, LastAdobeKept) {
  Result<ScrubOutput> scrubbed =
      scrub(insert_after_soi(minimal_jpeg(), adobe(1) + adobe(2)), ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, insert_after_soi(minimal_jpeg(), adobe(2)));
  EXPECT_EQ(scrubbed->report.segments[1].action, SegmentAction::Drop);
  EXPECT_EQ(scrubbed->report.segments[1].reason,
            "an earlier Adobe segment; decoders use the last one, which is kept");
  EXPECT_EQ(scrubbed->report.segments_removed, 1u);
}

// Another JPEG with EXIF and GPS smuggled in as the "profile": well numbered,
// but no ICC header, so nothing of it may be kept.
TEST(Scrub, IccChunksThatAreNotAProfileDropped) {
  const ByteVector payload = text("ICC_PROFILE\0"sv) + ByteVector{1, 1} + build_orientation_exif(6) +
                             text("GPS 48.8584N SECRETSERIAL9731"sv) + repeat(0, 200);
  const ByteVector input = insert_after_soi(minimal_jpeg(), segment(marker::kApp2, payload));
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, minimal_jpeg());
  EXPECT_EQ(scrubbed->report.segments[1].action, SegmentAction::Drop);
  EXPECT_EQ(scrubbed->report.segments[1].reason,
            "ICC_PROFILE chunks do not hold an ICC profile (size field, 'acsp' signature or tag table invalid), "
            "so they could carry other data");
}

TEST(Scrub, IccProfileWithTagOutsideIsDropped) {
  ByteVector chunk = icc(1, 1);
  // Tag count 1 at profile offset 128, then a tag whose data would end past the profile.
  const std::size_t table = 4 + 12 + 2 + 128;
  chunk[table + 3] = 1;
  chunk[table + 4 + 7] = 100;   // offset 100
  chunk[table + 4 + 11] = 100;  // size 100, so it ends at 200 > 144
  Result<ScrubOutput> scrubbed = scrub(insert_after_soi(minimal_jpeg(), chunk), ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, minimal_jpeg());
}

// A profile of 200 bytes with two tags, split into APP2 chunks at uneven
// places, so the size field, the signature and the tag table each straddle a
// chunk boundary. `tag_end` is where the second tag's data ends.
ByteVector icc_split_profile(std::uint32_t tag_end) {
  ByteVector profile(200, 0x5A);
  const auto put_u32 = [&profile](std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) profile[at + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
  };
  std::fill(profile.begin(), profile.begin() + 156, 0);
  put_u32(0, 200);
  profile[36] = 'a';
  profile[37] = 'c';
  profile[38] = 's';
  profile[39] = 'p';
  put_u32(128, 2);                    // tag count
  put_u32(132 + 4, 156);              // first tag: offset 156, size 20
  put_u32(132 + 8, 20);
  put_u32(144 + 4, 176);              // second tag: offset 176
  put_u32(144 + 8, tag_end - 176);
  const std::vector<std::size_t> sizes = {2, 37, 1, 90, 11, 59};
  ByteVector chunks;
  std::size_t at = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const ByteVector part(profile.begin() + static_cast<std::ptrdiff_t>(at),
                          profile.begin() + static_cast<std::ptrdiff_t>(at + sizes[i]));
    chunks = chunks + segment(marker::kApp2, text("ICC_PROFILE\0"sv) +
                                         ByteVector{static_cast<std::uint8_t>(i + 1),
                                                    static_cast<std::uint8_t>(sizes.size())} +
                                         part);
    at += sizes[i];
  }
  return chunks;
}

TEST(Scrub, IccSplitProfileKept) {
  const ByteVector chunks = icc_split_profile(200);
  const ByteVector input = insert_after_soi(minimal_jpeg(), chunks);
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, input);
  EXPECT_EQ(scrubbed->report.segments_removed, 0u);
}

TEST(Scrub, IccSplitProfileTagOutsideDropped) {
  const ByteVector input = insert_after_soi(minimal_jpeg(), icc_split_profile(201));
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, minimal_jpeg());
  EXPECT_EQ(scrubbed->report.segments_removed, 6u);
}

TEST(Scrub, LongAdobeRewritten) {
  const ByteVector long_adobe =
      segment(marker::kApp14, text("Adobe"sv) + ByteVector{0, 100, 0, 0, 0, 0, 2} + text("extra"));
  Result<ScrubOutput> scrubbed = scrub(insert_after_soi(minimal_jpeg(), long_adobe), ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, insert_after_soi(minimal_jpeg(), adobe(2)));
}

TEST(Scrub, SegmentsBetweenScansDropped) {
  const ByteVector tables = dqt() + sof(marker::kSof2) + dht();
  const ByteVector input = soi() + tables + dc_sos() + scan_data() + xmp() + jfif() + icc(1, 1) +
                           adobe() + com() + dht() + dc_sos() + scan_data() + eoi();
  Result<ScrubOutput> scrubbed = scrub(input, with_orientation(OrientationMode::Drop));
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, soi() + tables + dc_sos() + scan_data() + dht() + dc_sos() + scan_data() + eoi());
  EXPECT_EQ(scrubbed->report.segments_removed, 5u);
  EXPECT_EQ(scrubbed->report.segments[7].reason,
            "after the first scan, where decoders no longer read it");
}

TEST(Scrub, ExifAfterFirstScanIsNotOrientation) {
  const ByteVector input = soi() + dqt() + sof(marker::kSof2) + dht() + dc_sos() + scan_data() +
                           build_orientation_exif(6) + dc_sos() + scan_data() + eoi();
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_FALSE(scrubbed->report.orientation);
}

TEST(Scrub, StrayStandaloneMarkersDropped) {
  Result<ScrubOutput> scrubbed =
      scrub(soi() + marker_bytes(marker::kTem) + marker_bytes(0xD0) + minimal_body(), ScrubOptions{});
  ASSERT_TRUE(scrubbed);
  EXPECT_EQ(scrubbed->jpeg, minimal_jpeg());
  EXPECT_EQ(scrubbed->report.segments_removed, 2u);
}

TEST(Scrub, HeaderSizeIsBounded) {
  ByteVector input = soi();
  const ByteVector big_chunk =
      segment(marker::kApp2, text("ICC_PROFILE\0"sv) + ByteVector{1, 1} + repeat(7, 65519));
  const std::size_t chunks = (32u << 20) / big_chunk.size() + 1;
  for (std::size_t i = 0; i < chunks; ++i) input.insert(input.end(), big_chunk.begin(), big_chunk.end());
  input = input + minimal_body();
  Result<ScrubOutput> scrubbed = scrub(input, ScrubOptions{});
  ASSERT_FALSE(scrubbed);
  EXPECT_EQ(scrubbed.error().kind, ErrorKind::TooLarge);
  const std::uint64_t offset = 2 + (chunks - 1) * big_chunk.size();
  EXPECT_EQ(scrubbed.error().message, "APP2 segment at offset " + std::to_string(offset) +
                                          ": the segments before the first scan exceed 33554432 bytes");
}

TEST(Scrub, RejectionPassesWalkerError) {
  Result<ScrubOutput> scrubbed = scrub(text("GIF89a"), ScrubOptions{});
  ASSERT_FALSE(scrubbed);
  EXPECT_EQ(scrubbed.error().kind, ErrorKind::NotJpeg);
  EXPECT_EQ(scrubbed.error().message, "input does not start with the SOI marker (FF D8)");
}

TEST(Inspect, MatchesScrubReport) {
  const ByteVector input = tagged_image(encoded_jpeg(32, 16), 6);
  Result<ScrubReport> inspected = inspect(input, ScrubOptions{});
  ASSERT_TRUE(inspected);
  Result<ScrubOutput> dropped = scrub(input, with_orientation(OrientationMode::Drop));
  ASSERT_TRUE(dropped);
  EXPECT_EQ(names_and_actions(inspected.value()), names_and_actions(dropped->report));
  EXPECT_EQ(inspected->bytes_out, dropped->jpeg.size());
  EXPECT_EQ(inspected->orientation, 6);
  EXPECT_EQ(inspected->orientation_applied, 0);
  EXPECT_EQ(inspected->width, 32u);
}

TEST(Inspect, RejectsLikeScrub) {
  Result<ScrubReport> inspected = inspect(soi() + dqt(), ScrubOptions{});
  ASSERT_FALSE(inspected);
  EXPECT_EQ(inspected.error().kind, ErrorKind::Truncated);
  EXPECT_EQ(inspected.error().message, "input ends at offset 71 before the EOI marker");
}

}  // namespace
}  // namespace exifscrub::jpeg
