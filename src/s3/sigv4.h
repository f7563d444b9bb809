// AWS Signature Version 4: canonical request, string to sign, signing key,
// Authorization header and presigned (query-signed) URLs.
// Pure functions over strings: no clock, no network, no environment. The
// caller supplies the timestamp, so every output is reproducible.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "s3/credentials.h"
#include "s3/uri.h"

namespace exifscrub::s3 {

struct Header {
  std::string name;
  std::string value;
};

// The credential scope: date (YYYYMMDD), region and service ("s3").
struct SigningScope {
  std::string date;
  std::string region;
  std::string service;

  // Returns "date/region/service/aws4_request".
  std::string to_string() const;
};

struct SignerOptions {
  // Encode the path once more before signing. Most AWS services expect this;
  // S3 does not, because its request path is already the encoded key.
  bool double_encode_path = false;
  // Remove "." and ".." segments and repeated slashes. Never for S3, where
  // "a//b" and "a/./b" are distinct keys.
  bool normalize_path = false;
  // Include X-Amz-Security-Token in the signature (S3 requires it). When
  // false, the token header is added after signing.
  bool sign_security_token = true;
};

// The parts of a request that the signer reads.
struct SigningRequest {
  std::string method;
  std::string path;                // as sent on the wire, already percent-encoded for S3
  std::vector<QueryParam> query;   // decoded names and values
  std::vector<Header> headers;     // every header to sign, including host and x-amz-date
  std::string payload_hash;        // lower-case hex SHA-256 or "UNSIGNED-PAYLOAD"
};

struct CanonicalRequest {
  std::string text;
  std::string signed_headers;  // "host;x-amz-date"
};

// Builds the canonical request. Header names are lower-cased and sorted.
// Values of duplicate headers are joined with ',' in order of appearance.
// Each value is trimmed and runs of spaces collapse to one, and the lines of
// a folded (multi-line) value are joined with ','.
CanonicalRequest canonical_request(const SigningRequest& request, const SignerOptions& options);

// Returns "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of canonical>".
std::string string_to_sign(std::string_view amz_date, const SigningScope& scope,
                           std::string_view canonical_request_text);

// Returns the hex signature of string_to_sign under the key derived from
// secret_access_key and scope.
std::string sign_string(std::string_view secret_access_key, const SigningScope& scope,
                        std::string_view string_to_sign_text);

// Signs a request with headers and returns the headers to add:
// X-Amz-Security-Token (when credentials carry a session token) and
// Authorization. request.headers must already hold host and x-amz-date
// matching amz_date ("20150830T123600Z").
std::vector<Header> sign_request(const SigningRequest& request, const Credentials& credentials,
                                 const SigningScope& scope, std::string_view amz_date,
                                 const SignerOptions& options);

// Signs with query parameters instead of headers and returns the complete
// query string (canonical order, X-Amz-Signature last) to append after '?'.
// request.headers must hold host; request.payload_hash is usually
// "UNSIGNED-PAYLOAD". expires is the X-Amz-Expires value (1 s to 7 days).
std::string presign_query(const SigningRequest& request, const Credentials& credentials,
                          const SigningScope& scope, std::string_view amz_date,
                          std::chrono::seconds expires, const SignerOptions& options);

// Formats a time as the ISO 8601 basic form Signature V4 uses: "20150830T123600Z".
std::string format_amz_date(std::chrono::system_clock::time_point time);

}  // namespace exifscrub::s3
