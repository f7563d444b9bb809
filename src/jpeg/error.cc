// Names and fixes for the JPEG error kinds; see error.h for the vocabulary.
#include "jpeg/error.h"

namespace exifscrub::jpeg {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NotJpeg: return "not_jpeg";
    case ErrorKind::Truncated: return "truncated";
    case ErrorKind::BadSegmentLength: return "bad_segment_length";
    case ErrorKind::UnexpectedMarker: return "unexpected_marker";
    case ErrorKind::UnknownMarker: return "unknown_marker";
    case ErrorKind::GarbageBetweenSegments: return "garbage_between_segments";
    case ErrorKind::MalformedSegment: return "malformed_segment";
    case ErrorKind::UnsupportedFeature: return "unsupported_feature";
    case ErrorKind::TooLarge: return "too_large";
    case ErrorKind::TransformFailed: return "transform_failed";
    case ErrorKind::VerificationFailed: return "verification_failed";
  }
  return "unknown";
}

namespace {

// Returns what the user can do about each kind, shown after the message.
std::string_view fix_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NotJpeg:
      return "the file is not a JPEG image; upload a .jpg file";
    case ErrorKind::Truncated:
      return "the file is incomplete; upload it again in full";
    case ErrorKind::BadSegmentLength:
    case ErrorKind::GarbageBetweenSegments:
    case ErrorKind::MalformedSegment:
      return "the file is damaged; re-export it from the original with an image editor";
    case ErrorKind::UnexpectedMarker:
    case ErrorKind::UnknownMarker:
      return "the file's marker structure is invalid; re-export it as a standard JPEG";
    case ErrorKind::UnsupportedFeature:
      return "this kind of JPEG is not supported; re-export it as a baseline or progressive JPEG";
    case ErrorKind::TooLarge:
      return "the image exceeds a configured limit; reduce its size or raise the limit";
    case ErrorKind::TransformFailed:
      return "the lossless rotation failed; re-export the image upright, or keep or drop the "
             "orientation tag instead of applying it";
    case ErrorKind::VerificationFailed:
      return "the scrubbed output failed verification and was not written; this is a bug in "
             "exifscrub, please report it";
  }
  return "";
}

}  // namespace

std::string Error::describe() const {
  std::string text = "rejected: ";
  text += message;
  text += "; ";
  text += fix_for(kind);
  return text;
}

}  // namespace exifscrub::jpeg
