#include "lambda/key_decoding.h"

#include <gtest/gtest.h>

namespace exifscrub::lambda {
namespace {

TEST(KeyDecoding, FormKeyPlusIsSpace) {
  auto key = decode_form_key("holiday+photos/IMG+1.JPG");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value(), "holiday photos/IMG 1.JPG");
}

TEST(KeyDecoding, FormKeyEncodedPlusStaysPlus) {
  auto key = decode_form_key("a%2Bb+c.jpg");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value(), "a+b c.jpg");
}

TEST(KeyDecoding, FormKeyPercentAndUnicode) {
  auto key = decode_form_key("100%25/caf%C3%A9/%E5%86%99%E7%9C%9F.jpeg");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value(), "100%/caf\xC3\xA9/\xE5\x86\x99\xE7\x9C\x9F.jpeg");
}

TEST(KeyDecoding, PercentKeyKeepsPlus) {
  auto key = decode_percent_key("a+b%20c.jpg");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value(), "a+b c.jpg");
}

TEST(KeyDecoding, BadEscapesAreRejected) {
  struct Case {
    const char* encoded;
    std::size_t offset;
  };
  for (const Case& c : {Case{"abc%G1.jpg", 3}, Case{"abc%4", 3}, Case{"abc%", 3}, Case{"%%20.jpg", 0}}) {
    auto key = decode_form_key(c.encoded);
    ASSERT_FALSE(key.ok()) << c.encoded;
    EXPECT_EQ(key.error().offset, c.offset) << c.encoded;
    EXPECT_EQ(key.error().message, "invalid percent escape at offset " + std::to_string(c.offset) +
                                       "; expected '%' followed by two hex digits")
        << c.encoded;
  }
}

TEST(KeyDecoding, EmptyKeyIsRejected) {
  auto key = decode_percent_key("");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().message, "key is empty");
}

TEST(KeyDecoding, InvalidUtf8IsRejected) {
  for (const char* encoded : {"%FF.jpg", "%C3.jpg", "%C0%AF.jpg", "%ED%A0%80.jpg", "%F4%90%80%80.jpg"}) {
    auto key = decode_form_key(encoded);
    ASSERT_FALSE(key.ok()) << encoded;
    EXPECT_EQ(key.error().message, "decoded key is not valid UTF-8") << encoded;
  }
}

TEST(KeyDecoding, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x93\xB7"));  // U+1F4F7 camera
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\x80"));     // overlong
  EXPECT_FALSE(is_valid_utf8("\x80"));             // stray continuation byte
}

}  // namespace
}  // namespace exifscrub::lambda
