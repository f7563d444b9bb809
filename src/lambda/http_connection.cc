// HTTP/1.1 over a non-blocking POSIX socket. Every wait goes through poll()
// with the request's deadline, so one mechanism covers connect, send and
// receive timeouts, and GET /next can wait without limit.
#include "lambda/http_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace exifscrub::lambda {
namespace {

using Clock = std::chrono::steady_clock;

// Interim (1xx) responses skipped before the final one; servers send at most
// one in practice, and the bound keeps a misbehaving server from holding the client in a loop.
constexpr int kMaxInterimResponses = 4;
constexpr std::size_t kMaxChunkLineBytes = 1024;
constexpr std::size_t kReadChunkBytes = 64 * 1024;
// Quoted parts of malformed responses are cut to this length in messages.
constexpr std::size_t kMaxQuotedBytes = 64;

HttpError make_error(std::string message) { return HttpError{std::move(message)}; }

// Quotes untrusted response bytes for an error message: printable ASCII only,
// cut to kMaxQuotedBytes.
std::string quote(std::string_view text) {
  std::string result = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMaxQuotedBytes; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    result += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  if (text.size() > kMaxQuotedBytes) result += "...";
  return result + "\"";
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return result;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// RFC 9110 token characters, the only ones allowed in a field name.
bool is_token(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
  });
}

bool has_token(std::string_view list, std::string_view token) {
  const std::string lowered = lower(list);
  std::string_view rest = lowered;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    if (trim(rest.substr(0, comma)) == token) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

std::string errno_text(int error) { return std::strerror(error); }

int remaining_ms(const std::optional<Clock::time_point>& deadline) {
  if (!deadline) return -1;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

// Waits until fd is ready for events. Returns false on timeout.
Result<bool, HttpError> wait_ready(int fd, short events, const std::optional<Clock::time_point>& deadline) {
  while (true) {
    pollfd entry{fd, events, 0};
    const int ready = poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return make_error("poll failed: " + errno_text(errno));
  }
}

struct StatusLine {
  int minor_version = 1;
  int status = 0;
};

// "HTTP/1.x SSS reason", where the reason phrase may be empty.
Result<StatusLine, HttpError> parse_status_line(std::string_view line) {
  const bool shape_ok = line.size() >= 12 && line.substr(0, 7) == "HTTP/1." && line[7] >= '0' && line[7] <= '9' &&
                        line[8] == ' ' && std::isdigit(static_cast<unsigned char>(line[9])) != 0 &&
                        std::isdigit(static_cast<unsigned char>(line[10])) != 0 &&
                        std::isdigit(static_cast<unsigned char>(line[11])) != 0 && (line.size() == 12 || line[12] == ' ');
  if (!shape_ok || line[9] == '0') return make_error("malformed status line " + quote(line));
  StatusLine result;
  result.minor_version = line[7] - '0';
  result.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  return result;
}

// Adds "name: value" to headers. Obsolete line folding and names that are
// not tokens are rejected: a lenient parse here could shift header values.
Result<Done, HttpError> parse_field(std::string_view line, std::map<std::string, std::string>& headers) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
    return make_error("malformed header line " + quote(line));
  }
  const std::string name = lower(line.substr(0, colon));
  const std::string value(trim(line.substr(colon + 1)));
  auto [entry, inserted] = headers.emplace(name, value);
  if (inserted) return Done{};
  if (name == "content-length") {
    if (entry->second != value) return make_error("conflicting Content-Length headers");
    return Done{};
  }
  entry->second += ", " + value;
  return Done{};
}

// Splits a head (without its final empty line) into status and fields.
Result<std::pair<StatusLine, HttpResponse>, HttpError> parse_head(std::string_view head) {
  std::size_t line_end = head.find("\r\n");
  auto status = parse_status_line(head.substr(0, line_end));
  if (!status) return status.error();

  HttpResponse response;
  response.status = status->status;
  while (line_end != std::string_view::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    auto parsed = parse_field(head.substr(start, line_end - start), response.headers);
    if (!parsed) return parsed.error();
  }
  return std::pair{status.value(), std::move(response)};
}

Result<std::size_t, HttpError> parse_content_length(const std::string& text, std::size_t limit) {
  if (text.empty() || text.size() > 19 || !std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isdigit(c) != 0;
      })) {
    return make_error("invalid Content-Length " + quote(text));
  }
  const auto length = std::stoull(text);
  if (length > limit) {
    return make_error("response body of " + text + " bytes exceeds the limit of " + std::to_string(limit) + " bytes");
  }
  return static_cast<std::size_t>(length);
}

