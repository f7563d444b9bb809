// Multipart upload calls: CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload, AbortMultipartUpload, ListMultipartUploads.
#include <algorithm>

#include "s3/client.h"
#include "s3/crypto.h"
#include "s3/system_libraries.h"

namespace exifscrub::s3 {
namespace {

std::string resource_of(const std::string& bucket, const std::string& key) {
  return bucket + "/" + key;
}

// Returns the ETag S3 gives a multipart object: the hex MD5 of the parts'
// binary MD5s followed by "-<part count>", in quotes. nullopt when a part's
// ETag is not a plain MD5.
std::optional<std::string> composite_etag(const std::vector<CompletedPart>& parts) {
  std::string digests;
  for (const auto& part : parts) {
    std::string hex = part.etag;
    hex.erase(std::remove(hex.begin(), hex.end(), '"'), hex.end());
    if (hex.size() != 32) return std::nullopt;
    for (std::size_t i = 0; i < 32; i += 2) {
      digests += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
  }
  std::string etag(1, '"');
  etag += hex_encode(md5_raw(as_bytes(digests)));
  etag += '-';
  etag += std::to_string(parts.size());
  etag += '"';
  return etag;
}

Error with_context(Error error, const std::string& resource, const HttpResponse& response) {
  error.resource = resource;
  error.request_id = response.header("x-amz-request-id").value_or("");
  return error;
}

}  // namespace

Result<std::string> Client::create_multipart_upload(const std::string& bucket,
                                                    const std::string& key,
                                                    const PutOptions& options) {
  Call call{"CreateMultipartUpload", "POST", bucket, key, {{"uploads", ""}}, {}, {}, true};
  call.headers.push_back({"Content-Type", options.content_type});
  for (const auto& [name, value] : options.metadata) call.headers.push_back({"x-amz-meta-" + name, value});
  auto response = send(call);
  if (!response) return std::move(response).error();
  auto upload_id = parse_upload_id(response->body);
  if (!upload_id) return with_context(std::move(upload_id).error(), resource_of(bucket, key), response.value());
  return upload_id;
}

Result<std::string> Client::upload_part(const std::string& bucket, const std::string& key,
                                        const std::string& upload_id, int part_number,
                                        std::span<const std::uint8_t> body) {
  Call call{"UploadPart", "PUT", bucket, key,
            {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}}, {}, body, true};
  if (auto missing = missing_system_libraries()) return *missing;
  call.headers.push_back({"Content-Type", "application/octet-stream"});
  call.headers.push_back({"Content-MD5", base64_encode(md5_raw(body))});
  auto response = send(call);
  if (!response) return std::move(response).error();
  auto etag = response->header("etag");
  if (!etag || etag->empty()) {
    return with_context(make_error(ErrorKind::InvalidResponse, "MissingETag",
                                   "UploadPart " + std::to_string(part_number) + " returned no ETag"),
                        resource_of(bucket, key), response.value());
  }
  return *etag;
}

Result<PutResult> Client::complete_multipart_upload(const std::string& bucket,
                                                    const std::string& key,
                                                    const std::string& upload_id,
                                                    const std::vector<CompletedPart>& parts,
                                                    const PutOptions& options) {
  const std::string xml = build_complete_multipart(parts);
  Call call{"CompleteMultipartUpload", "POST", bucket, key, {{"uploadId", upload_id}}, {},
            as_bytes(xml), true};
  call.headers.push_back({"Content-Type", "application/xml"});
  // If-Match / If-None-Match on completion are how S3 makes a multipart
  // upload conditional; servers without that feature ignore them.
  if (options.if_match) call.headers.push_back({"If-Match", *options.if_match});
  if (options.if_none_match) call.headers.push_back({"If-None-Match", *options.if_none_match});

  auto response = send(call);
  if (!response) return std::move(response).error();
  const std::string request_id = response->header("x-amz-request-id").value_or("");
  auto etag = parse_complete_multipart(response->body, request_id, resource_of(bucket, key));
  if (!etag) return with_context(std::move(etag).error(), resource_of(bucket, key), response.value());
  PutResult result{std::move(etag).value(), response->header("x-amz-version-id").value_or(""),
                   request_id};

  // RGW 16.2 returns an empty <ETag> from CompleteMultipartUpload, so read it back.
  if (result.etag.empty()) {
    auto head = head_object(bucket, key);
    if (!head) return std::move(head).error();
    result.etag = head.value().etag;
    if (result.version_id.empty()) result.version_id = head.value().version_id;
  }
  const auto expected = composite_etag(parts);
  if (expected && !result.etag.empty() && result.etag != *expected) {
    Error error = make_error(ErrorKind::ChecksumMismatch, "ChecksumMismatch",
                             "completed object has ETag " + result.etag +
                                 " but the uploaded parts give " + *expected,
                             resource_of(bucket, key));
    error.request_id = request_id;
    return error;
  }
  return result;
}

Result<Done> Client::abort_multipart_upload(const std::string& bucket, const std::string& key,
                                            const std::string& upload_id) {
  auto response = send({"AbortMultipartUpload", "DELETE", bucket, key, {{"uploadId", upload_id}}, {}, {}, false});
  if (!response) return std::move(response).error();
  return Done{};
}

Result<std::vector<UploadSummary>> Client::list_multipart_uploads(const std::string& bucket,
                                                                  const std::string& prefix) {
  Call call{"ListMultipartUploads", "GET", bucket, "", {{"uploads", ""}}, {}, {}, false};
  if (!prefix.empty()) call.query.push_back({"prefix", prefix});
  auto response = send(call);
  if (!response) return std::move(response).error();
  auto uploads = parse_list_multipart_uploads(response->body);
  if (!uploads) return with_context(std::move(uploads).error(), bucket, response.value());
  return uploads;
}

}  // namespace exifscrub::s3
