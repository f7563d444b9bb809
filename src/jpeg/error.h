// The JPEG library's one error vocabulary: every rejection is an Error value
// with a kind from ErrorKind, the byte offset where the problem was found, the
// marker involved (when there is one) and a message that states one fact.
//
// The library never throws for malformed input and never logs; callers decide
// how to report. Messages are stable enough for tests to compare word for word.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "support/result.h"

namespace exifscrub::jpeg {

enum class ErrorKind {
  NotJpeg,             // the first two bytes are not SOI (FF D8)
  Truncated,           // the input ends inside a segment, a scan or before EOI
  BadSegmentLength,    // a segment length field is under 2 or runs past the end
  UnexpectedMarker,    // a marker that is invalid where it appears (second SOI, SOS before SOF...)
  UnknownMarker,       // a marker code the walker does not understand (reserved JPGn, TEM...)
  GarbageBetweenSegments,  // non-marker bytes where a marker was expected
  MalformedSegment,    // an allowlisted segment whose contents do not parse (SOF, SOS, JFIF...)
  UnsupportedFeature,  // valid JPEG that the scrubber does not handle (hierarchical, JPEG-LS...)
  TooLarge,            // a limit was exceeded (pixel count for transforms, segment count...)
  TransformFailed,     // libjpeg-turbo rejected the lossless transform
  VerificationFailed,  // the output did not pass the re-walk; a bug, never released
};

// Stable lower-case name of a kind, for logs, JSON and test output ("not_jpeg").
std::string_view error_kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind;
  std::uint64_t offset = 0;              // byte offset in the input where the problem was found
  std::optional<std::uint8_t> marker;    // the marker's second byte (0xE1 for APP1), if any
  std::string message;                   // one fact, with offset and marker spelled out

  // "rejected: <message>" followed by the fix for this kind, for CLI output.
  std::string describe() const;
};

template <typename T>
using Result = exifscrub::Result<T, Error>;
using Status = exifscrub::Result<exifscrub::Done, Error>;

}  // namespace exifscrub::jpeg