// The hexadecimal size at the start of a chunk line; extensions after ';'
// are ignored as RFC 9112 allows.
Result<std::size_t, HttpError> parse_chunk_size(std::string_view line) {
  const std::string_view digits = trim(line.substr(0, line.find(';')));
  if (digits.empty() || digits.size() > 15) return make_error("invalid chunk size line " + quote(line));
  std::size_t size = 0;
  for (const char c : digits) {
    const int digit = std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0'
                      : (c >= 'a' && c <= 'f')                        ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F')                        ? c - 'A' + 10
                                                                      : -1;
    if (digit < 0) return make_error("invalid chunk size line " + quote(line));
    size = size * 16 + static_cast<std::size_t>(digit);
  }
  return size;
}

HttpError closed_early(std::size_t received) {
  return make_error("connection closed by the server after " + std::to_string(received) + " bytes of the response");
}

}  // namespace

Result<std::pair<std::string, std::string>, HttpError> split_endpoint(const std::string& endpoint) {
  const auto invalid = [&endpoint] {
    return make_error("endpoint " + quote(endpoint) + " is not host:port, such as 127.0.0.1:9001 or [::1]:9001");
  };
  std::string host;
  std::string port;
  if (!endpoint.empty() && endpoint.front() == '[') {
    const auto close = endpoint.find(']');
    if (close == std::string::npos || close + 1 >= endpoint.size() || endpoint[close + 1] != ':') return invalid();
    host = endpoint.substr(1, close - 1);
    port = endpoint.substr(close + 2);
  } else {
    const auto colon = endpoint.rfind(':');
    if (colon == std::string::npos || endpoint.find(':') != colon) return invalid();
    host = endpoint.substr(0, colon);
    port = endpoint.substr(colon + 1);
  }
  const bool port_ok = !port.empty() && port.size() <= 5 &&
                       std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) &&
                       std::stoi(port) >= 1 && std::stoi(port) <= 65535;
  if (host.empty() || !port_ok) return invalid();
  return std::pair{host, port};
}

// State of one try of a request, used to decide whether to retry it.
struct HttpConnection::Attempt {
  bool reused = false;               // sent on a connection that carried an earlier request
  std::size_t response_bytes = 0;    // bytes of the response received so far
};

HttpConnection::HttpConnection(std::string endpoint, HttpLimits limits)
    : endpoint_(std::move(endpoint)), limits_(limits) {}

HttpConnection::~HttpConnection() { close_connection(); }

void HttpConnection::close_connection() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  keep_alive_ = false;
  buffer_.clear();
}

// Connects to the first address of the endpoint that accepts, each with a
// non-blocking connect bounded by connect_timeout.
Result<Done, HttpError> HttpConnection::open(Deadline deadline) {
  auto parts = split_endpoint(endpoint_);
  if (!parts) return parts.error();
  const auto& [host, port] = parts.value();

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* addresses = nullptr;
  if (const int status = getaddrinfo(host.c_str(), port.c_str(), &hints, &addresses); status != 0) {
    return make_error("could not resolve host " + quote(host) + ": " + gai_strerror(status));
  }

  const auto connect_deadline = Clock::now() + limits_.connect_timeout;
  const Deadline bound = deadline ? std::min(*deadline, connect_deadline) : connect_deadline;
  // The text libcurl used for the same failure, kept so logs read the same.
  std::string failure = "Couldn't connect to server";
  for (addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
    const int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address->ai_protocol);
    if (fd < 0) continue;
    bool connected = ::connect(fd, address->ai_addr, address->ai_addrlen) == 0;
    if (!connected && errno == EINPROGRESS) {
      auto ready = wait_ready(fd, POLLOUT, bound);
      int error = 0;
      socklen_t length = sizeof error;
      if (ready.ok() && ready.value() && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0) {
        connected = true;
      } else if (ready.ok() && !ready.value()) {
        failure = "connecting to " + endpoint_ + " timed out after " +
                  std::to_string(limits_.connect_timeout.count()) + " ms";
      }
    }
    if (!connected) {
      ::close(fd);
      continue;
    }
    // Requests are small and the server responds at once, so Nagle's algorithm would only add latency.
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    freeaddrinfo(addresses);
    fd_ = fd;
    ++connections_opened_;
    return Done{};
  }
  freeaddrinfo(addresses);
  return make_error(failure);
}

