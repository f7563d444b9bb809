// S3 calls on top of the signer, the transport and the retry policy. Each
// attempt is signed afresh (a new X-Amz-Date) and sends the whole body
// again from its span.
#include "s3/client.h"

#include <algorithm>
#include <charconv>
#include <random>
#include <thread>

#include "s3/crypto.h"
#include "s3/system_libraries.h"
#include "s3/object_writer.h"

namespace exifscrub::s3 {
namespace {

constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr int kMaxListPages = 100000;

std::string resource_of(const std::string& bucket, const std::string& key) {
  return key.empty() ? bucket : bucket + "/" + key;
}

std::uint64_t seed_from(const ClientConfig& config) {
  if (config.jitter_seed) return *config.jitter_seed;
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) | device();
}

TransportOptions transport_options(const ClientConfig& config) {
  TransportOptions options;
  options.connect_timeout = config.connect_timeout;
  options.low_speed_limit = config.low_speed_limit;
  options.low_speed_time = config.low_speed_time;
  options.ca_bundle = config.ca_bundle.empty() ? find_ca_bundle() : config.ca_bundle;
  return options;
}

bool is_printable_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

std::uint64_t parse_length(const std::string& text) {
  std::uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

ObjectInfo object_info_from(const HttpResponse& response) {
  ObjectInfo info;
  info.content_length = parse_length(response.header("content-length").value_or("0"));
  info.etag = response.header("etag").value_or("");
  info.version_id = response.header("x-amz-version-id").value_or("");
  info.content_type = response.header("content-type").value_or("");
  info.last_modified = response.header("last-modified");
  info.request_id = response.header("x-amz-request-id").value_or("");
  for (const auto& header : response.headers) {
    if (header.name.starts_with("x-amz-meta-")) info.metadata[header.name.substr(11)] = header.value;
  }
  return info;
}

void add_conditions(std::vector<Header>& headers, const std::optional<std::string>& if_match,
                    const std::optional<std::string>& if_none_match) {
  if (if_match) headers.push_back({"If-Match", *if_match});
  if (if_none_match) headers.push_back({"If-None-Match", *if_none_match});
}

// Returns an error when a metadata name or value cannot travel in an HTTP header.
std::optional<Error> check_metadata(const PutOptions& options, const std::string& resource) {
  for (const auto& [name, value] : options.metadata) {
    if (name.empty() || !is_printable_ascii(name) || !is_printable_ascii(value) ||
        name.find_first_of(" :") != std::string::npos) {
      return make_error(ErrorKind::InvalidConfiguration, "InvalidArgument",
                        "user metadata '" + name +
                            "' has an empty name or characters outside printable ASCII; "
                            "encode the name and value before upload",
                        resource);
    }
  }
  return std::nullopt;
}

void add_put_headers(std::vector<Header>& headers, const PutOptions& options) {
  headers.push_back({"Content-Type", options.content_type});
  for (const auto& [name, value] : options.metadata) headers.push_back({"x-amz-meta-" + name, value});
  add_conditions(headers, options.if_match, options.if_none_match);
}

// An ETag that is the hex MD5 of the content: 32 hex digits in quotes, no
// "-N" multipart suffix.
std::optional<std::string> md5_etag(const std::string& etag) {
  std::string hex = etag;
  hex.erase(std::remove(hex.begin(), hex.end(), '"'), hex.end());
  if (hex.size() != 32) return std::nullopt;
  if (!std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  std::transform(hex.begin(), hex.end(), hex.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return hex;
}

}  // namespace

Client::Client(ClientConfig config)
    : config_(std::move(config)),
      transport_(transport_options(config_)),
      backoff_(config_.retry, seed_from(config_)) {}

Client::~Client() = default;

void Client::set_trace_id(std::string trace_id) { trace_id_ = std::move(trace_id); }

HttpRequest Client::sign_call(const Call& call, const std::string& payload_hash) const {
  const RequestTarget target = build_target(config_, call.bucket, call.key, call.query);
  const auto now = std::chrono::system_clock::now();
  const std::string amz_date = format_amz_date(now);

  SigningRequest signing;
  signing.method = call.method;
  signing.path = target.path;
  signing.query = call.query;
  signing.payload_hash = payload_hash;
  signing.headers = call.headers;
  signing.headers.push_back({"Host", target.host});
  signing.headers.push_back({"x-amz-date", amz_date});
  signing.headers.push_back({"x-amz-content-sha256", payload_hash});

  const SigningScope scope{amz_date.substr(0, 8), config_.region, "s3"};
  std::vector<Header> added = sign_request(signing, config_.credentials, scope, amz_date, {});

  HttpRequest request;
  request.method = call.method;
  request.url = target.url;
  request.headers = std::move(signing.headers);
  for (auto& header : added) request.headers.push_back(std::move(header));
  // Not signed: proxies and load balancers may rewrite it.
  if (!trace_id_.empty()) request.headers.push_back({"X-Amzn-Trace-Id", trace_id_});
  request.body = call.body;
  request.send_body = call.send_body;
  return request;
}

Result<HttpResponse> Client::send_once(const Call& call, const std::string& payload_hash,
                                       const BodySink* sink) {
  auto response = transport_.perform(sign_call(call, payload_hash), sink);
  if (!response) {
    Error error = std::move(response).error();
    error.resource = resource_of(call.bucket, call.key);
    return error;
  }
  if (response->status < 200 || response->status >= 300) return response_error(call, response.value());
  return response;
}

Error Client::response_error(const Call& call, const HttpResponse& response) const {
  return error_from_response(response.status, response.body,
                             response.header("x-amz-request-id").value_or(""),
                             resource_of(call.bucket, call.key));
}

Result<HttpResponse> Client::run_with_retries(const Call& call,
                                              const std::function<Result<HttpResponse>()>& attempt) {
  const auto start = std::chrono::steady_clock::now();
  for (int number = 1;; ++number) {
    auto result = attempt();
    if (result) return result;

    Error error = std::move(result).error();
    const auto delay = backoff_.delay_after(number);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (!backoff_.should_retry(error, number, elapsed, delay)) return error;
    if (config_.on_retry) {
      config_.on_retry(RetryEvent{call.operation, resource_of(call.bucket, call.key), number, error, delay});
    }
    std::this_thread::sleep_for(delay);
  }
}

Result<HttpResponse> Client::send(const Call& call, const BodySink* sink) {
  if (auto missing = missing_system_libraries()) return *missing;
  // The payload hash is computed once; every attempt sends the same bytes.
  const std::string payload_hash =
      config_.unsigned_payload && call.send_body ? std::string(kUnsignedPayload) : sha256_hex(call.body);
  return run_with_retries(call, [&] { return send_once(call, payload_hash, sink); });
}

Result<ObjectInfo> Client::head_object(const std::string& bucket, const std::string& key,
                                       const GetOptions& options) {
  Call call{"HeadObject", "HEAD", bucket, key, {}, {}, {}, false};
  add_conditions(call.headers, options.if_match, options.if_none_match);
  auto response = send(call);
  if (!response) return std::move(response).error();
  return object_info_from(response.value());
}

Result<Done> Client::delete_object(const std::string& bucket, const std::string& key) {
  auto response = send({"DeleteObject", "DELETE", bucket, key, {}, {}, {}, false});
  if (!response) return std::move(response).error();
  return Done{};
}

Result<PutResult> Client::put_object(const std::string& bucket, const std::string& key,
                                     std::span<const std::uint8_t> body, const PutOptions& options) {
  if (auto invalid = check_metadata(options, resource_of(bucket, key))) return *invalid;
  if (auto missing = missing_system_libraries()) return *missing;
  Call call{"PutObject", "PUT", bucket, key, {}, {}, body, true};
  add_put_headers(call.headers, options);
  call.headers.push_back({"Content-MD5", base64_encode(md5_raw(body))});
  call.headers.push_back({"x-amz-checksum-crc32", crc32_base64(crc32_update(0, body))});

  auto response = send(call);
  if (!response) return std::move(response).error();
  return PutResult{response->header("etag").value_or(""),
                   response->header("x-amz-version-id").value_or(""),
                   response->header("x-amz-request-id").value_or("")};
}

std::unique_ptr<ObjectWriter> Client::start_upload(const std::string& bucket,
                                                   const std::string& key, PutOptions options,
                                                   std::size_t part_size) {
  return std::make_unique<ObjectWriter>(*this, bucket, key, std::move(options),
                                        std::max(part_size, kMinPartSize));
}

Result<ListPage> Client::list_objects_v2(const std::string& bucket, const std::string& prefix,
                                         const std::string& continuation_token, int max_keys) {
  Call call{"ListObjectsV2", "GET", bucket, "", {}, {}, {}, false};
  call.query = {{"list-type", "2"},
                {"encoding-type", "url"},
                {"max-keys", std::to_string(std::clamp(max_keys, 1, 1000))}};
  if (!prefix.empty()) call.query.push_back({"prefix", prefix});
  if (!continuation_token.empty()) call.query.push_back({"continuation-token", continuation_token});

  auto response = send(call);
  if (!response) return std::move(response).error();
  auto page = parse_list_objects_v2(response->body);
  if (!page) {
    Error error = std::move(page).error();
    error.resource = bucket;
    error.request_id = response->header("x-amz-request-id").value_or("");
    return error;
  }
  return page;
}

Result<std::vector<ObjectSummary>> Client::list_all(const std::string& bucket,
                                                    const std::string& prefix) {
  std::vector<ObjectSummary> all;
  std::string token;
  for (int page_number = 0; page_number < kMaxListPages; ++page_number) {
    auto page = list_objects_v2(bucket, prefix, token);
    if (!page) return std::move(page).error();
    for (auto& object : page->objects) all.push_back(std::move(object));
    if (!page->is_truncated) return all;
    if (page->next_continuation_token == token) {
      return make_error(ErrorKind::InvalidResponse, "RepeatedContinuationToken",
                        "ListObjectsV2 returned the same continuation token twice", bucket);
    }
    token = page->next_continuation_token;
  }
  return make_error(ErrorKind::InvalidResponse, "TooManyPages",
                    "ListObjectsV2 did not finish within 100000 pages", bucket);
}

std::string Client::presign_get(const std::string& bucket, const std::string& key,
                                std::chrono::seconds expires) const {
  const RequestTarget target = build_target(config_, bucket, key, {});
  const std::string amz_date = format_amz_date(std::chrono::system_clock::now());
  SigningRequest signing;
  signing.method = "GET";
  signing.path = target.path;
  signing.headers = {{"host", target.host}};
  signing.payload_hash = std::string(kUnsignedPayload);
  const SigningScope scope{amz_date.substr(0, 8), config_.region, "s3"};
  const auto clamped = std::clamp(expires, std::chrono::seconds(1), std::chrono::seconds(604800));
  return target.url + "?" + presign_query(signing, config_.credentials, scope, amz_date, clamped, {});
}

}  // namespace exifscrub::s3

namespace exifscrub::s3 {
namespace {

// Whether a full GET's bytes can be checked against the ETag: S3 sets the
// ETag to the content MD5 only for single-part objects stored without
// SSE-KMS or SSE-C.
std::optional<std::string> verifiable_md5(const HttpResponse& head, const GetOptions& options) {
  if (options.range) return std::nullopt;
  const std::string sse = head.header("x-amz-server-side-encryption").value_or("AES256");
  if (sse != "AES256" || head.header("x-amz-server-side-encryption-customer-algorithm")) {
    return std::nullopt;
  }
  return md5_etag(head.header("etag").value_or(""));
}

std::string range_header(std::uint64_t first, std::optional<std::uint64_t> last) {
  return "bytes=" + std::to_string(first) + "-" + (last ? std::to_string(*last) : std::string());
}

}  // namespace

Result<ObjectInfo> Client::get_object(const std::string& bucket, const std::string& key,
                                      const std::function<bool(std::span<const std::uint8_t>)>& on_data,
                                      const GetOptions& options) {
  const std::uint64_t first_byte = options.range ? options.range->first : 0;
  const std::optional<std::uint64_t> last_byte =
      options.range ? std::optional(options.range->second) : std::nullopt;
  std::optional<HttpResponse> first_head;  // status and headers of the first 2xx response
  std::uint64_t delivered = 0;
  std::uint64_t delivered_before_attempt = 0;
  bool attempt_has_data = false;
  bool resumed_wrongly = false;
  if (auto missing = missing_system_libraries()) return *missing;
  StreamingDigest md5(StreamingDigest::Algorithm::Md5);

  const BodySink sink = [&](const HttpResponse& head, std::span<const std::uint8_t> chunk) {
    if (!attempt_has_data) {
      attempt_has_data = true;
      if (delivered_before_attempt > 0 && head.status != 206) {
        resumed_wrongly = true;  // the server ignored Range and restarted from byte 0
        return false;
      }
      if (!first_head) first_head = head;
    }
    md5.update(chunk);
    delivered += chunk.size();
    return on_data(chunk);
  };

  Call call{"GetObject", "GET", bucket, key, {}, {}, {}, false};
  const std::string empty_hash = sha256_hex(std::string_view());
  auto response = run_with_retries(call, [&]() -> Result<HttpResponse> {
    Call attempt = call;
    delivered_before_attempt = delivered;
    attempt_has_data = false;
    if (delivered == 0) {
      if (options.range) attempt.headers.push_back({"Range", range_header(first_byte, last_byte)});
      add_conditions(attempt.headers, options.if_match, options.if_none_match);
    } else {
      // Resume after the last byte on_data saw, and only from the same object.
      attempt.headers.push_back({"Range", range_header(first_byte + delivered, last_byte)});
      attempt.headers.push_back({"If-Match", first_head->header("etag").value_or("*")});
    }
    auto result = send_once(attempt, empty_hash, &sink);
    if (!result && resumed_wrongly) {
      return make_error(ErrorKind::InvalidResponse, "RangeIgnored",
                        "the server answered a resumed GET without 206 Partial Content",
                        resource_of(bucket, key));
    }
    if (!result && result.error().kind == ErrorKind::Aborted) {
      Error error = std::move(result).error();
      error.message = "the on_data callback stopped the transfer";
      return error;
    }
    return result;
  });
  if (!response) return std::move(response).error();

  const HttpResponse& head = first_head ? *first_head : response.value();
  ObjectInfo info = object_info_from(head);
  if (auto expected = verifiable_md5(head, options); expected && delivered == info.content_length) {
    if (hex_encode(md5.finish()) != *expected) {
      Error error = make_error(ErrorKind::ChecksumMismatch, "ChecksumMismatch",
                               "MD5 of the " + std::to_string(delivered) +
                                   " received bytes does not match the ETag " + info.etag,
                               resource_of(bucket, key));
      error.request_id = info.request_id;
      error.retryable = true;  // the caller may fetch again; the client cannot un-deliver bytes
      return error;
    }
  }
  return info;
}

}  // namespace exifscrub::s3
