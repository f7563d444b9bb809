// S3 XML documents: list pages, multipart replies.
#include <gtest/gtest.h>

#include "s3/xml.h"

namespace exifscrub::s3 {
namespace {

TEST(ParseListObjectsV2, DecodesUrlEncodedKeys) {
  const auto page = parse_list_objects_v2(
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>1/abc=</NextContinuationToken>"
      "<Contents><Key>a%20b%2Bc</Key><Size>12</Size><ETag>&quot;e1&quot;</ETag>"
      "<LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>"
      "<Contents><Key>x%0Ay</Key><Size>0</Size></Contents>"
      "<CommonPrefixes><Prefix>dir%2F</Prefix></CommonPrefixes></ListBucketResult>");
  ASSERT_TRUE(page) << page.error().describe();
  ASSERT_EQ(page->objects.size(), 2U);
  EXPECT_EQ(page->objects[0].key, "a b+c");
  EXPECT_EQ(page->objects[0].size, 12U);
  EXPECT_EQ(page->objects[0].etag, "\"e1\"");
  EXPECT_EQ(page->objects[0].last_modified, "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(page->objects[1].key, "x\ny");
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->next_continuation_token, "1/abc=");
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"dir/"});
}

TEST(ParseListObjectsV2, KeepsKeysWithoutEncodingType) {
  const auto page = parse_list_objects_v2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a%20b</Key></Contents>"
      "</ListBucketResult>");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->objects[0].key, "a%20b");
  EXPECT_FALSE(page->is_truncated);
}

TEST(ParseListObjectsV2, RejectsOtherDocuments) {
  const auto page = parse_list_objects_v2("<html><body>proxy error</body></html>");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorKind::InvalidResponse);
  EXPECT_EQ(page.error().message, "response lacks the <ListBucketResult> element");
  EXPECT_EQ(parse_list_objects_v2("not xml <").error().message,
            "response is not XML; expected <ListBucketResult>");
}

TEST(ParseListObjectsV2, RejectsTruncatedPageWithoutToken) {
  const auto page = parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().message, "ListObjectsV2 page is truncated but has no NextContinuationToken");
}

TEST(ParseUploadId, ReadsUploadId) {
  EXPECT_EQ(parse_upload_id("<InitiateMultipartUploadResult><UploadId>2~abc</UploadId>"
                            "</InitiateMultipartUploadResult>").value(),
            "2~abc");
  EXPECT_EQ(parse_upload_id("<InitiateMultipartUploadResult/>").error().message,
            "InitiateMultipartUploadResult has no UploadId");
}

TEST(BuildCompleteMultipart, ListsPartsInOrder) {
  EXPECT_EQ(build_complete_multipart({{1, "\"a\""}, {2, "\"b\""}}),
            "<?xml version=\"1.0\"?><CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag></Part></CompleteMultipartUpload>");
}

TEST(ParseCompleteMultipart, ErrorInsideSuccessStatus) {
  const auto result = parse_complete_multipart(
      "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>",
      "tx9", "b/k");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::InternalError);
  EXPECT_EQ(result.error().http_status, 200);
  EXPECT_EQ(result.error().request_id, "tx9");
  EXPECT_TRUE(result.error().retryable);
}

TEST(ParseCompleteMultipart, ReadsETag) {
  EXPECT_EQ(parse_complete_multipart("<CompleteMultipartUploadResult><ETag>\"x-2\"</ETag>"
                                     "</CompleteMultipartUploadResult>", "", "b/k").value(),
            "\"x-2\"");
}

TEST(ParseListMultipartUploads, ReadsUploads) {
  const auto uploads = parse_list_multipart_uploads(
      "<ListMultipartUploadsResult><Upload><Key>k1</Key><UploadId>u1</UploadId></Upload>"
      "</ListMultipartUploadsResult>");
  ASSERT_TRUE(uploads);
  ASSERT_EQ(uploads->size(), 1U);
  EXPECT_EQ(uploads->at(0).key, "k1");
  EXPECT_EQ(uploads->at(0).upload_id, "u1");
}

}  // namespace
}  // namespace exifscrub::s3
