// Client of the Lambda Runtime API (version 2018-06-01) that a custom
// runtime uses to fetch invocations and post their results, over one
// kept-alive HTTP/1.1 connection (lambda/http_connection.h).
//
// Does not interpret payloads and does not retry beyond reconnecting once
// when the Runtime API closed the idle connection; the runtime loop decides
// what to do on failure. The endpoint is the host:port from
// AWS_LAMBDA_RUNTIME_API and is always a local address, so no proxy is used.
// It needs no libcurl, so a bootstrap reaches its first GET /next without
// loading it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "lambda/http_connection.h"
#include "support/result.h"

namespace exifscrub::lambda {

// One invocation as GET /runtime/invocation/next returns it.
struct RuntimeInvocation {
  std::string request_id;    // Lambda-Runtime-Aws-Request-Id
  std::string trace_id;      // Lambda-Runtime-Trace-Id; empty when absent
  std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  std::chrono::system_clock::time_point deadline{};  // Lambda-Runtime-Deadline-Ms; epoch when absent
  std::string payload;
};

struct RuntimeError {
  long status = 0;      // HTTP status, 0 when no response arrived
  std::string message;  // one line naming the request and the failure
};

class RuntimeClient {
 public:
  // endpoint is "host:port", as in AWS_LAMBDA_RUNTIME_API.
  explicit RuntimeClient(std::string endpoint);
  ~RuntimeClient();
  RuntimeClient(const RuntimeClient&) = delete;
  RuntimeClient& operator=(const RuntimeClient&) = delete;

  // Blocks without a timeout until Lambda hands out the next invocation.
  // Fails on a transport error, a malformed or oversized response (status
  // 0), a status other than 200 or a response without a request id.
  Result<RuntimeInvocation, RuntimeError> next();

  // Posts the function's response. Fails unless Lambda responds with 202
  // within 60 seconds.
  Result<Done, RuntimeError> post_response(const std::string& request_id, const std::string& body);

  // Posts an invocation error as {"errorMessage", "errorType", "stackTrace"}
  // with the Lambda-Runtime-Function-Error-Type header.
  Result<Done, RuntimeError> post_error(const std::string& request_id, const std::string& error_type,
                                        const std::string& error_message);

  // Posts an initialization error; the process should exit afterwards.
  Result<Done, RuntimeError> post_init_error(const std::string& error_type, const std::string& error_message);

 private:
  Result<HttpResponse, RuntimeError> perform(const std::string& path, const std::string* body,
                                             const std::string& error_type,
                                             std::optional<std::chrono::milliseconds> timeout);
  Result<Done, RuntimeError> post_accepted(const std::string& path, const std::string& body,
                                           const std::string& error_type);

  std::string base_url_;  // "http://host:port/2018-06-01/runtime", for messages
  HttpConnection connection_;
};

}  // namespace exifscrub::lambda
