// OpenSSL digests behind small value-returning functions. OpenSSL reports
// failure only on allocation errors here, which we treat as fatal.
#include "s3/crypto.h"

#include <array>
#include <cstdlib>
#include <utility>

#include <openssl/hmac.h>

namespace exifscrub::s3 {
namespace {

const EVP_MD* algorithm_md(StreamingDigest::Algorithm algorithm) {
  return algorithm == StreamingDigest::Algorithm::Md5 ? EVP_md5() : EVP_sha256();
}

std::array<std::uint32_t, 256> make_crc32_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

const std::array<std::uint32_t, 256> kCrc32Table = make_crc32_table();

std::string digest(Bytes data, StreamingDigest::Algorithm algorithm) {
  StreamingDigest state(algorithm);
  state.update(data);
  return state.finish();
}

}  // namespace

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

StreamingDigest::StreamingDigest(Algorithm algorithm) : context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr || EVP_DigestInit_ex(context_, algorithm_md(algorithm), nullptr) != 1) {
    std::abort();
  }
}

StreamingDigest::~StreamingDigest() { EVP_MD_CTX_free(context_); }

StreamingDigest::StreamingDigest(StreamingDigest&& other) noexcept
    : context_(std::exchange(other.context_, nullptr)) {}

StreamingDigest& StreamingDigest::operator=(StreamingDigest&& other) noexcept {
  std::swap(context_, other.context_);
  return *this;
}

void StreamingDigest::update(Bytes data) {
  if (!data.empty()) EVP_DigestUpdate(context_, data.data(), data.size());
}

std::string StreamingDigest::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_, out.data(), &size);
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
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
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
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(raw.data()),
                                      static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::uint32_t crc32_update(std::uint32_t crc, Bytes data) {
  crc = ~crc;
  for (const std::uint8_t byte : data) crc = kCrc32Table[(crc ^ byte) & 0xFFU] ^ (crc >> 8);
  return ~crc;
}

std::string crc32_base64(std::uint32_t crc) {
  const std::array<char, 4> big_endian{static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                                       static_cast<char>(crc >> 8), static_cast<char>(crc)};
  return base64_encode({big_endian.data(), big_endian.size()});
}

}  // namespace exifscrub::s3
