// Runtime API requests. One curl handle is reused so the connection to the
// Runtime API stays open between invocations.
#include "lambda/runtime_client.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

namespace exifscrub::lambda {
namespace {

constexpr long kConnectTimeoutMs = 5000;
// Posting a result is a local call; a minute means the Runtime API is gone.
constexpr long kPostTimeoutMs = 60000;

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

std::size_t store_header(char* data, std::size_t size, std::size_t count, void* target) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    (*static_cast<std::map<std::string, std::string>*>(target))[name] = value;
  }
  return size * count;
}

std::string header_or_empty(const std::map<std::string, std::string>& headers, const char* name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

}  // namespace

struct RuntimeClient::Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

RuntimeClient::RuntimeClient(std::string endpoint)
    : base_url_("http://" + std::move(endpoint) + "/2018-06-01/runtime"), curl_(curl_easy_init()) {}

RuntimeClient::~RuntimeClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<RuntimeClient::Response, RuntimeError> RuntimeClient::perform(const std::string& path, const std::string* body,
                                                                     const std::string& error_type, long timeout_ms) {
  auto* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) return RuntimeError{0, "curl_easy_init failed"};
  std::string url = base_url_ + path;
  std::string method = body == nullptr ? "GET" : "POST";

  curl_easy_reset(curl);
  Response response;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, store_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);

  curl_slist* headers = nullptr;
  // Without this, curl waits for "100 Continue" before sending large bodies.
  headers = curl_slist_append(headers, "Expect:");
  if (body != nullptr) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  std::string error_header = "Lambda-Runtime-Function-Error-Type: " + error_type;
  if (!error_type.empty()) headers = curl_slist_append(headers, error_header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return RuntimeError{0, method + " " + url + " failed: " + curl_easy_strerror(code)};
  }
  return response;
}

Result<RuntimeInvocation, RuntimeError> RuntimeClient::next() {
  auto response = perform("/invocation/next", nullptr, "", 0);
  if (!response) return response.error();
  const Response& reply = response.value();
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
  invocation.payload = reply.body;
  return invocation;
}

Result<Done, RuntimeError> RuntimeClient::post_accepted(const std::string& path, const std::string& body,
                                                        const std::string& error_type) {
  auto response = perform(path, &body, error_type, kPostTimeoutMs);
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
