// Endpoint and environment rules as the AWS SDKs document them (the shared
// config and credentials files reference, "Service-specific endpoints").
#include "s3/config.h"

#include <filesystem>

namespace exifscrub::s3 {
namespace {

// Splits "scheme://host[:port][/base]" into the origin and the base path.
struct ParsedEndpoint {
  std::string scheme;
  std::string host;
  std::string base_path;
};

std::optional<ParsedEndpoint> parse_endpoint(const std::string& url) {
  const std::size_t separator = url.find("://");
  if (separator == std::string::npos) return std::nullopt;
  ParsedEndpoint parsed;
  parsed.scheme = url.substr(0, separator);
  if (parsed.scheme != "http" && parsed.scheme != "https") return std::nullopt;
  const std::size_t host_start = separator + 3;
  const std::size_t path_start = url.find('/', host_start);
  parsed.host = url.substr(host_start, path_start - host_start);
  if (path_start != std::string::npos) parsed.base_path = url.substr(path_start);
  while (!parsed.base_path.empty() && parsed.base_path.back() == '/') parsed.base_path.pop_back();
  if (parsed.host.empty()) return std::nullopt;
  return parsed;
}

std::string aws_host(const std::string& region) {
  const std::string suffix = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return "s3." + region + "." + suffix;
}

}  // namespace

bool is_virtual_host_compatible(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (const char c : bucket) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!allowed) return false;
  }
  return bucket.front() != '-' && bucket.back() != '-';
}

std::string find_ca_bundle(const EnvironmentLookup& environment) {
  for (const char* variable : {"AWS_CA_BUNDLE", "SSL_CERT_FILE"}) {
    if (auto path = environment(variable)) return *path;
  }
  for (const char* path : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"}) {
    std::error_code ignored;
    if (std::filesystem::exists(path, ignored)) return path;
  }
  return {};
}

Result<ClientConfig> config_from_environment(const EnvironmentLookup& environment) {
  const ProfileSettings profile = load_profile(environment);
  ClientConfig config;
  config.region = environment("AWS_REGION")
                      .value_or(environment("AWS_DEFAULT_REGION")
                                    .value_or(profile.region.empty() ? "us-east-1" : profile.region));

  std::optional<std::string> endpoint = environment("AWS_ENDPOINT_URL_S3");
  if (!endpoint) endpoint = environment("AWS_ENDPOINT_URL");
  if (!endpoint && !profile.endpoint_url.empty()) endpoint = profile.endpoint_url;
  if (endpoint) {
    if (!parse_endpoint(*endpoint)) {
      return make_error(ErrorKind::InvalidConfiguration, "InvalidEndpoint",
                        "endpoint '" + *endpoint +
                            "' is not an http:// or https:// URL; fix AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL");
    }
    config.endpoint = endpoint;
    config.path_style = true;
  }

  auto credentials = resolve_credentials(environment, profile);
  if (!credentials) {
    return make_error(ErrorKind::InvalidConfiguration, "MissingCredentials",
                      "no AWS credentials found for profile '" + profile.profile +
                          "'; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or add the profile "
                          "to the shared credentials file");
  }
  config.credentials = std::move(*credentials);
  config.ca_bundle = find_ca_bundle(environment);
  return config;
}

RequestTarget build_target(const ClientConfig& config, const std::string& bucket,
                           const std::string& key, const std::vector<QueryParam>& query) {
  ParsedEndpoint endpoint{"https", aws_host(config.region), ""};
  if (config.endpoint) endpoint = parse_endpoint(*config.endpoint).value_or(endpoint);

  RequestTarget target;
  const bool path_style = config.path_style || !is_virtual_host_compatible(bucket);
  target.host = path_style ? endpoint.host : bucket + "." + endpoint.host;
  target.path = endpoint.base_path;
  // Appending piece by piece avoids GCC 12's false -Wrestrict warning on
  // "literal" + std::string (GCC bug 105329).
  if (path_style) {
    target.path += '/';
    target.path += uri_encode(bucket, false);
  }
  // Bucket-level calls on a path-style endpoint go to "/bucket" without a slash.
  if (!key.empty() || !path_style) {
    target.path += '/';
    target.path += encode_key(key);
  }

  target.url = endpoint.scheme + "://" + target.host + target.path;
  const std::string query_string = canonical_query(query);
  if (!query_string.empty()) target.url += "?" + query_string;
  return target;
}

}  // namespace exifscrub::s3
