// Digests against published test vectors (FIPS 180-2 for SHA-256,
// RFC 4231 for HMAC-SHA256, RFC 1321 for MD5, the CRC-32 check value).
#include <gtest/gtest.h>

#include "s3/crypto.h"

namespace exifscrub::s3 {
namespace {

TEST(Sha256, MatchesFipsVectors) {
  EXPECT_EQ(sha256_hex(std::string_view("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(std::string_view("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HmacSha256, MatchesRfc4231Case2) {
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Md5, MatchesRfc1321Vector) {
  EXPECT_EQ(hex_encode(md5_raw(as_bytes("abc"))), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(base64_encode(md5_raw(as_bytes(""))), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST(StreamingDigest, EqualsOneShotDigest) {
  StreamingDigest digest(StreamingDigest::Algorithm::Md5);
  digest.update(as_bytes("a"));
  digest.update(as_bytes("bc"));
  EXPECT_EQ(hex_encode(digest.finish()), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(Crc32, MatchesCheckValue) {
  EXPECT_EQ(crc32_update(0, as_bytes("123456789")), 0xCBF43926U);
  EXPECT_EQ(crc32_update(crc32_update(0, as_bytes("1234")), as_bytes("56789")), 0xCBF43926U);
  EXPECT_EQ(crc32_base64(0xCBF43926U), "y/Q5Jg==");
}

TEST(Base64, PadsPartialGroups) {
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
}

TEST(Base64, MatchesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, UsesEveryAlphabetCharacter) {
  // Bytes 0x00 0x10 0x83 0x10 0x51 0x87 ... encode to the 64 characters in order.
  std::string raw;
  for (std::uint32_t index = 0; index < 64; index += 4) {
    const std::uint32_t group = index << 18 | (index + 1) << 12 | (index + 2) << 6 | (index + 3);
    raw += static_cast<char>(group >> 16);
    raw += static_cast<char>((group >> 8) & 0xFF);
    raw += static_cast<char>(group & 0xFF);
  }
  EXPECT_EQ(base64_encode(raw), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

// The CRC-32 of IEEE 802.3 one bit at a time, as a reference independent of zlib.
std::uint32_t bitwise_crc32(std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const char c : data) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1U) != 0 ? 0xEDB88320U ^ (crc >> 1) : crc >> 1;
  }
  return ~crc;
}

TEST(Crc32, ChainsOverLargeInput) {
  // 1 MiB of a repeating pattern, hashed whole and in uneven pieces.
  std::string data(1 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);
  const std::uint32_t whole = crc32_update(0, as_bytes(data));
  EXPECT_EQ(whole, bitwise_crc32(data));
  std::uint32_t pieces = 0;
  for (std::size_t offset = 0; offset < data.size(); offset += 7919) {
    pieces = crc32_update(pieces, as_bytes(std::string_view(data).substr(offset, 7919)));
  }
  EXPECT_EQ(pieces, whole);
}

}  // namespace
}  // namespace exifscrub::s3
