// Tests for verify_clean(): the output allowlist, its order rules, and that
// every failure is a VerificationFailed error naming the offset.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jpeg/exif.h"
#include "jpeg/scrub.h"
#include "jpeg/verify.h"
#include "jpeg_builder.h"

namespace exifscrub::jpeg {
namespace {

using namespace testing;

TEST(VerifyClean, AcceptsAllowedSegments) {
  const std::vector<ByteVector> clean = {
      minimal_jpeg(),
      insert_after_soi(minimal_jpeg(), jfif()),
      insert_after_soi(minimal_jpeg(), jfif() + build_orientation_exif(6) + icc(1, 2) + icc(2, 2) + adobe()),
      insert_after_soi(minimal_jpeg(), adobe()),
      soi() + dqt() + segment(marker::kDri, {0, 4}) + sof(marker::kSof9) +
          segment(marker::kDac, {0x00, 0x10}) + sos() + scan_data() + segment(marker::kDnl, {0, 8}) + eoi(),
  };
  for (const ByteVector& output : clean) {
    Status verified = verify_clean(output);
    EXPECT_TRUE(verified) << verified.error().message;
  }
}

struct RejectCase {
  const char* name;
  ByteVector output;
  std::uint64_t offset;
  std::string message;
};

std::vector<RejectCase> reject_cases() {
  const ByteVector exif_with_more = [] {
    ByteVector exif = build_orientation_exif(6);
    exif.push_back(0);  // one byte the writer never produces
    exif[3] = static_cast<std::uint8_t>(exif[3] + 1);
    return exif;
  }();
  return {
      {"Comment", insert_after_soi(minimal_jpeg(), com()), 2,
       "COM segment at offset 2: not allowed in a scrubbed image"},
      {"Xmp", insert_after_soi(minimal_jpeg(), xmp()), 2,
       "APP1 segment at offset 2: EXIF segment without a valid Orientation tag"},
      {"ExifWithExtraBytes", insert_after_soi(minimal_jpeg(), exif_with_more), 2,
       "APP1 segment at offset 2: EXIF segment holds more than the Orientation tag"},
      {"App5", insert_after_soi(minimal_jpeg(), segment(0xE5, {1})), 2,
       "APP5 segment at offset 2: not allowed in a scrubbed image"},
      {"JfifThumbnail", insert_after_soi(minimal_jpeg(), jfif(1, 1)), 2,
       "APP0 segment at offset 2: not a 14-byte JFIF header without thumbnail"},
      {"Jfxx", insert_after_soi(minimal_jpeg(), segment(marker::kApp0, text("JFXX\0"sv) + repeat(0, 10))), 2,
       "APP0 segment at offset 2: not a 14-byte JFIF header without thumbnail"},
      {"LongAdobe", insert_after_soi(minimal_jpeg(), segment(marker::kApp14, text("Adobe") + repeat(0, 8))),
       2, "APP14 segment at offset 2: not a 12-byte Adobe segment"},
      {"Mpf", insert_after_soi(minimal_jpeg(), segment(marker::kApp2, text("MPF\0"sv))), 2,
       "APP2 segment at offset 2: APP2 segment that is not an ICC_PROFILE chunk"},
      {"IccOutOfOrder", insert_after_soi(minimal_jpeg(), icc(2, 2) + icc(1, 2)), 2,
       "APP2 segment at offset 2: ICC_PROFILE chunk 2 of 2 where chunk 1 was expected"},
      {"IccIncomplete", insert_after_soi(minimal_jpeg(), icc(1, 2)), 164,
       "DQT segment at offset 164: the ICC profile ends after chunk 1 of 2"},
      {"JfifAfterAdobe", insert_after_soi(minimal_jpeg(), adobe() + jfif()), 18,
       "APP0 segment at offset 18: out of order or repeated among the APPn segments"},
      {"TwoJfif", insert_after_soi(minimal_jpeg(), jfif() + jfif()), 20,
       "APP0 segment at offset 20: out of order or repeated among the APPn segments"},
      {"AppAfterTables", soi() + dqt() + jfif() + sof() + dht() + sos() + scan_data() + eoi(), 71,
       "APP0 segment at offset 71: APPn segment after the frame tables"},
      {"Tem", soi() + marker_bytes(marker::kTem) + minimal_body(), 2,
       "TEM segment at offset 2: not allowed in a scrubbed image"},
      {"StrayRestart", soi() + marker_bytes(0xD2) + minimal_body(), 2,
       "RST2 segment at offset 2: not allowed in a scrubbed image"},
      {"Trailer", minimal_jpeg() + text("x"), 126, "data after EOI at offset 126"},
      {"Truncated", soi() + dqt(), 71,
       "output failed the re-walk: input ends at offset 71 before the EOI marker"},
      {"NotJpeg", text("abc"), 0,
       "output failed the re-walk: input does not start with the SOI marker (FF D8)"},
  };
}

void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.name; }

class VerifyReject : public ::testing::TestWithParam<RejectCase> {};

TEST_P(VerifyReject, FailsWithExactMessage) {
  const RejectCase& c = GetParam();
  Status verified = verify_clean(c.output);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().kind, ErrorKind::VerificationFailed);
  EXPECT_EQ(verified.error().offset, c.offset);
  EXPECT_EQ(verified.error().message, c.message);
}

TEST_P(VerifyReject, SameResultInChunks) {
  const RejectCase& c = GetParam();
  OutputVerifier verifier;
  Status status = Done{};
  for (std::size_t at = 0; at < c.output.size() && status; ++at) {
    status = verifier.feed(Bytes(c.output).subspan(at, 1));
  }
  if (status) status = verifier.finish();
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, c.message);
}

INSTANTIATE_TEST_SUITE_P(Outputs, VerifyReject, ::testing::ValuesIn(reject_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace exifscrub::jpeg
