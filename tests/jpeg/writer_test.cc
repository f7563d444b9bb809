// Tests for the segment writer: header order, replacement of single
// segments, pass-through after the header, and sink errors.
#include "jpeg/writer.h"

#include <gtest/gtest.h>

#include "jpeg_builder.h"

namespace exifscrub::jpeg {
namespace {

using namespace testing;

struct Collected {
  ByteVector bytes;
  int calls = 0;
  SegmentWriter::Sink sink() {
    return [this](std::span<const std::uint8_t> data) -> Status {
      bytes.insert(bytes.end(), data.begin(), data.end());
      ++calls;
      return Done{};
    };
  }
};

TEST(SegmentWriter, HeaderWrittenInOutputOrder) {
  Collected out;
  SegmentWriter writer(out.sink());
  writer.add_header(HeaderGroup::Body, dqt());
  writer.add_header(HeaderGroup::Adobe, adobe());
  writer.add_header(HeaderGroup::Icc, icc(1, 2));
  writer.add_header(HeaderGroup::Exif, text("EXIF"));
  writer.add_header(HeaderGroup::Body, sof());
  writer.add_header(HeaderGroup::Icc, icc(2, 2));
  writer.add_header(HeaderGroup::Jfif, jfif());
  writer.add_header(HeaderGroup::Soi, soi());
  EXPECT_TRUE(out.bytes.empty());
  ASSERT_TRUE(writer.flush_header());
  EXPECT_EQ(out.bytes, soi() + jfif() + text("EXIF") + icc(1, 2) + icc(2, 2) + adobe() + dqt() + sof());
  EXPECT_TRUE(writer.header_flushed());
  EXPECT_EQ(writer.header_bytes(), 0u);
}

TEST(SegmentWriter, SingleGroupsReplaced) {
  Collected out;
  SegmentWriter writer(out.sink());
  writer.add_header(HeaderGroup::Adobe, adobe(1));
  writer.add_header(HeaderGroup::Adobe, adobe(2));
  EXPECT_EQ(writer.header_bytes(), adobe(2).size());
  ASSERT_TRUE(writer.flush_header());
  EXPECT_EQ(out.bytes, adobe(2));
}

TEST(SegmentWriter, HeaderBytesCounted) {
  Collected out;
  SegmentWriter writer(out.sink());
  writer.add_header(HeaderGroup::Soi, soi());
  writer.add_header(HeaderGroup::Icc, icc(1, 1));
  writer.add_header(HeaderGroup::Body, dqt());
  EXPECT_EQ(writer.header_bytes(), soi().size() + icc(1, 1).size() + dqt().size());
}

TEST(SegmentWriter, WritesPassThroughAfterHeader) {
  Collected out;
  SegmentWriter writer(out.sink());
  writer.add_header(HeaderGroup::Soi, soi());
  ASSERT_TRUE(writer.flush_header());
  ASSERT_TRUE(writer.write(scan_data()));
  ASSERT_TRUE(writer.write({}));
  ASSERT_TRUE(writer.flush_header());  // a second flush writes nothing
  EXPECT_EQ(out.bytes, soi() + scan_data());
  EXPECT_EQ(out.calls, 2);
}

TEST(SegmentWriter, SinkErrorReturned) {
  SegmentWriter writer([](std::span<const std::uint8_t>) -> Status {
    return Error{ErrorKind::VerificationFailed, 7, std::nullopt, "refused"};
  });
  writer.add_header(HeaderGroup::Soi, soi());
  Status flushed = writer.flush_header();
  ASSERT_FALSE(flushed);
  EXPECT_EQ(flushed.error().message, "refused");
}

}  // namespace
}  // namespace exifscrub::jpeg
