// Tests for the error vocabulary: stable kind names and the fix each kind
// adds to a message.
#include "jpeg/error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace exifscrub::jpeg {
namespace {

struct KindCase {
  ErrorKind kind;
  std::string name;
  std::string fix;
};

const KindCase kKinds[] = {
    {ErrorKind::NotJpeg, "not_jpeg", "the file is not a JPEG image; upload a .jpg file"},
    {ErrorKind::Truncated, "truncated", "the file is incomplete; upload it again in full"},
    {ErrorKind::BadSegmentLength, "bad_segment_length",
     "the file is damaged; re-export it from the original with an image editor"},
    {ErrorKind::UnexpectedMarker, "unexpected_marker",
     "the file's marker structure is invalid; re-export it as a standard JPEG"},
    {ErrorKind::UnknownMarker, "unknown_marker",
     "the file's marker structure is invalid; re-export it as a standard JPEG"},
    {ErrorKind::GarbageBetweenSegments, "garbage_between_segments",
     "the file is damaged; re-export it from the original with an image editor"},
    {ErrorKind::MalformedSegment, "malformed_segment",
     "the file is damaged; re-export it from the original with an image editor"},
    {ErrorKind::UnsupportedFeature, "unsupported_feature",
     "this kind of JPEG is not supported; re-export it as a baseline or progressive JPEG"},
    {ErrorKind::TooLarge, "too_large",
     "the image exceeds a configured limit; reduce its size or raise the limit"},
    {ErrorKind::TransformFailed, "transform_failed",
     "the lossless rotation failed; re-export the image upright, or keep or drop the "
     "orientation tag instead of applying it"},
    {ErrorKind::VerificationFailed, "verification_failed",
     "the scrubbed output failed verification and was not written; this is a bug in "
     "exifscrub, please report it"},
};

TEST(ErrorKindName, EveryKindHasStableName) {
  std::set<std::string> names;
  for (const KindCase& c : kKinds) {
    EXPECT_EQ(error_kind_name(c.kind), c.name);
    names.insert(std::string(error_kind_name(c.kind)));
  }
  EXPECT_EQ(names.size(), std::size(kKinds));
}

TEST(ErrorDescribe, AddsFixForEveryKind) {
  for (const KindCase& c : kKinds) {
    const Error error{c.kind, 12, 0xE1, "APP1 segment at offset 12: example"};
    EXPECT_EQ(error.describe(), "rejected: APP1 segment at offset 12: example; " + c.fix);
  }
}

TEST(ErrorDescribe, NotJpegExample) {
  const Error error{ErrorKind::NotJpeg, 0, std::nullopt,
                    "input does not start with the SOI marker (FF D8)"};
  EXPECT_EQ(error.describe(),
            "rejected: input does not start with the SOI marker (FF D8); the file is not a JPEG "
            "image; upload a .jpg file");
}

}  // namespace
}  // namespace exifscrub::jpeg
