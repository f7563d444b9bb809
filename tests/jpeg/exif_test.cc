// Tests for the EXIF orientation reader and writer: hand-made TIFF structures
// in both byte orders, one malformation per case, and a mutation sweep that
// the reader must survive. The writer is also checked against exiftool.
#include "jpeg/exif.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <unistd.h>

namespace exifscrub::jpeg {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Entry {
  std::uint16_t tag;
  std::uint16_t type;
  std::uint32_t count;
  std::uint32_t value;  // for a SHORT, stored left-justified in the value field
};

class PayloadBuilder {
 public:
  explicit PayloadBuilder(bool big_endian) : big_endian_(big_endian) {}

  void u16(Bytes& out, std::uint32_t v) const {
    const auto hi = static_cast<std::uint8_t>(v >> 8);
    const auto lo = static_cast<std::uint8_t>(v);
    if (big_endian_) {
      out.insert(out.end(), {hi, lo});
    } else {
      out.insert(out.end(), {lo, hi});
    }
  }
  void u32(Bytes& out, std::uint32_t v) const {
    if (big_endian_) {
      u16(out, v >> 16);
      u16(out, v & 0xFFFF);
    } else {
      u16(out, v & 0xFFFF);
      u16(out, v >> 16);
    }
  }

  // "Exif\0\0", a TIFF header pointing at ifd0_offset, then IFD0 with the
  // given entries and declared count, then the next-IFD offset.
  Bytes build(const std::vector<Entry>& entries, std::uint32_t ifd0_offset = 8,
              std::optional<std::uint16_t> declared_count = std::nullopt,
              std::uint32_t next_ifd = 0) const {
    Bytes out = {'E', 'x', 'i', 'f', 0, 0};
    const std::uint8_t mark = big_endian_ ? 'M' : 'I';
    out.insert(out.end(), {mark, mark});
    u16(out, 42);
    u32(out, ifd0_offset);
    u16(out, declared_count.value_or(static_cast<std::uint16_t>(entries.size())));
    for (const auto& e : entries) {
      u16(out, e.tag);
      u16(out, e.type);
      u32(out, e.count);
      if (e.type == 3 && e.count == 1) {
        u16(out, e.value);
        u16(out, 0);
      } else {
        u32(out, e.value);
      }
    }
    u32(out, next_ifd);
    return out;
  }

 private:
  bool big_endian_;
};

constexpr std::uint16_t kShort = 3;
constexpr std::uint16_t kLong = 4;
const Entry kMake{0x010F, 2, 4, 0x00414243};
Entry orientation_entry(std::uint32_t value) { return {0x0112, kShort, 1, value}; }

class ByteOrder : public testing::TestWithParam<bool> {};

TEST_P(ByteOrder, ReadsEveryValidOrientation) {
  const PayloadBuilder builder(GetParam());
  for (int value = 1; value <= 8; ++value) {
    const Bytes payload = builder.build({kMake, orientation_entry(static_cast<std::uint32_t>(value))});
    EXPECT_EQ(read_exif_orientation(payload), value) << "orientation " << value;
  }
}

TEST_P(ByteOrder, OutOfRangeValueIsAbsent) {
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(0)})), std::nullopt);
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(9)})), std::nullopt);
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(0xFFFF)})), std::nullopt);
}

TEST_P(ByteOrder, WrongTypeIsAbsent) {
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({{0x0112, kLong, 1, 6}})), std::nullopt);
}

TEST_P(ByteOrder, CountOtherThanOneIsAbsent) {
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({{0x0112, kShort, 2, 0x00060006}})), std::nullopt);
  EXPECT_EQ(read_exif_orientation(builder.build({{0x0112, kShort, 0, 0x00060000}})), std::nullopt);
}

TEST_P(ByteOrder, MissingTagIsAbsent) {
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({kMake})), std::nullopt);
  EXPECT_EQ(read_exif_orientation(builder.build({})), std::nullopt);
}

TEST_P(ByteOrder, IfdOffsetPastEndIsAbsent) {
  const PayloadBuilder builder(GetParam());
  const Bytes payload = builder.build({orientation_entry(6)}, 4096);
  EXPECT_EQ(read_exif_orientation(payload), std::nullopt);
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(6)}, 0xFFFFFFFF)), std::nullopt);
}

