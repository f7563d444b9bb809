// The S3 client: object calls (GET, HEAD, PUT, DELETE, ListObjectsV2),
// multipart uploads and presigned URLs, signed with Signature V4 and sent
// over libcurl with retries. Knows nothing of what the objects contain.
//
// Thread safety: a Client is NOT thread-safe. It owns one libcurl handle
// (so connections are reused between calls) and a jitter RNG. Use one
// Client per thread; Clients share nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "s3/config.h"
#include "s3/error.h"
#include "s3/http.h"
#include "s3/retry.h"
#include "s3/xml.h"
#include "support/result.h"

namespace exifscrub::s3 {

struct ObjectInfo {
  std::uint64_t content_length = 0;  // of this response: the range length for a Range GET
  std::string etag;                  // with quotes, as S3 sends it
  std::string version_id;            // empty when the bucket is not versioned
  std::string content_type;
  std::map<std::string, std::string> metadata;  // x-amz-meta-* with the prefix removed, lower-case names
  std::optional<std::string> last_modified;     // the HTTP date S3 sends
  std::string request_id;
};

struct GetOptions {
  // Inclusive byte range [first, last], as in "Range: bytes=first-last".
  std::optional<std::pair<std::uint64_t, std::uint64_t>> range;
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
};

struct PutOptions {
  // Always sent; libcurl would otherwise send none, and some servers then
  // store an empty or form-typed object.
  std::string content_type = "application/octet-stream";
  // Sent as x-amz-meta-<name>. Names and values must be printable ASCII.
  std::map<std::string, std::string> metadata;
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;  // "*" creates only when the key is free
};

struct PutResult {
  std::string etag;
  std::string version_id;
  std::string request_id;
};

class ObjectWriter;

// S3 part numbers run from 1 to 10000; every part but the last must be at
// least 5 MiB.
inline constexpr std::size_t kMinPartSize = 5 * 1024 * 1024;
inline constexpr std::size_t kDefaultPartSize = 8 * 1024 * 1024;
inline constexpr int kMaxParts = 10000;

class Client {
 public:
  explicit Client(ClientConfig config);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sets the X-Amzn-Trace-Id value sent (unsigned) with every later request;
  // empty sends none.
  void set_trace_id(std::string trace_id);
  const std::string& trace_id() const { return trace_id_; }
  const ClientConfig& config() const { return config_; }

  // Returns the object's metadata. A missing object is NoSuchKey (HEAD
  // responses have no body, so a missing bucket is reported the same way).
  Result<ObjectInfo> head_object(const std::string& bucket, const std::string& key,
                                 const GetOptions& options = {});

  // Streams the object into on_data, chunk by chunk; a false return stops
  // the transfer with Aborted. A transfer that breaks is resumed from the
  // next byte with If-Match on the first response's ETag, so on_data receives
  // every byte once, in order. A full GET of an object whose ETag is its MD5
  // is verified; a mismatch returns ChecksumMismatch after on_data has seen
  // the damaged bytes. On any error the caller must discard what on_data got.
  Result<ObjectInfo> get_object(const std::string& bucket, const std::string& key,
                                const std::function<bool(std::span<const std::uint8_t>)>& on_data,
                                const GetOptions& options = {});

  // Uploads body in one request with Content-MD5 and x-amz-checksum-crc32,
  // so the server rejects bytes damaged in transit (ChecksumMismatch).
  Result<PutResult> put_object(const std::string& bucket, const std::string& key,
                               std::span<const std::uint8_t> body, const PutOptions& options);

  // Starts a streaming upload: a single PUT when the whole object fits in
  // one part, multipart otherwise. part_size is clamped to at least 5 MiB.
  // The writer holds a reference to this Client, which must outlive it.
  std::unique_ptr<ObjectWriter> start_upload(const std::string& bucket, const std::string& key,
                                             PutOptions options,
                                             std::size_t part_size = kDefaultPartSize);

  // Deletes the object; deleting a missing key succeeds, as in S3.
  Result<Done> delete_object(const std::string& bucket, const std::string& key);

  // Returns one page of keys under prefix (max_keys 1 to 1000).
  Result<ListPage> list_objects_v2(const std::string& bucket, const std::string& prefix,
                                   const std::string& continuation_token = {}, int max_keys = 1000);

  // Returns every key under prefix, following continuation tokens. Stops
  // with InvalidResponse after 100000 pages or on a repeated token.
  Result<std::vector<ObjectSummary>> list_all(const std::string& bucket, const std::string& prefix);

  // Returns a presigned GET URL valid for expires (1 s to 7 days).
  std::string presign_get(const std::string& bucket, const std::string& key,
                          std::chrono::seconds expires) const;

  // Multipart primitives; ObjectWriter combines them.
  Result<std::string> create_multipart_upload(const std::string& bucket, const std::string& key,
                                              const PutOptions& options);
  // Uploads one part with Content-MD5 and returns its ETag.
  Result<std::string> upload_part(const std::string& bucket, const std::string& key,
                                  const std::string& upload_id, int part_number,
                                  std::span<const std::uint8_t> body);
  Result<PutResult> complete_multipart_upload(const std::string& bucket, const std::string& key,
                                              const std::string& upload_id,
                                              const std::vector<CompletedPart>& parts,
                                              const PutOptions& options);
  Result<Done> abort_multipart_upload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id);
  // Returns the uploads in progress under prefix (first page, up to 1000).
  Result<std::vector<UploadSummary>> list_multipart_uploads(const std::string& bucket,
                                                            const std::string& prefix);

 private:
  // One S3 request before signing.
  struct Call {
    std::string operation;  // for RetryEvent and errors
    std::string method;
    std::string bucket;
    std::string key;
    std::vector<QueryParam> query;
    std::vector<Header> headers;
    std::span<const std::uint8_t> body;
    bool send_body = false;
  };

  HttpRequest sign_call(const Call& call, const std::string& payload_hash) const;
  Result<HttpResponse> send_once(const Call& call, const std::string& payload_hash,
                                 const BodySink* sink);
  // Sends call until it succeeds (2xx) or the retry policy gives up.
  Result<HttpResponse> send(const Call& call, const BodySink* sink = nullptr);
  // Runs attempt with the retry policy; attempt returns 2xx responses as ok.
  Result<HttpResponse> run_with_retries(const Call& call,
                                        const std::function<Result<HttpResponse>()>& attempt);
  Error response_error(const Call& call, const HttpResponse& response) const;

  ClientConfig config_;
  HttpTransport transport_;
  Backoff backoff_;
  std::string trace_id_;
};

}  // namespace exifscrub::s3
