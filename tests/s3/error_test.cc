// S3 error documents and their classification.
#include <gtest/gtest.h>

#include "s3/error.h"

namespace exifscrub::s3 {
namespace {

constexpr std::string_view kSignatureError =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code>"
    "<Message>The request signature we calculated does not match</Message>"
    "<RequestId>4442587FB7D0A2F9</RequestId></Error>";

TEST(ErrorFromResponse, ParsesErrorDocument) {
  const Error error = error_from_response(403, kSignatureError, "", "photos-b/a.jpg");
  EXPECT_EQ(error.kind, ErrorKind::SignatureDoesNotMatch);
  EXPECT_EQ(error.http_status, 403);
  EXPECT_EQ(error.code, "SignatureDoesNotMatch");
  EXPECT_EQ(error.message, "The request signature we calculated does not match");
  EXPECT_EQ(error.request_id, "4442587FB7D0A2F9");
  EXPECT_FALSE(error.retryable);
}

TEST(ErrorFromResponse, HeaderRequestIdWins) {
  const Error error = error_from_response(403, kSignatureError, "tx-header", "b/k");
  EXPECT_EQ(error.request_id, "tx-header");
}

TEST(ErrorFromResponse, HeadNotFoundIsNoSuchKey) {
  const Error error = error_from_response(404, "", "tx1", "b/k");
  EXPECT_EQ(error.kind, ErrorKind::NoSuchKey);
  EXPECT_EQ(error.code, "NoSuchKey");
  EXPECT_EQ(error.message, "HTTP status 404");
  EXPECT_FALSE(error.retryable);
}

TEST(ErrorFromResponse, NotModifiedWithoutBody) {
  const Error error = error_from_response(304, "", "", "b/k");
  EXPECT_EQ(error.kind, ErrorKind::NotModified);
  EXPECT_EQ(error.code, "NotModified");
}

TEST(ErrorFromResponse, NonXmlBodyFallsBackToStatus) {
  const Error error = error_from_response(502, "<html>Bad Gateway</html>", "", "b/k");
  EXPECT_EQ(error.kind, ErrorKind::InternalError);
  EXPECT_TRUE(error.retryable);
}

TEST(KindFromCode, MapsKnownCodes) {
  EXPECT_EQ(kind_from_code("NoSuchBucket", 404), ErrorKind::NoSuchBucket);
  EXPECT_EQ(kind_from_code("SlowDown", 503), ErrorKind::SlowDown);
  EXPECT_EQ(kind_from_code("ServiceUnavailable", 503), ErrorKind::ServiceUnavailable);
  EXPECT_EQ(kind_from_code("RequestTimeout", 400), ErrorKind::RequestTimeout);
  EXPECT_EQ(kind_from_code("ThrottlingException", 400), ErrorKind::Throttling);
  EXPECT_EQ(kind_from_code("BadDigest", 400), ErrorKind::ChecksumMismatch);
  EXPECT_EQ(kind_from_code("XAmzContentSHA256Mismatch", 400), ErrorKind::ChecksumMismatch);
  EXPECT_EQ(kind_from_code("InvalidAccessKeyId", 403), ErrorKind::InvalidAccessKeyId);
  EXPECT_EQ(kind_from_code("PreconditionFailed", 412), ErrorKind::PreconditionFailed);
  EXPECT_EQ(kind_from_code("EntityTooSmall", 400), ErrorKind::Other);
  EXPECT_EQ(kind_from_code("SomethingNew", 500), ErrorKind::InternalError);
  EXPECT_EQ(kind_from_code("", 429), ErrorKind::Throttling);
}

TEST(IsRetryable, RetriesTransientKindsOnly) {
  EXPECT_TRUE(is_retryable(ErrorKind::SlowDown, 503));
  EXPECT_TRUE(is_retryable(ErrorKind::InternalError, 500));
  EXPECT_TRUE(is_retryable(ErrorKind::RequestTimeout, 400));
  EXPECT_TRUE(is_retryable(ErrorKind::Throttling, 400));
  EXPECT_TRUE(is_retryable(ErrorKind::Network, 0));
  EXPECT_TRUE(is_retryable(ErrorKind::Timeout, 0));
  EXPECT_TRUE(is_retryable(ErrorKind::Other, 504));
  EXPECT_FALSE(is_retryable(ErrorKind::AccessDenied, 403));
  EXPECT_FALSE(is_retryable(ErrorKind::NoSuchKey, 404));
  EXPECT_FALSE(is_retryable(ErrorKind::PreconditionFailed, 412));
  EXPECT_FALSE(is_retryable(ErrorKind::ChecksumMismatch, 400));
  EXPECT_FALSE(is_retryable(ErrorKind::Other, 400));
}

TEST(Describe, NamesObjectRequestIdAndFix) {
  const Error error = error_from_response(403, kSignatureError, "", "photos-b/a.jpg");
  EXPECT_EQ(error.describe(),
            "S3 SignatureDoesNotMatch on 'photos-b/a.jpg' (HTTP 403, SignatureDoesNotMatch): "
            "The request signature we calculated does not match [request id 4442587FB7D0A2F9]; "
            "check AWS_SECRET_ACCESS_KEY and the region");
}

TEST(Describe, LocalErrorHasNoStatus) {
  const Error error = make_error(ErrorKind::Timeout, "CURLE_28", "Operation timed out", "b/k");
  EXPECT_EQ(error.describe(),
            "S3 Timeout on 'b/k': Operation timed out; check the network or raise the timeouts");
  EXPECT_TRUE(error.retryable);
}

}  // namespace
}  // namespace exifscrub::s3