TEST_P(ByteOrder, IfdOffsetInsideHeaderIsAbsent) {
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(6)}, 4)), std::nullopt);
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(6)}, 0)), std::nullopt);
}

TEST_P(ByteOrder, EntryCountPastEndIsAbsent) {
  const PayloadBuilder builder(GetParam());
  // The one real entry is the Orientation tag, but the declared table is longer.
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(6)}, 8, 3)), std::nullopt);
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(6)}, 8, 0xFFFF)), std::nullopt);
}

TEST_P(ByteOrder, TruncatedEntryIsAbsent) {
  const PayloadBuilder builder(GetParam());
  Bytes payload = builder.build({orientation_entry(6)});
  payload.resize(6 + 8 + 2 + 9);  // cut inside the entry's value field
  EXPECT_EQ(read_exif_orientation(payload), std::nullopt);
}

TEST_P(ByteOrder, EntryWithoutNextOffsetIsRead) {
  // The next-IFD offset is not needed to read IFD0, so its absence is tolerated.
  const PayloadBuilder builder(GetParam());
  Bytes payload = builder.build({orientation_entry(6)});
  payload.resize(payload.size() - 4);
  EXPECT_EQ(read_exif_orientation(payload), 6);
}

TEST_P(ByteOrder, IfdAfterPaddingIsRead) {
  const PayloadBuilder builder(GetParam());
  Bytes payload = builder.build({orientation_entry(3)});
  // Move IFD0 from offset 8 to offset 12 by inserting four padding bytes.
  payload.insert(payload.begin() + 6 + 8, {0, 0, 0, 0});
  const PayloadBuilder header(GetParam());
  Bytes offset;
  header.u32(offset, 12);
  std::copy(offset.begin(), offset.end(), payload.begin() + 6 + 4);
  EXPECT_EQ(read_exif_orientation(payload), 3);
}

TEST_P(ByteOrder, SelfReferencingNextIfdIsHarmless) {
  // IFD0's next-IFD offset points back at IFD0; only IFD0 is ever read.
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(5)}, 8, std::nullopt, 8)), 5);
}

TEST_P(ByteOrder, AgreeingDuplicatesAreRead) {
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(6), orientation_entry(6)})), 6);
}

TEST_P(ByteOrder, DisagreeingDuplicatesAreAbsent) {
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(6), orientation_entry(8)})),
            std::nullopt);
}

TEST_P(ByteOrder, InvalidDuplicateMakesTagAbsent) {
  const PayloadBuilder builder(GetParam());
  EXPECT_EQ(read_exif_orientation(builder.build({orientation_entry(6), orientation_entry(0)})),
            std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Exif, ByteOrder, testing::Bool(),
                         [](const testing::TestParamInfo<bool>& param) {
                           return param.param ? "BigEndian" : "LittleEndian";
                         });

TEST(ReadExifOrientation, EmptyPayloadIsAbsent) {
  EXPECT_EQ(read_exif_orientation({}), std::nullopt);
}

TEST(ReadExifOrientation, WrongIdentifierIsAbsent) {
  Bytes payload = PayloadBuilder(false).build({orientation_entry(6)});
  payload[5] = 0xFF;  // "Exif\0\xFF"
  EXPECT_EQ(read_exif_orientation(payload), std::nullopt);
  Bytes xmp = {'h', 't', 't', 'p', ':', '/', '/', 'n', 's', '.', 'a', 'd', 'o', 'b', 'e'};
  EXPECT_EQ(read_exif_orientation(xmp), std::nullopt);
}

TEST(ReadExifOrientation, WrongByteOrderMarkIsAbsent) {
  Bytes payload = PayloadBuilder(false).build({orientation_entry(6)});
  payload[7] = 'M';  // "IM"
  EXPECT_EQ(read_exif_orientation(payload), std::nullopt);
}

TEST(ReadExifOrientation, WrongMagicNumberIsAbsent) {
  Bytes payload = PayloadBuilder(true).build({orientation_entry(6)});
  payload[9] = 43;
  EXPECT_EQ(read_exif_orientation(payload), std::nullopt);
}

TEST(ReadExifOrientation, ShortHeaderIsAbsent) {
  const Bytes payload = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0};
  EXPECT_EQ(read_exif_orientation(payload), std::nullopt);
}

