// Key decoding for event envelopes. S3 sends keys in notifications form
// encoded (a space arrives as '+', a literal '+' as "%2B"), so the order of
// the two steps matters: '+' is replaced before any escape is expanded.
#include "lambda/key_decoding.h"

#include <cstdint>

namespace exifscrub::lambda {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string, KeyDecodingError> decode_key(std::string_view encoded, bool plus_is_space) {
  if (encoded.empty()) return KeyDecodingError{0, "key is empty"};

  std::string decoded;
  decoded.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '+' && plus_is_space) {
      decoded.push_back(' ');
      continue;
    }
    if (c != '%') {
      decoded.push_back(c);
      continue;
    }
    int high = i + 1 < encoded.size() ? hex_value(encoded[i + 1]) : -1;
    int low = i + 2 < encoded.size() ? hex_value(encoded[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return KeyDecodingError{i, "invalid percent escape at offset " + std::to_string(i) +
                                     "; expected '%' followed by two hex digits"};
    }
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }

  if (!is_valid_utf8(decoded)) {
    return KeyDecodingError{0, "decoded key is not valid UTF-8"};
  }
  return decoded;
}

// Length of the UTF-8 sequence that starts with lead, or 0 when lead cannot
// start one.
std::size_t sequence_length(std::uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

}  // namespace

Result<std::string, KeyDecodingError> decode_form_key(std::string_view encoded) {
  return decode_key(encoded, true);
}

Result<std::string, KeyDecodingError> decode_percent_key(std::string_view encoded) {
  return decode_key(encoded, false);
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<std::uint8_t>(text[i]);
    std::size_t length = sequence_length(lead);
    if (length == 0 || i + length > text.size()) return false;

    // Following the byte sequence syntax of RFC 3629 section 4, the second byte's
    // range excludes overlong forms (E0, F0), UTF-16 surrogates (ED) and
    // values above U+10FFFF (F4).
    std::uint8_t min_second = 0x80;
    std::uint8_t max_second = 0xBF;
    if (lead == 0xE0) min_second = 0xA0;
    if (lead == 0xED) max_second = 0x9F;
    if (lead == 0xF0) min_second = 0x90;
    if (lead == 0xF4) max_second = 0x8F;
    for (std::size_t k = 1; k < length; ++k) {
      auto byte = static_cast<std::uint8_t>(text[i + k]);
      std::uint8_t low = k == 1 ? min_second : std::uint8_t{0x80};
      std::uint8_t high = k == 1 ? max_second : std::uint8_t{0xBF};
      if (byte < low || byte > high) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace exifscrub::lambda
