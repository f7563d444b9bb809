// Runtime API requests over one HttpConnection, so the connection to the
// Runtime API stays open between invocations.
#include "lambda/runtime_client.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

namespace exifscrub::lambda {
namespace {

constexpr std::string_view kApiPrefix = "/2018-06-01/runtime";
// Posting a result is a local call; a minute means the Runtime API is gone.
constexpr std::chrono::milliseconds kPostTimeout{60000};

std::string header_or_empty(const std::map<std::string, std::string>& headers, const char* name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

}  // namespace

RuntimeClient::RuntimeClient(std::string endpoint)
    : base_url_("http://" + endpoint + std::string(kApiPrefix)), connection_(std::move(endpoint)) {}

RuntimeClient::~RuntimeClient() = default;

Result<HttpResponse, RuntimeError> RuntimeClient::perform(const std::string& path, const std::string* body,
                                                          const std::string& error_type,
                                                          std::optional<std::chrono::milliseconds> timeout) {
  HttpRequest request;
  request.method = body == nullptr ? "GET" : "POST";
  request.target = std::string(kApiPrefix) + path;
  request.body = body;
  if (body != nullptr) request.headers.emplace_back("Content-Type", "application/json");
  if (!error_type.empty()) request.headers.emplace_back("Lambda-Runtime-Function-Error-Type", error_type);

  auto response = connection_.send(request, timeout);
  if (!response) return RuntimeError{0, request.method + " " + base_url_ + path + " failed: " + response.error().message};
  return std::move(response).value();
}

Result<RuntimeInvocation, RuntimeError> RuntimeClient::next() {
  auto response = perform("/invocation/next", nullptr, "", std::nullopt);
  if (!response) return response.error();
  HttpResponse& reply = response.value();
  if (reply.status != 200) {
    return RuntimeError{reply.status, "GET " + base_url_ + "/invocation/next returned HTTP " + std::to_string(reply.status)};
  }

  RuntimeInvocation invocation;
  invocation.request_id = header_or_empty(reply.headers, "lambda-runtime-aws-request-id");
  if (invocation.request_id.empty()) {
    return RuntimeError{reply.status, "GET " + base_url_ + "/invocation/next returned no Lambda-Runtime-Aws-Request-Id header"};
  }
  // The id becomes part of the response URL, so only URL-safe characters pass.
  bool url_safe = std::all_of(invocation.request_id.begin(), invocation.request_id.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
  });
  if (!url_safe) {
    return RuntimeError{reply.status, "Lambda-Runtime-Aws-Request-Id contains characters other than letters, digits, '-', '_' and '.'"};
  }
  invocation.trace_id = header_or_empty(reply.headers, "lambda-runtime-trace-id");
  invocation.function_arn = header_or_empty(reply.headers, "lambda-runtime-invoked-function-arn");
  std::string deadline = header_or_empty(reply.headers, "lambda-runtime-deadline-ms");
  std::int64_t deadline_ms = 0;
  auto [end, error] = std::from_chars(deadline.data(), deadline.data() + deadline.size(), deadline_ms);
  if (!deadline.empty() && (error != std::errc() || end != deadline.data() + deadline.size() || deadline_ms < 0)) {
    return RuntimeError{reply.status, "Lambda-Runtime-Deadline-Ms \"" + deadline + "\" is not a whole number of milliseconds"};
  }
  invocation.deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline_ms));
  invocation.payload = std::move(reply.body);
  return invocation;
}

Result<Done, RuntimeError> RuntimeClient::post_accepted(const std::string& path, const std::string& body,
                                                        const std::string& error_type) {
  auto response = perform(path, &body, error_type, kPostTimeout);
  if (!response) return response.error();
  if (response->status != 202) {
    return RuntimeError{response->status, "POST " + base_url_ + path + " returned HTTP " + std::to_string(response->status)};
  }
  return Done{};
}

Result<Done, RuntimeError> RuntimeClient::post_response(const std::string& request_id, const std::string& body) {
  return post_accepted("/invocation/" + request_id + "/response", body, "");
}

Result<Done, RuntimeError> RuntimeClient::post_error(const std::string& request_id, const std::string& error_type,
                                                     const std::string& error_message) {
  nlohmann::ordered_json body{{"errorMessage", error_message}, {"errorType", error_type}, {"stackTrace", nlohmann::json::array()}};
  return post_accepted("/invocation/" + request_id + "/error",
                       body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), error_type);
}

Result<Done, RuntimeError> RuntimeClient::post_init_error(const std::string& error_type, const std::string& error_message) {
  nlohmann::ordered_json body{{"errorMessage", error_message}, {"errorType", error_type}, {"stackTrace", nlohmann::json::array()}};
  return post_accepted("/init/error", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), error_type);
}

}  // namespace exifscrub::lambda
