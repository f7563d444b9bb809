// Percent-encoding as Signature V4 and S3 define it (RFC 3986 unreserved
// characters kept, every other byte as %XX with upper-case hex), and query
// strings built from sorted parameters. Knows nothing of hosts or buckets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace exifscrub::s3 {

// One query parameter, not encoded. An empty value renders as "name=".
struct QueryParam {
  std::string name;
  std::string value;
};

// Encodes every byte except A-Z a-z 0-9 - . _ ~, and keeps '/' when keep_slash.
std::string uri_encode(std::string_view text, bool keep_slash);

// Encodes an object key for the request path: each byte except unreserved
// characters and '/' (S3's rule, so "a b+c%" becomes "a%20b%2Bc%25").
inline std::string encode_key(std::string_view key) { return uri_encode(key, true); }

// Decodes %XX sequences; '+' stays '+'. Returns nullopt for a malformed escape.
std::optional<std::string> uri_decode(std::string_view text);

// Returns the canonical query string: names and values encoded (slash too),
// sorted by encoded name then encoded value, joined with '&'.
std::string canonical_query(const std::vector<QueryParam>& params);

}  // namespace exifscrub::s3
