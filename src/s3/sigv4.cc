// Signature V4 as the AWS General Reference describes it ("Create a
// canonical request for Signature Version 4"). The subtle parts are header
// value normalization and the path rules, which differ between S3 and the
// other services.
#include "s3/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "s3/crypto.h"

namespace exifscrub::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

// Trims one line and collapses runs of spaces and tabs to one space.
std::string collapse_spaces(std::string_view line) {
  std::string out;
  bool pending_space = false;
  for (const char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// A folded value (obs-fold: continuation lines) signs as its lines joined with ','.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = value.find('\n', start);
    const std::string line = collapse_spaces(value.substr(start, end == std::string_view::npos ? end : end - start));
    if (!line.empty()) {
      if (!out.empty()) out += ',';
      out += line;
    }
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// Removes "." and ".." segments and empty segments, keeping a trailing slash.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto segment : segments) {
    out += '/';
    out += segment;
  }
  const bool trailing = path.size() > 1 && path.back() == '/' && !segments.empty();
  if (out.empty() || trailing) out += '/';
  return out;
}

std::string canonical_path(std::string_view path, const SignerOptions& options) {
  std::string out = options.normalize_path ? normalize_path(path) : std::string(path);
  if (out.empty()) out = "/";
  if (options.double_encode_path) out = uri_encode(out, true);
  return out;
}

std::string signing_key(std::string_view secret_access_key, const SigningScope& scope) {
  std::string key = hmac_sha256("AWS4" + std::string(secret_access_key), scope.date);
  key = hmac_sha256(key, scope.region);
  key = hmac_sha256(key, scope.service);
  return hmac_sha256(key, "aws4_request");
}

}  // namespace

std::string SigningScope::to_string() const {
  return date + "/" + region + "/" + service + "/aws4_request";
}

CanonicalRequest canonical_request(const SigningRequest& request, const SignerOptions& options) {
  // std::map sorts by lower-cased name; duplicates keep their order of appearance.
  std::map<std::string, std::string> headers;
  for (const auto& header : request.headers) {
    std::string& value = headers[lower(header.name)];
    if (!value.empty()) value += ',';
    value += canonical_header_value(header.value);
  }

  CanonicalRequest result;
  result.text = request.method + "\n" + canonical_path(request.path, options) + "\n" +
                canonical_query(request.query) + "\n";
  for (const auto& [name, value] : headers) {
    result.text += name + ":" + value + "\n";
    if (!result.signed_headers.empty()) result.signed_headers += ';';
    result.signed_headers += name;
  }
  result.text += "\n" + result.signed_headers + "\n" + request.payload_hash;
  return result;
}

std::string string_to_sign(std::string_view amz_date, const SigningScope& scope,
                           std::string_view canonical_request_text) {
  std::string out(kAlgorithm);
  out += "\n";
  out += amz_date;
  out += '\n';
  out += scope.to_string();
  out += '\n';
  out += sha256_hex(canonical_request_text);
  return out;
}

std::string sign_string(std::string_view secret_access_key, const SigningScope& scope,
                        std::string_view string_to_sign_text) {
  return hex_encode(hmac_sha256(signing_key(secret_access_key, scope), string_to_sign_text));
}

std::vector<Header> sign_request(const SigningRequest& request, const Credentials& credentials,
                                 const SigningScope& scope, std::string_view amz_date,
                                 const SignerOptions& options) {
  std::vector<Header> added;
  SigningRequest signed_request = request;
  if (!credentials.session_token.empty()) {
    added.push_back({"X-Amz-Security-Token", credentials.session_token});
    if (options.sign_security_token) signed_request.headers.push_back(added.back());
  }

  const CanonicalRequest canonical = canonical_request(signed_request, options);
  const std::string signature = sign_string(credentials.secret_access_key, scope,
                                            string_to_sign(amz_date, scope, canonical.text));
  added.push_back({"Authorization", std::string(kAlgorithm) + " Credential=" +
                                        credentials.access_key_id + "/" + scope.to_string() +
                                        ", SignedHeaders=" + canonical.signed_headers +
                                        ", Signature=" + signature});
  return added;
}

std::string presign_query(const SigningRequest& request, const Credentials& credentials,
                          const SigningScope& scope, std::string_view amz_date,
                          std::chrono::seconds expires, const SignerOptions& options) {
  SigningRequest signed_request = request;
  CanonicalRequest headers_only = canonical_request(request, options);
  auto& query = signed_request.query;
  query.push_back({"X-Amz-Algorithm", std::string(kAlgorithm)});
  query.push_back({"X-Amz-Credential", credentials.access_key_id + "/" + scope.to_string()});
  query.push_back({"X-Amz-Date", std::string(amz_date)});
  query.push_back({"X-Amz-Expires", std::to_string(expires.count())});
  query.push_back({"X-Amz-SignedHeaders", headers_only.signed_headers});
  if (!credentials.session_token.empty()) {
    query.push_back({"X-Amz-Security-Token", credentials.session_token});
  }

  const CanonicalRequest canonical = canonical_request(signed_request, options);
  const std::string signature = sign_string(credentials.secret_access_key, scope,
                                            string_to_sign(amz_date, scope, canonical.text));
  return canonical_query(query) + "&X-Amz-Signature=" + signature;
}

std::string format_amz_date(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[17];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

}  // namespace exifscrub::s3
