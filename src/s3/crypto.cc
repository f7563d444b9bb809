// OpenSSL digests and zlib's CRC32 behind small value-returning functions,
// through the libraries loaded at first use (s3/system_libraries.h). OpenSSL
// reports failure only on allocation errors here, which we treat as fatal.
#include "s3/crypto.h"

#include <array>
#include <cstdlib>
#include <utility>

#include "s3/system_libraries.h"

namespace exifscrub::s3 {
namespace {

const CryptoFunctions& crypto() { return loaded_system_libraries().crypto; }

const EVP_MD* algorithm_md(StreamingDigest::Algorithm algorithm) {
  return algorithm == StreamingDigest::Algorithm::Md5 ? crypto().md5() : crypto().sha256();
}

std::string digest(Bytes data, StreamingDigest::Algorithm algorithm) {
  StreamingDigest state(algorithm);
  state.update(data);
  return state.finish();
}

}  // namespace

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

StreamingDigest::StreamingDigest(Algorithm algorithm) : context_(crypto().md_ctx_new()) {
  if (context_ == nullptr || crypto().digest_init_ex(context_, algorithm_md(algorithm), nullptr) != 1) {
    std::abort();
  }
}

StreamingDigest::~StreamingDigest() {
  // A moved-from digest has no context and may live in a process that
  // never loaded libcrypto.
  if (context_ != nullptr) crypto().md_ctx_free(context_);
}

StreamingDigest::StreamingDigest(StreamingDigest&& other) noexcept
    : context_(std::exchange(other.context_, nullptr)) {}

StreamingDigest& StreamingDigest::operator=(StreamingDigest&& other) noexcept {
  std::swap(context_, other.context_);
  return *this;
}

void StreamingDigest::update(Bytes data) {
  if (!data.empty()) crypto().digest_update(context_, data.data(), data.size());
}

std::string StreamingDigest::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  crypto().digest_final_ex(context_, out.data(), &size);
  return {reinterpret_cast<const char*>(out.data()), size};
}

std::string sha256_hex(Bytes data) {
  return hex_encode(digest(data, StreamingDigest::Algorithm::Sha256));
}

std::string sha256_hex(std::string_view text) { return sha256_hex(as_bytes(text)); }

std::string md5_raw(Bytes data) { return digest(data, StreamingDigest::Algorithm::Md5); }

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  crypto().hmac(crypto().sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(), &size);
  return {reinterpret_cast<const char*>(out.data()), size};
}

std::string hex_encode(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0F];
  }
  return hex;
}

std::string base64_encode(std::string_view raw) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(4 * ((raw.size() + 2) / 3));
  std::size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    const std::uint32_t group = std::uint32_t{static_cast<unsigned char>(raw[i])} << 16 |
                                std::uint32_t{static_cast<unsigned char>(raw[i + 1])} << 8 |
                                std::uint32_t{static_cast<unsigned char>(raw[i + 2])};
    out += kAlphabet[group >> 18];
    out += kAlphabet[(group >> 12) & 0x3F];
    out += kAlphabet[(group >> 6) & 0x3F];
    out += kAlphabet[group & 0x3F];
  }
  const std::size_t rest = raw.size() - i;
  if (rest > 0) {
    // One or two bytes remain: pad the last group of four with '='.
    std::uint32_t group = std::uint32_t{static_cast<unsigned char>(raw[i])} << 16;
    if (rest == 2) group |= std::uint32_t{static_cast<unsigned char>(raw[i + 1])} << 8;
    out += kAlphabet[group >> 18];
    out += kAlphabet[(group >> 12) & 0x3F];
    out += rest == 2 ? kAlphabet[(group >> 6) & 0x3F] : '=';
    out += '=';
  }
  return out;
}

std::uint32_t crc32_update(std::uint32_t crc, Bytes data) {
  // zlib's crc32_z is the same CRC (polynomial 0xEDB88320, reflected,
  // inverted in and out) and chains the same way, several times faster than
  // a byte-wise table loop.
  const unsigned long result = loaded_system_libraries().zlib.crc32_z(crc, data.data(), data.size());
  return static_cast<std::uint32_t>(result);
}

std::string crc32_base64(std::uint32_t crc) {
  const std::array<char, 4> big_endian{static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                                       static_cast<char>(crc >> 8), static_cast<char>(crc)};
  return base64_encode({big_endian.data(), big_endian.size()});
}

}  // namespace exifscrub::s3
