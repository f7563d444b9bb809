// Client configuration and the endpoint rules: where a bucket and key are
// sent (AWS virtual-hosted style, path style for dotted bucket names, or a
// custom endpoint such as Ceph RGW) and which CA bundle verifies TLS.
// Reads the environment and the shared AWS files; opens no connection.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "s3/credentials.h"
#include "s3/error.h"
#include "s3/retry.h"
#include "s3/uri.h"

namespace exifscrub::s3 {

struct ClientConfig {
  std::string region = "us-east-1";
  // A custom endpoint ("http://127.0.0.1:7480"); nullopt means AWS S3 in region.
  std::optional<std::string> endpoint;
  // Put the bucket in the path ("host/bucket/key") instead of the host name.
  // Always used for bucket names that contain dots on AWS.
  bool path_style = false;
  Credentials credentials;
  std::chrono::milliseconds connect_timeout{5000};
  long low_speed_limit = 1024;              // bytes per second ...
  std::chrono::seconds low_speed_time{20};  // ... below which for this long a transfer fails
  RetryPolicy retry;
  std::string ca_bundle;                    // empty: found by find_ca_bundle()
  // Send x-amz-content-sha256: UNSIGNED-PAYLOAD instead of hashing bodies.
  // Saves a SHA-256 pass per upload; Content-MD5 still protects the bytes.
  bool unsigned_payload = false;
  std::function<void(const RetryEvent&)> on_retry;  // called before each retry
  std::optional<std::uint64_t> jitter_seed; // fixed seed for reproducible tests
};

// Builds a config from the environment and the shared files. The region is
// AWS_REGION, else AWS_DEFAULT_REGION, else the profile's, else us-east-1.
// The endpoint is AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else the
// profile's endpoint_url, and any custom endpoint uses path style.
// Credentials come from resolve_credentials. Fails with InvalidConfiguration
// when no credentials are found or the endpoint is not an http(s) URL.
Result<ClientConfig> config_from_environment(const EnvironmentLookup& environment = process_environment());

// Returns the CA bundle that verifies TLS peers: AWS_CA_BUNDLE, else
// SSL_CERT_FILE, else the first existing file of Debian's
// /etc/ssl/certs/ca-certificates.crt and Amazon Linux 2023's
// /etc/pki/tls/certs/ca-bundle.crt. Returns "" when none exists.
std::string find_ca_bundle(const EnvironmentLookup& environment = process_environment());

// The destination of one request: the URL for libcurl, the Host header, and
// the encoded path that Signature V4 signs.
struct RequestTarget {
  std::string url;
  std::string host;
  std::string path;
};

// Builds the target for bucket and key (key may be empty, for bucket-level
// calls) with the query parameters appended in canonical order.
RequestTarget build_target(const ClientConfig& config, const std::string& bucket,
                           const std::string& key, const std::vector<QueryParam>& query);

// Whether a bucket name can be a DNS label under the S3 host: lower-case
// letters, digits and '-', 3 to 63 characters, no dots.
bool is_virtual_host_compatible(const std::string& bucket);

}  // namespace exifscrub::s3