TEST(ReadExifOrientation, ByteOrderDecidesValue) {
  // The value bytes 00 06 read as 6 in big-endian order but as 0x0600, which
  // is out of range, in little-endian order.
  Bytes payload = PayloadBuilder(false).build({orientation_entry(6)});
  const std::size_t value_offset = 6 + 8 + 2 + 8;
  ASSERT_EQ(payload[value_offset], 6);
  payload[value_offset] = 0;
  payload[value_offset + 1] = 6;
  EXPECT_EQ(read_exif_orientation(payload), std::nullopt);
}

TEST(ReadExifOrientation, MutatedPayloadsNeverReadOutOfRange) {
  // Every result is either absent or 1-8; AddressSanitizer builds catch any
  // read past the payload.
  const Bytes valid = PayloadBuilder(false).build({kMake, orientation_entry(6)});
  std::mt19937 random(20261204);
  for (int round = 0; round < 20000; ++round) {
    Bytes payload = valid;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) {
      payload[random() % payload.size()] = static_cast<std::uint8_t>(random());
    }
    payload.resize(random() % (payload.size() + 1));
    const auto result = read_exif_orientation(payload);
    if (result) {
      ASSERT_GE(*result, 1) << "round " << round;
      ASSERT_LE(*result, 8) << "round " << round;
    }
  }
}

TEST(BuildOrientationExif, BytesAreExact) {
  const Bytes expected = {0xFF, 0xE1, 0x00, 0x22, 'E',  'x',  'i',  'f',  0x00,
                          0x00, 'M',  'M',  0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
                          0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00,
                          0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(build_orientation_exif(6), expected);
}

TEST(BuildOrientationExif, RoundTripsEveryValue) {
  for (int value = 1; value <= 8; ++value) {
    const Bytes segment = build_orientation_exif(value);
    ASSERT_EQ(segment.size(), 36u);
    const std::size_t length = std::size_t{segment[2]} << 8 | segment[3];
    EXPECT_EQ(length, segment.size() - 2);
    EXPECT_EQ(read_exif_orientation(std::span(segment).subspan(4)), value);
  }
}

TEST(BuildOrientationExif, OutOfRangeBecomesNormal) {
  for (const int value : {0, 9, -3}) {
    const Bytes segment = build_orientation_exif(value);
    EXPECT_EQ(read_exif_orientation(std::span(segment).subspan(4)), 1) << "value " << value;
  }
}

// A grayscale 8x8 JPEG from cjpeg with the built APP1 inserted after SOI.
TEST(BuildOrientationExif, ExiftoolReadsSegment) {
  if (std::system("command -v cjpeg >/dev/null && command -v exiftool >/dev/null") != 0) {
    GTEST_SKIP() << "cjpeg or exiftool is not installed; run scripts/install-deps.sh test";
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("exif_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  {
    std::ofstream pgm(dir / "in.pgm", std::ios::binary);
    pgm << "P5\n8 8\n255\n" << std::string(64, '\x80');
  }
  ASSERT_EQ(std::system(("cjpeg " + (dir / "in.pgm").string() + " > " +
                         (dir / "plain.jpg").string()).c_str()), 0);
  std::ifstream plain_in(dir / "plain.jpg", std::ios::binary);
  Bytes jpeg((std::istreambuf_iterator<char>(plain_in)), {});

  const Bytes app1 = build_orientation_exif(8);
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  {
    std::ofstream out(dir / "tagged.jpg", std::ios::binary);
    out.write(reinterpret_cast<const char*>(jpeg.data()), static_cast<std::streamsize>(jpeg.size()));
  }

  const std::string command = "exiftool -q -q -m -n -s3 -Orientation -warning " +
                              (dir / "tagged.jpg").string();
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  EXPECT_EQ(::pclose(pipe), 0);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(output, "8\n");
}

}  // namespace
}  // namespace exifscrub::jpeg
