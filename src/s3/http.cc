// libcurl easy-interface transport. The options set here work around
// behaviours that break S3 requests: libcurl's default Content-Type for
// POSTFIELDS (we upload with CURLOPT_UPLOAD and set Content-Type ourselves),
// and "Expect: 100-continue", which we turn off so that every proxy and
// server receives one plain request.
#include "s3/http.h"

#include <curl/curl.h>

#include "s3/system_libraries.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace exifscrub::s3 {
namespace {

constexpr std::size_t kMaxCollectedBody = 1 << 20;
constexpr std::size_t kMaxCollectedSuccessBody = 64 << 20;

// State shared with the libcurl callbacks for one exchange.
struct Exchange {
  const HttpRequest* request = nullptr;
  const BodySink* sink = nullptr;
  HttpResponse response;
  std::size_t upload_offset = 0;
  bool sink_stopped = false;
  bool body_too_large = false;
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new status line (after 100 Continue or a redirect) starts a new response.
    exchange.response.headers.clear();
    const std::size_t space = line.find(' ');
    exchange.response.status = space == std::string_view::npos ? 0 : std::atol(line.data() + space + 1);
    return size * count;
  }
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    exchange.response.headers.push_back(
        {lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1)))});
  }
  return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  const std::size_t bytes = size * count;
  const long status = exchange.response.status;
  if (exchange.sink != nullptr && status >= 200 && status < 300) {
    const std::span<const std::uint8_t> chunk(reinterpret_cast<const std::uint8_t*>(data), bytes);
    if (!(*exchange.sink)(exchange.response, chunk)) {
      exchange.sink_stopped = true;
      return 0;  // makes libcurl fail with CURLE_WRITE_ERROR
    }
    return bytes;
  }
  const bool success = status >= 200 && status < 300;
  const std::size_t limit = success ? kMaxCollectedSuccessBody : kMaxCollectedBody;
  if (exchange.response.body.size() + bytes > limit) {
    exchange.body_too_large = true;
    return 0;
  }
  exchange.response.body.append(data, bytes);
  return bytes;
}

std::size_t on_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  const auto body = exchange.request->body;
  const std::size_t bytes = std::min(size * count, body.size() - exchange.upload_offset);
  std::memcpy(buffer, body.data() + exchange.upload_offset, bytes);
  exchange.upload_offset += bytes;
  return bytes;
}

int on_seek(void* user, curl_off_t offset, int origin) {
  auto& exchange = *static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 ||
      static_cast<std::size_t>(offset) > exchange.request->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  exchange.upload_offset = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

Error transport_error(CURLcode code, const char* detail, const Exchange& exchange) {
  ErrorKind kind = ErrorKind::Network;
  std::string message = detail[0] != '\0' ? detail : system_libraries().curl.easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT) kind = ErrorKind::Timeout;
  if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL ||
      code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE) {
    kind = ErrorKind::InvalidConfiguration;
  }
  if (exchange.sink_stopped) {
    kind = ErrorKind::Aborted;
    message = "the body callback stopped the transfer";
  } else if (exchange.body_too_large) {
    kind = ErrorKind::InvalidResponse;
    message = "response body exceeds the size the client collects";
  }
  Error error = make_error(kind, "CURLE_" + std::to_string(static_cast<int>(code)), message);
  error.http_status = exchange.response.status;
  return error;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view lower_name) const {
  for (const auto& header : headers) {
    if (header.name == lower_name) return header.value;
  }
  return std::nullopt;
}

HttpTransport::HttpTransport(TransportOptions options)
    : options_(std::move(options)), curl_(nullptr) {
  // system_libraries() also runs curl_global_init, once per process.
  const SystemLibraries& libraries = system_libraries();
  if (libraries.ok()) curl_ = libraries.curl.easy_init();
}

HttpTransport::~HttpTransport() {
  if (curl_ != nullptr) system_libraries().curl.easy_cleanup(curl_);
}

Result<HttpResponse> HttpTransport::perform(const HttpRequest& request, const BodySink* sink) {
  if (auto missing = missing_system_libraries()) return *missing;
  const SystemLibraries& libraries = system_libraries();
  if (curl_ == nullptr) {
    return make_error(ErrorKind::Other, "CURL_INIT", "curl_easy_init failed");
  }
  const CurlFunctions& curl = libraries.curl;
  Exchange exchange;
  exchange.request = &request;
  exchange.sink = sink;

  // Reset drops the previous request's options but keeps the connection cache.
  curl.easy_reset(curl_);
  char detail[CURL_ERROR_SIZE] = {};
  curl.easy_setopt(curl_, CURLOPT_ERRORBUFFER, detail);
  curl.easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  // Keys such as "a/./b" and "a/../b" are distinct objects; libcurl would
  // otherwise remove the dot segments from the path.
  curl.easy_setopt(curl_, CURLOPT_PATH_AS_IS, 1L);
  curl.easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl.easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit);
  curl.easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time.count()));
  curl.easy_setopt(curl_, CURLOPT_TCP_KEEPALIVE, 1L);
  if (!options_.ca_bundle.empty()) curl.easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl.easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
  curl.easy_setopt(curl_, CURLOPT_HEADERDATA, &exchange);
  curl.easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
  curl.easy_setopt(curl_, CURLOPT_WRITEDATA, &exchange);

  if (request.method == "HEAD") {
    curl.easy_setopt(curl_, CURLOPT_NOBODY, 1L);
  } else if (request.send_body) {
    curl.easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
    curl.easy_setopt(curl_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl.easy_setopt(curl_, CURLOPT_READFUNCTION, on_upload);
    curl.easy_setopt(curl_, CURLOPT_READDATA, &exchange);
    curl.easy_setopt(curl_, CURLOPT_SEEKFUNCTION, on_seek);
    curl.easy_setopt(curl_, CURLOPT_SEEKDATA, &exchange);
  }
  if (request.method != "GET" && request.method != "HEAD") {
    curl.easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* headers = nullptr;
  for (const auto& header : request.headers) {
    headers = curl.slist_append(headers, (header.name + ": " + header.value).c_str());
  }
  headers = curl.slist_append(headers, "Expect:");
  curl.easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);

  const CURLcode code = curl.easy_perform(curl_);
  curl.slist_free_all(headers);
  if (code != CURLE_OK) return transport_error(code, detail, exchange);
  return std::move(exchange.response);
}

}  // namespace exifscrub::s3
