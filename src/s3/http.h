// One HTTP exchange over libcurl: request line, headers, a replayable body
// out, and either a streamed or a collected body in. Knows nothing of S3
// beyond mapping transport failures to s3::Error kinds. Not thread-safe: an
// HttpTransport owns one CURL easy handle, which keeps the connection to the
// server alive between requests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "s3/error.h"
#include "s3/sigv4.h"

typedef void CURL;  // NOLINT: matches <curl/curl.h> without including it here

namespace exifscrub::s3 {

struct HttpRequest {
  std::string method;                    // "GET", "PUT", ...
  std::string url;                       // scheme, host, encoded path and query
  std::vector<Header> headers;           // sent as given, including Host
  std::span<const std::uint8_t> body;    // sent from the start on every attempt
  bool send_body = false;                // PUT and POST send a body, even an empty one
};

struct HttpResponse {
  long status = 0;
  std::vector<Header> headers;  // names lower-cased, in order of arrival
  std::string body;             // the body, unless a sink received it

  // Returns the first header of that (lower-case) name.
  std::optional<std::string> header(std::string_view lower_name) const;
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  long low_speed_limit = 1024;               // bytes per second ...
  std::chrono::seconds low_speed_time{20};   // ... below which for this long the transfer fails
  std::string ca_bundle;                     // CURLOPT_CAINFO; empty keeps libcurl's default
};

// Receives the body of a 2xx response chunk by chunk, with the status and
// headers received so far; returning false stops the transfer with
// ErrorKind::Aborted.
using BodySink = std::function<bool(const HttpResponse& head, std::span<const std::uint8_t> chunk)>;

class HttpTransport {
 public:
  explicit HttpTransport(TransportOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Performs the request. Any HTTP status is a successful exchange; the
  // Error kinds are Network, Timeout, Aborted and InvalidConfiguration.
  // With a sink, 2xx bodies go to it and HttpResponse::body stays empty;
  // error bodies are always collected (up to 1 MiB) for parsing.
  Result<HttpResponse> perform(const HttpRequest& request, const BodySink* sink);

 private:
  TransportOptions options_;
  CURL* curl_;
};

}  // namespace exifscrub::s3
