// Percent-encoding and canonical query strings.
#include <gtest/gtest.h>

#include "s3/uri.h"

namespace exifscrub::s3 {
namespace {

TEST(UriEncode, KeepsUnreservedCharacters) {
  EXPECT_EQ(uri_encode("AZaz09-._~", false), "AZaz09-._~");
}

TEST(UriEncode, EncodesReservedAndSpace) {
  EXPECT_EQ(uri_encode("a b+c%d/e=f&g*h", false), "a%20b%2Bc%25d%2Fe%3Df%26g%2Ah");
}

TEST(UriEncode, EncodesUtf8BytesUpperCase) {
  EXPECT_EQ(uri_encode("\xE1\x88\xB4", false), "%E1%88%B4");
}

TEST(EncodeKey, KeepsSlashesAndEncodesTheRest) {
  EXPECT_EQ(encode_key("photos/2024 summer/a+b%.jpg"), "photos/2024%20summer/a%2Bb%25.jpg");
  EXPECT_EQ(encode_key("a//b/./c"), "a//b/./c");
  EXPECT_EQ(encode_key("q?x=1#y"), "q%3Fx%3D1%23y");
}

TEST(UriDecode, DecodesEscapes) {
  EXPECT_EQ(uri_decode("a%20b%2Bc+d"), "a b+c+d");
  EXPECT_EQ(uri_decode("%e1%88%b4"), "\xE1\x88\xB4");
}

TEST(UriDecode, RejectsMalformedEscapes) {
  EXPECT_EQ(uri_decode("abc%"), std::nullopt);
  EXPECT_EQ(uri_decode("abc%2"), std::nullopt);
  EXPECT_EQ(uri_decode("%zz"), std::nullopt);
}

TEST(CanonicalQuery, SortsByEncodedNameThenValue) {
  const std::vector<QueryParam> params = {
      {"prefix", "a b"}, {"list-type", "2"}, {"Param", "z"}, {"Param", "a"}, {"uploads", ""}};
  EXPECT_EQ(canonical_query(params), "Param=a&Param=z&list-type=2&prefix=a%20b&uploads=");
}

TEST(CanonicalQuery, EncodesSlashInValues) {
  EXPECT_EQ(canonical_query({{"continuation-token", "1/a+b="}}), "continuation-token=1%2Fa%2Bb%3D");
}

TEST(CanonicalQuery, EmptyListIsEmptyString) { EXPECT_EQ(canonical_query({}), ""); }

}  // namespace
}  // namespace exifscrub::s3
