// Digests the S3 client needs: SHA-256 and HMAC-SHA256 for Signature V4,
// MD5 for Content-MD5 and ETags, CRC32 for x-amz-checksum-crc32.
// Thin wrappers over OpenSSL's EVP API plus a table-driven CRC32; no I/O.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace exifscrub::s3 {

using Bytes = std::span<const std::uint8_t>;

std::span<const std::uint8_t> as_bytes(std::string_view text);

std::string sha256_hex(Bytes data);
std::string sha256_hex(std::string_view text);
// Returns the raw 32-byte HMAC-SHA256 of message under key.
std::string hmac_sha256(std::string_view key, std::string_view message);
std::string hex_encode(std::string_view raw);
std::string base64_encode(std::string_view raw);
// Returns the 16 raw MD5 bytes.
std::string md5_raw(Bytes data);

// An incremental digest (MD5 or SHA-256) for data that arrives in chunks.
// Movable, not copyable.
class StreamingDigest {
 public:
  enum class Algorithm { Md5, Sha256 };
  explicit StreamingDigest(Algorithm algorithm);
  ~StreamingDigest();
  StreamingDigest(StreamingDigest&& other) noexcept;
  StreamingDigest& operator=(StreamingDigest&& other) noexcept;
  StreamingDigest(const StreamingDigest&) = delete;
  StreamingDigest& operator=(const StreamingDigest&) = delete;

  void update(Bytes data);
  // Returns the raw digest; the object must not be updated afterwards.
  std::string finish();

 private:
  EVP_MD_CTX* context_;
};

// CRC32 (IEEE 802.3 polynomial, as S3's x-amz-checksum-crc32), chainable:
// crc32_update(crc32_update(0, a), b) == crc32 of a followed by b.
std::uint32_t crc32_update(std::uint32_t crc, Bytes data);
// Returns the base64 of the big-endian CRC32, the x-amz-checksum-crc32 form.
std::string crc32_base64(std::uint32_t crc);

}  // namespace exifscrub::s3
