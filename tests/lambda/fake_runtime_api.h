// A Runtime API served by the test itself on 127.0.0.1: it hands out queued
// invocations on GET .../invocation/next, records every other request, and
// responds 202 as Lambda does. When the queue is empty, /next returns 500 so
// the runtime loop under test stops.
//
// Serves one connection at a time with HTTP/1.1 keep-alive, which is what
// the runtime client uses; it is no general HTTP server. Tests of the
// client's HTTP parsing queue raw response bytes, sent in pieces, and can
// make the server close the connection after a response.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace exifscrub::lambda::testing {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct QueuedInvocation {
  std::map<std::string, std::string> headers;  // sent with the /next response
  std::string payload;
  int status = 200;
  // When not empty, sent instead of a response built from the fields above,
  // one piece per send() with a pause between pieces, so that the client
  // receives them in separate reads.
  std::vector<std::string> raw_pieces{};
  bool close_after = false;  // close the connection once this response is sent
};

class FakeRuntimeApi {
 public:
  enum class Family { IPv4, IPv6 };
  // Listens on 127.0.0.1, or on ::1 for Family::IPv6 (throws when the host
  // has no IPv6 loopback).
  explicit FakeRuntimeApi(Family family = Family::IPv4);
  ~FakeRuntimeApi();
  FakeRuntimeApi(const FakeRuntimeApi&) = delete;
  FakeRuntimeApi& operator=(const FakeRuntimeApi&) = delete;

  std::string endpoint() const;  // "127.0.0.1:PORT" or "[::1]:PORT"
  void enqueue(QueuedInvocation invocation);
  // Makes every POST respond with status instead of 202.
  void set_post_status(int status) { post_status_ = status; }
  // Makes the server close the connection after every response.
  void set_close_after_each_response(bool close) { close_after_each_ = close; }
  std::vector<RecordedRequest> requests() const;
  int connections_accepted() const { return connections_accepted_; }

 private:
  void serve();
  void serve_connection(int fd);
  // Returns the response pieces and whether to close the connection after them.
  std::pair<std::vector<std::string>, bool> respond(const RecordedRequest& request);

  int listen_fd_ = -1;
  int port_ = 0;
  Family family_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> post_status_{202};
  std::atomic<bool> close_after_each_{false};
  std::atomic<int> connections_accepted_{0};
  mutable std::mutex mutex_;
  std::deque<QueuedInvocation> queue_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

}  // namespace exifscrub::lambda::testing
