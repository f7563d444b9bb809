// The S3 XML documents the client reads and writes: ListObjectsV2 and
// ListMultipartUploads results, the multipart upload id, and the
// CompleteMultipartUpload request and result. Parsing only, via pugixml.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "s3/error.h"

namespace exifscrub::s3 {

struct ObjectSummary {
  std::string key;            // decoded, exactly as stored
  std::uint64_t size = 0;
  std::string etag;           // with its quotes, as S3 sends it
  std::string last_modified;  // ISO 8601, as S3 sends it
};

struct ListPage {
  std::vector<ObjectSummary> objects;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;  // empty when is_truncated is false
};

// Parses a ListBucketResult. Keys are URL-decoded when the document has
// EncodingType url. The client always requests that encoding, because XML 1.0
// cannot carry some characters that keys may contain. Fails with
// InvalidResponse.
Result<ListPage> parse_list_objects_v2(std::string_view xml);

// Returns the UploadId of an InitiateMultipartUploadResult.
Result<std::string> parse_upload_id(std::string_view xml);

struct CompletedPart {
  int part_number = 0;
  std::string etag;
};

// Builds the CompleteMultipartUpload request body.
std::string build_complete_multipart(const std::vector<CompletedPart>& parts);

// Returns the ETag of a CompleteMultipartUploadResult. S3 may report a
// failure with status 200 and an Error document; that becomes the Error.
Result<std::string> parse_complete_multipart(std::string_view xml, const std::string& request_id,
                                             const std::string& resource);

struct UploadSummary {
  std::string key;
  std::string upload_id;
};

// Parses a ListMultipartUploadsResult (first page only).
Result<std::vector<UploadSummary>> parse_list_multipart_uploads(std::string_view xml);

}  // namespace exifscrub::s3
