// A small HTTP/1.1 client for one persistent connection to a local server,
// written for the Lambda Runtime API: plain TCP to "host:port", keep-alive,
// one request at a time.
//
// Does not do TLS, proxies, redirects, compression, pipelining or
// authentication, and sends only the headers the caller gives plus Host and
// Content-Length. It parses responses strictly (status line, header fields,
// Content-Length or chunked bodies, read-to-close bodies) and rejects
// anything malformed or larger than HttpLimits, because a confused parse
// would hand an invocation to the wrong request id.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/result.h"

namespace exifscrub::lambda {

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string target;  // origin-form path, such as "/2018-06-01/runtime/invocation/next"
  std::vector<std::pair<std::string, std::string>> headers;  // sent in order, after Host
  const std::string* body = nullptr;  // sent with Content-Length when not null
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case; repeated fields joined with ", "
  std::string body;                            // decoded when the response was chunked
};

struct HttpError {
  std::string message;  // one line without the request; RuntimeClient adds the method and URL
};

struct HttpLimits {
  // The status line and all header fields of one response, and separately
  // the trailer of a chunked body.
  std::size_t max_header_bytes = 64 * 1024;
  // Lambda limits synchronous invocation payloads to 6 MB, and 1 MiB of
  // headroom keeps a payload at that limit from being rejected here.
  std::size_t max_body_bytes = 7 * 1024 * 1024;
  std::chrono::milliseconds connect_timeout{5000};
};

// Splits "host:port" or "[v6-address]:port" into host and port. Fails when
// either part is missing or the port is not a number from 1 to 65535.
Result<std::pair<std::string, std::string>, HttpError> split_endpoint(const std::string& endpoint);

class HttpConnection {
 public:
  // endpoint is "host:port" or "[v6-address]:port". Nothing is resolved or
  // connected until the first request.
  explicit HttpConnection(std::string endpoint, HttpLimits limits = {});
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends request and reads the whole response. Connects on first use and
  // reuses the connection while the server keeps it open. When a reused
  // connection turns out to have been closed by the server (the request
  // cannot be sent, or the connection ends before any byte of the
  // response), it connects again and sends the request once more. timeout
  // bounds sending and receiving together; std::nullopt waits without limit
  // for the response (connecting is always bounded by connect_timeout).
  // After any error the connection is closed, so the next request starts on
  // a new one.
  Result<HttpResponse, HttpError> send(const HttpRequest& request, std::optional<std::chrono::milliseconds> timeout);

  // Number of TCP connections opened so far.
  int connections_opened() const { return connections_opened_; }

 private:
  using Deadline = std::optional<std::chrono::steady_clock::time_point>;
  struct Attempt;

  Result<Done, HttpError> open(Deadline deadline);
  void close_connection();
  bool server_closed_idle_connection();
  Result<HttpResponse, HttpError> exchange(const HttpRequest& request, Deadline deadline, Attempt& attempt);
  Result<Done, HttpError> write_request(const HttpRequest& request, Deadline deadline);
  Result<std::size_t, HttpError> fill(Deadline deadline, Attempt& attempt);
  Result<std::string, HttpError> read_head(Deadline deadline, Attempt& attempt);
  Result<Done, HttpError> read_exact(std::size_t size, std::string& body, Deadline deadline, Attempt& attempt);
  Result<std::string, HttpError> read_line(std::size_t max_bytes, Deadline deadline, Attempt& attempt);
  Result<Done, HttpError> read_chunked(std::string& body, Deadline deadline, Attempt& attempt);
  Result<Done, HttpError> read_to_close(std::string& body, Deadline deadline, Attempt& attempt);
  Result<Done, HttpError> read_body(HttpResponse& response, Deadline deadline, Attempt& attempt);

  std::string endpoint_;
  HttpLimits limits_;
  int fd_ = -1;
  bool keep_alive_ = false;  // the last response allows another request on this connection
  std::string buffer_;       // received bytes not yet consumed
  int connections_opened_ = 0;
};

}  // namespace exifscrub::lambda
