// A Runtime API served by the test itself on 127.0.0.1: it hands out queued
// invocations on GET .../invocation/next, records every other request, and
// responds 202 as Lambda does. When the queue is empty, /next returns 500 so
// the runtime loop under test stops.
//
// Serves one connection at a time with HTTP/1.1 keep-alive, which is what
// the runtime client uses; it is no general HTTP server.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
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
};

class FakeRuntimeApi {
 public:
  FakeRuntimeApi();
  ~FakeRuntimeApi();
  FakeRuntimeApi(const FakeRuntimeApi&) = delete;
  FakeRuntimeApi& operator=(const FakeRuntimeApi&) = delete;

  std::string endpoint() const;  // "127.0.0.1:PORT"
  void enqueue(QueuedInvocation invocation);
  // Makes every POST respond with status instead of 202.
  void set_post_status(int status) { post_status_ = status; }
  std::vector<RecordedRequest> requests() const;

 private:
  void serve();
  void serve_connection(int fd);
  std::string respond(const RecordedRequest& request);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> post_status_{202};
  mutable std::mutex mutex_;
  std::deque<QueuedInvocation> queue_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

}  // namespace exifscrub::lambda::testing
