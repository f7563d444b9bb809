// Signature V4 behaviour that the generic suite does not cover: S3's path
// rules, session tokens, UNSIGNED-PAYLOAD, and the S3 examples from the
// Amazon S3 API Reference ("Signature Calculations for the Authorization
// Header" and "Authenticating Requests: Using Query Parameters").
#include <gtest/gtest.h>

#include <sstream>

#include "s3/crypto.h"
#include "s3/sigv4.h"

namespace exifscrub::s3 {
namespace {

const Credentials kS3Example{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const SigningScope kS3Scope{"20130524", "us-east-1", "s3"};

TEST(SignRequest, MatchesS3GetObjectExample) {
  SigningRequest request;
  request.method = "GET";
  request.path = "/test.txt";
  request.payload_hash = sha256_hex(std::string_view());
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Range", "bytes=0-9"},
                     {"x-amz-content-sha256", request.payload_hash},
                     {"x-amz-date", "20130524T000000Z"}};
  const auto added = sign_request(request, kS3Example, kS3Scope, "20130524T000000Z", {});
  ASSERT_EQ(added.size(), 1U);
  EXPECT_EQ(added[0].value,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(PresignQuery, MatchesS3PresignedUrlExample) {
  SigningRequest request;
  request.method = "GET";
  request.path = "/test.txt";
  request.headers = {{"host", "examplebucket.s3.amazonaws.com"}};
  request.payload_hash = "UNSIGNED-PAYLOAD";
  const std::string query = presign_query(request, kS3Example, kS3Scope, "20130524T000000Z",
                                          std::chrono::seconds(86400), {});
  EXPECT_EQ(query,
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(CanonicalRequest, S3PathIsNeitherNormalizedNorEncodedAgain) {
  SigningRequest request{"GET", "/bucket/a%20b//c/./d/../e", {}, {{"Host", "h"}}, "UNSIGNED-PAYLOAD"};
  const auto canonical = canonical_request(request, {});
  EXPECT_EQ(canonical.text, "GET\n/bucket/a%20b//c/./d/../e\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD");
}

TEST(CanonicalRequest, GenericOptionsNormalizeAndEncodeAgain) {
  SignerOptions generic;
  generic.double_encode_path = true;
  generic.normalize_path = true;
  SigningRequest request{"GET", "/a%20b//c/./d/../e", {}, {{"Host", "h"}}, "x"};
  EXPECT_EQ(canonical_request(request, generic).text, "GET\n/a%2520b/c/e\n\nhost:h\n\nhost\nx");
}

TEST(CanonicalRequest, TrimsFoldsAndJoinsHeaders) {
  SigningRequest request{"GET", "/", {},
                         {{"Host", "h"},
                          {"X-Amz-Meta-A", "  two   spaces  "},
                          {"x-amz-meta-a", "second"},
                          {"X-Folded", "line1\n   line2"}},
                         "x"};
  const auto canonical = canonical_request(request, {});
  EXPECT_EQ(canonical.text,
            "GET\n/\n\nhost:h\nx-amz-meta-a:two spaces,second\nx-folded:line1,line2\n\n"
            "host;x-amz-meta-a;x-folded\nx");
  EXPECT_EQ(canonical.signed_headers, "host;x-amz-meta-a;x-folded");
}

TEST(SignRequest, SignsSessionTokenByDefault) {
  Credentials with_token = kS3Example;
  with_token.session_token = "token/with+chars=";
  SigningRequest request{"GET", "/k", {}, {{"Host", "h"}, {"x-amz-date", "20130524T000000Z"}}, "x"};
  const auto added = sign_request(request, with_token, kS3Scope, "20130524T000000Z", {});
  ASSERT_EQ(added.size(), 2U);
  EXPECT_EQ(added[0].name, "X-Amz-Security-Token");
  EXPECT_EQ(added[0].value, "token/with+chars=");
  EXPECT_NE(added[1].value.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"), std::string::npos);

  SignerOptions after;
  after.sign_security_token = false;
  const auto unsigned_token = sign_request(request, with_token, kS3Scope, "20130524T000000Z", after);
  EXPECT_NE(unsigned_token[1].value.find("SignedHeaders=host;x-amz-date,"), std::string::npos);
}

TEST(PresignQuery, IncludesSessionToken) {
  Credentials with_token = kS3Example;
  with_token.session_token = "abc/def";
  SigningRequest request{"GET", "/k", {}, {{"host", "h"}}, "UNSIGNED-PAYLOAD"};
  const std::string query =
      presign_query(request, with_token, kS3Scope, "20130524T000000Z", std::chrono::seconds(60), {});
  EXPECT_NE(query.find("&X-Amz-Security-Token=abc%2Fdef&"), std::string::npos);
  EXPECT_NE(query.find("X-Amz-Expires=60"), std::string::npos);
}

TEST(FormatAmzDate, UsesBasicIso8601InUtc) {
  const auto time = std::chrono::system_clock::from_time_t(1440938160);  // 2015-08-30 12:36:00 UTC
  EXPECT_EQ(format_amz_date(time), "20150830T123600Z");
}

TEST(Credentials, PrintingRedactsSecrets) {
  std::ostringstream out;
  out << Credentials{"AKID", "very-secret", "session-secret"};
  EXPECT_EQ(out.str(), "Credentials{access_key_id=AKID, secret_access_key=<redacted>, session_token=<redacted>}");
  EXPECT_EQ(out.str().find("very-secret"), std::string::npos);
}

}  // namespace
}  // namespace exifscrub::s3