// True when the server closed (or wrote to) an idle kept-alive connection.
// Either way the connection cannot carry the next request.
bool HttpConnection::server_closed_idle_connection() {
  pollfd entry{fd_, POLLIN, 0};
  if (poll(&entry, 1, 0) <= 0) return false;
  char byte = 0;
  const ssize_t got = recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return got >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

Result<HttpResponse, HttpError> HttpConnection::send(const HttpRequest& request,
                                                     std::optional<std::chrono::milliseconds> timeout) {
  const Deadline deadline = timeout ? Deadline(Clock::now() + *timeout) : std::nullopt;
  if (fd_ >= 0 && (!keep_alive_ || server_closed_idle_connection())) close_connection();

  for (int round = 1;; ++round) {
    Attempt attempt;
    attempt.reused = fd_ >= 0;
    if (!attempt.reused) {
      auto opened = open(deadline);
      if (!opened) return opened.error();
    }
    auto response = exchange(request, deadline, attempt);
    if (response) return response;
    close_connection();
    // Only a reused connection that ended before the first response byte
    // is retried: the server closed it while idle, so it never saw the request.
    if (round > 1 || !attempt.reused || attempt.response_bytes > 0) return response.error();
  }
}

Result<HttpResponse, HttpError> HttpConnection::exchange(const HttpRequest& request, Deadline deadline,
                                                         Attempt& attempt) {
  auto written = write_request(request, deadline);
  if (!written) return written.error();

  for (int interim = 0;; ++interim) {
    auto head = read_head(deadline, attempt);
    if (!head) return head.error();
    auto parsed = parse_head(head.value());
    if (!parsed) return parsed.error();
    auto& [status_line, response] = parsed.value();
    if (response.status >= 200) {
      // HTTP/1.1 keeps the connection unless the server sends "Connection: close", and HTTP/1.0 only with "keep-alive".
      const auto connection = response.headers.find("connection");
      const std::string options = connection == response.headers.end() ? "" : connection->second;
      keep_alive_ = status_line.minor_version >= 1 ? !has_token(options, "close") : has_token(options, "keep-alive");
      auto body = read_body(response, deadline, attempt);
      if (!body) return body.error();
      // Bytes beyond the response mean the server and this client disagree on framing.
      if (!buffer_.empty()) keep_alive_ = false;
      if (!keep_alive_) close_connection();
      return std::move(response);
    }
    if (interim + 1 >= kMaxInterimResponses) {
      return make_error("more than " + std::to_string(kMaxInterimResponses) + " interim (1xx) responses");
    }
  }
}

Result<Done, HttpError> HttpConnection::write_request(const HttpRequest& request, Deadline deadline) {
  std::string head = request.method + " " + request.target + " HTTP/1.1\r\nHost: " + endpoint_ + "\r\n";
  for (const auto& [name, value] : request.headers) head += name + ": " + value + "\r\n";
  if (request.body != nullptr) head += "Content-Length: " + std::to_string(request.body->size()) + "\r\n";
  head += "\r\n";

  const std::string empty;
  const std::string& body = request.body != nullptr ? *request.body : empty;
  std::size_t sent = 0;
  const std::size_t total = head.size() + body.size();
  while (sent < total) {
    // One sendmsg for head and body saves a copy of the body and a packet.
    iovec parts[2];
    int count = 0;
    if (sent < head.size()) {
      parts[count++] = {head.data() + sent, head.size() - sent};
      if (!body.empty()) parts[count++] = {const_cast<char*>(body.data()), body.size()};
    } else {
      parts[count++] = {const_cast<char*>(body.data()) + (sent - head.size()), total - sent};
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<std::size_t>(count);
    const ssize_t written = sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (written >= 0) {
      sent += static_cast<std::size_t>(written);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return make_error("sending the request failed: " + errno_text(errno));
    auto ready = wait_ready(fd_, POLLOUT, deadline);
    if (!ready) return ready.error();
    if (!ready.value()) return make_error("sending the request timed out");
  }
  return Done{};
}

// Appends received bytes to buffer_ and returns how many arrived; 0 means
// the server closed the connection.
Result<std::size_t, HttpError> HttpConnection::fill(Deadline deadline, Attempt& attempt) {
  char chunk[kReadChunkBytes];
  while (true) {
    const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
    if (got >= 0) {
      buffer_.append(chunk, static_cast<std::size_t>(got));
      attempt.response_bytes += static_cast<std::size_t>(got);
      return static_cast<std::size_t>(got);
    }
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) return std::size_t{0};
    if (errno != EAGAIN && errno != EWOULDBLOCK) return make_error("receiving the response failed: " + errno_text(errno));
    auto ready = wait_ready(fd_, POLLIN, deadline);
    if (!ready) return ready.error();
    if (!ready.value()) {
      return make_error("no complete response within the timeout (" + std::to_string(attempt.response_bytes) +
                        " bytes received)");
    }
  }
}

// Returns the status line and header fields, without the empty line that ends them.
Result<std::string, HttpError> HttpConnection::read_head(Deadline deadline, Attempt& attempt) {
  std::size_t searched = 0;
  while (true) {
    const auto end = buffer_.find("\r\n\r\n", searched);
    if (end != std::string::npos && end + 4 <= limits_.max_header_bytes) {
      std::string head = buffer_.substr(0, end);
      buffer_.erase(0, end + 4);
      return head;
    }
    if (buffer_.size() > limits_.max_header_bytes || end != std::string::npos) {
      return make_error("response headers exceed the limit of " + std::to_string(limits_.max_header_bytes) + " bytes");
    }
    searched = buffer_.size() < 3 ? 0 : buffer_.size() - 3;
    auto got = fill(deadline, attempt);
    if (!got) return got.error();
    if (got.value() == 0) return closed_early(attempt.response_bytes);
  }
}

Result<Done, HttpError> HttpConnection::read_exact(std::size_t size, std::string& body, Deadline deadline,
                                                   Attempt& attempt) {
  while (buffer_.size() < size) {
    auto got = fill(deadline, attempt);
    if (!got) return got.error();
    if (got.value() == 0) return closed_early(attempt.response_bytes);
  }
  body.append(buffer_, 0, size);
  buffer_.erase(0, size);
  return Done{};
}

// Returns one CRLF-terminated line without its CRLF.
Result<std::string, HttpError> HttpConnection::read_line(std::size_t max_bytes, Deadline deadline, Attempt& attempt) {
  while (true) {
    const auto end = buffer_.find("\r\n");
    if (end != std::string::npos && end <= max_bytes) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (end != std::string::npos || buffer_.size() > max_bytes) {
      return make_error("response line longer than " + std::to_string(max_bytes) + " bytes");
    }
    auto got = fill(deadline, attempt);
    if (!got) return got.error();
    if (got.value() == 0) return closed_early(attempt.response_bytes);
  }
}

Result<Done, HttpError> HttpConnection::read_chunked(std::string& body, Deadline deadline, Attempt& attempt) {
  while (true) {
    auto line = read_line(kMaxChunkLineBytes, deadline, attempt);
    if (!line) return line.error();
    auto size = parse_chunk_size(line.value());
    if (!size) return size.error();
    if (size.value() == 0) break;
    if (size.value() > limits_.max_body_bytes - body.size()) {
      return make_error("chunked response body exceeds the limit of " + std::to_string(limits_.max_body_bytes) +
                        " bytes");
    }
    auto data = read_exact(size.value(), body, deadline, attempt);
    if (!data) return data.error();
    std::string delimiter;
    auto end = read_exact(2, delimiter, deadline, attempt);
    if (!end) return end.error();
    if (delimiter != "\r\n") {
      return make_error("chunk of " + std::to_string(size.value()) + " bytes is not followed by CRLF");
    }
  }
  // The trailer section: fields we ignore, then an empty line.
  std::size_t trailer_bytes = 0;
  while (true) {
    auto line = read_line(limits_.max_header_bytes, deadline, attempt);
    if (!line) return line.error();
    if (line.value().empty()) return Done{};
    trailer_bytes += line.value().size() + 2;
    if (trailer_bytes > limits_.max_header_bytes) {
      return make_error("response trailer exceeds the limit of " + std::to_string(limits_.max_header_bytes) + " bytes");
    }
  }
}

Result<Done, HttpError> HttpConnection::read_to_close(std::string& body, Deadline deadline, Attempt& attempt) {
  keep_alive_ = false;
  while (true) {
    if (buffer_.size() > limits_.max_body_bytes) {
      return make_error("response body exceeds the limit of " + std::to_string(limits_.max_body_bytes) + " bytes");
    }
    auto got = fill(deadline, attempt);
    if (!got) return got.error();
    if (got.value() == 0) break;
  }
  body = std::move(buffer_);
  buffer_.clear();
  return Done{};
}

// Reads the body as RFC 9112 section 6.3 frames it: chunked when that is the
// transfer coding, else Content-Length, else up to the end of the connection.
Result<Done, HttpError> HttpConnection::read_body(HttpResponse& response, Deadline deadline, Attempt& attempt) {
  if (response.status == 204 || response.status == 304) return Done{};
  const auto encoding = response.headers.find("transfer-encoding");
  const auto length = response.headers.find("content-length");
  if (encoding != response.headers.end()) {
    // Both framings at once is the shape of request smuggling; fail closed.
    if (length != response.headers.end()) return make_error("response has both Transfer-Encoding and Content-Length");
    if (lower(encoding->second) != "chunked") {
      return make_error("unsupported Transfer-Encoding " + quote(encoding->second) + "; only chunked is accepted");
    }
    return read_chunked(response.body, deadline, attempt);
  }
  if (length != response.headers.end()) {
    auto size = parse_content_length(length->second, limits_.max_body_bytes);
    if (!size) return size.error();
    response.body.reserve(size.value());
    return read_exact(size.value(), response.body, deadline, attempt);
  }
  return read_to_close(response.body, deadline, attempt);
}

}  // namespace exifscrub::lambda
