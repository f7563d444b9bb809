// Minimal HTTP/1.1 on POSIX sockets. poll() with a short timeout lets the
// destructor stop the thread without a second wake-up channel.
#include "fake_runtime_api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace exifscrub::lambda::testing {
namespace {

bool wait_readable(int fd, const std::atomic<bool>& stopping) {
  while (!stopping) {
    pollfd entry{fd, POLLIN, 0};
    int ready = poll(&entry, 1, 50);
    if (ready > 0) return true;
    if (ready < 0) return false;
  }
  return false;
}

// Reads until buffer contains n bytes. Returns false when the peer closed first.
bool read_until_size(int fd, std::string& buffer, std::size_t n, const std::atomic<bool>& stopping) {
  char chunk[4096];
  while (buffer.size() < n) {
    if (!wait_readable(fd, stopping)) return false;
    ssize_t got = recv(fd, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(got));
  }
  return true;
}

bool read_head(int fd, std::string& buffer, const std::atomic<bool>& stopping) {
  char chunk[4096];
  while (buffer.find("\r\n\r\n") == std::string::npos) {
    if (!wait_readable(fd, stopping)) return false;
    ssize_t got = recv(fd, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(got));
  }
  return true;
}

RecordedRequest parse_head(const std::string& head) {
  RecordedRequest request;
  std::size_t line_end = head.find("\r\n");
  std::string request_line = head.substr(0, line_end);
  std::size_t space1 = request_line.find(' ');
  std::size_t space2 = request_line.find(' ', space1 + 1);
  request.method = request_line.substr(0, space1);
  request.path = request_line.substr(space1 + 1, space2 - space1 - 1);
  std::size_t pos = line_end + 2;
  while (pos < head.size()) {
    std::size_t end = head.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;
    std::string line = head.substr(pos, end - pos);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      std::size_t value_start = line.find_first_not_of(' ', colon + 1);
      request.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
    }
    pos = end + 2;
  }
  return request;
}

std::string http_response(int status, const std::map<std::string, std::string>& headers, const std::string& body) {
  std::string text = "HTTP/1.1 " + std::to_string(status) + " Status\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  text += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return text;
}

}  // namespace

FakeRuntimeApi::FakeRuntimeApi(Family family) : family_(family) {
  listen_fd_ = socket(family == Family::IPv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  int yes = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (family == Family::IPv6) {
    auto* address = reinterpret_cast<sockaddr_in6*>(&storage);
    address->sin6_family = AF_INET6;
    address->sin6_addr = in6addr_loopback;
    length = sizeof *address;
  } else {
    auto* address = reinterpret_cast<sockaddr_in*>(&storage);
    address->sin_family = AF_INET;
    address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof *address;
  }
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0 || listen(listen_fd_, 4) != 0) {
    close(listen_fd_);
    throw std::runtime_error("bind or listen on the loopback address failed");
  }
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&storage), &length);
  port_ = family == Family::IPv6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port)
                                 : ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  thread_ = std::thread([this] { serve(); });
}

FakeRuntimeApi::~FakeRuntimeApi() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
}

std::string FakeRuntimeApi::endpoint() const {
  return (family_ == Family::IPv6 ? "[::1]:" : "127.0.0.1:") + std::to_string(port_);
}

void FakeRuntimeApi::enqueue(QueuedInvocation invocation) {
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(invocation));
}

std::vector<RecordedRequest> FakeRuntimeApi::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeRuntimeApi::serve() {
  while (!stopping_) {
    if (!wait_readable(listen_fd_, stopping_)) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    ++connections_accepted_;
    // Raw responses are sent in pieces that must leave as separate segments.
    int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    serve_connection(fd);
    close(fd);
  }
}

void FakeRuntimeApi::serve_connection(int fd) {
  std::string buffer;
  while (!stopping_) {
    if (!read_head(fd, buffer, stopping_)) return;
    std::size_t head_end = buffer.find("\r\n\r\n") + 4;
    RecordedRequest request = parse_head(buffer.substr(0, head_end));
    std::size_t body_size = request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
    if (!read_until_size(fd, buffer, head_end + body_size, stopping_)) return;
    request.body = buffer.substr(head_end, body_size);
    buffer.erase(0, head_end + body_size);

    auto [pieces, close_after] = respond(request);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (send(fd, pieces[i].data(), pieces[i].size(), MSG_NOSIGNAL) < 0) return;
    }
    if (close_after || close_after_each_) return;
  }
}

std::pair<std::vector<std::string>, bool> FakeRuntimeApi::respond(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (request.method == "GET" && request.path == "/2018-06-01/runtime/invocation/next") {
    if (queue_.empty()) return {{http_response(500, {}, R"({"errorMessage":"no more invocations"})")}, false};
    QueuedInvocation next = std::move(queue_.front());
    queue_.pop_front();
    if (!next.raw_pieces.empty()) return {std::move(next.raw_pieces), next.close_after};
    return {{http_response(next.status, next.headers, next.payload)}, next.close_after};
  }
  requests_.push_back(request);
  return {{http_response(post_status_, {}, R"({"status":"OK"})")}, false};
}

}  // namespace exifscrub::lambda::testing
