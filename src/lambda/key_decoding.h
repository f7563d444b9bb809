// Decoding of object keys as event sources spell them: form encoding in S3
// and MinIO notifications, percent encoding in Batch Operations tasks.
//
// Does not touch keys that a source sends as they are (Ceph RGW, EventBridge).
// The difficulty is strictness: a stray '%' or an invalid UTF-8 sequence
// would name a different object, so both are errors, never passed through.
#pragma once

#include <string>
#include <string_view>

#include "support/result.h"

namespace exifscrub::lambda {

struct KeyDecodingError {
  std::size_t offset = 0;  // byte offset of the offending text in the encoded key
  std::string message;     // one line, names the offset and the expected form
};

// Decodes an application/x-www-form-urlencoded key: '+' becomes a space, then
// each %XX becomes one byte. Fails on an empty key, a '%' not followed by two
// hex digits, or a result that is not valid UTF-8.
Result<std::string, KeyDecodingError> decode_form_key(std::string_view encoded);

// Decodes a percent-encoded key (RFC 3986): '+' stays a plus sign. Fails like
// decode_form_key.
Result<std::string, KeyDecodingError> decode_percent_key(std::string_view encoded);

// True when text is well-formed UTF-8 (no overlong forms, no surrogates, at
// most U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace exifscrub::lambda
