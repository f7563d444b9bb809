// The Runtime API's HTTP/1.1 connection against raw responses from the
// test's own loopback server: framing, limits and malformed responses.
#include "lambda/http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_runtime_api.h"

namespace exifscrub::lambda {
namespace {

using std::chrono::milliseconds;
using testing::FakeRuntimeApi;
using testing::QueuedInvocation;

constexpr milliseconds kTimeout{10000};

HttpRequest get_next() { return HttpRequest{"GET", "/2018-06-01/runtime/invocation/next", {}, nullptr}; }

QueuedInvocation raw(std::vector<std::string> pieces, bool close_after = false) {
  QueuedInvocation queued;
  queued.raw_pieces = std::move(pieces);
  queued.close_after = close_after;
  return queued;
}

// Sends one GET /next whose response is pieces and returns the error message,
// or "ok" when the response was accepted.
std::string error_for(std::vector<std::string> pieces, HttpLimits limits = {}) {
  FakeRuntimeApi api;
  api.enqueue(raw(std::move(pieces)));
  HttpConnection connection(api.endpoint(), limits);
  auto response = connection.send(get_next(), kTimeout);
  return response.ok() ? "ok" : response.error().message;
}

TEST(SplitEndpoint, AcceptedForms) {
  using HostPort = std::pair<std::string, std::string>;
  auto v4 = split_endpoint("127.0.0.1:9001");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4.value(), HostPort("127.0.0.1", "9001"));
  auto v6 = split_endpoint("[::1]:65535");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6.value(), HostPort("::1", "65535"));
  auto name = split_endpoint("localhost:1");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name.value(), HostPort("localhost", "1"));
}

TEST(SplitEndpoint, RejectedForms) {
  for (const char* endpoint : {"", "localhost", ":9001", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                               "127.0.0.1:90x1", "::1:9001", "[::1]9001", "[::1]:", "[]:9001", "[::1"}) {
    auto parts = split_endpoint(endpoint);
    ASSERT_FALSE(parts.ok()) << endpoint;
    EXPECT_EQ(parts.error().message,
              "endpoint \"" + std::string(endpoint) + "\" is not host:port, such as 127.0.0.1:9001 or [::1]:9001");
  }
}

TEST(HttpConnection, ContentLengthBody) {
  FakeRuntimeApi api;
  api.enqueue(raw({"HTTP/1.1 200 OK\r\nX-One: a\r\nx-one: b\r\nContent-Length: 3\r\n\r\nabc"}));
  HttpConnection connection(api.endpoint());
  auto response = connection.send(get_next(), kTimeout);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->headers.at("x-one"), "a, b");
  EXPECT_EQ(response->body, "abc");
}

TEST(HttpConnection, BodyUntilCloseWithoutLength) {
  FakeRuntimeApi api;
  api.enqueue(raw({"HTTP/1.1 200 OK\r\n\r\n", "to the end"}, true));
  api.enqueue(raw({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}));
  HttpConnection connection(api.endpoint());
  auto response = connection.send(get_next(), kTimeout);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->body, "to the end");
  ASSERT_TRUE(connection.send(get_next(), kTimeout).ok());
  EXPECT_EQ(connection.connections_opened(), 2);
}

TEST(HttpConnection, ConnectionCloseHeaderEndsConnection) {
  FakeRuntimeApi api;
  api.enqueue(raw({"HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n"}));
  api.enqueue(raw({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}));
  HttpConnection connection(api.endpoint());
  ASSERT_TRUE(connection.send(get_next(), kTimeout).ok());
  ASSERT_TRUE(connection.send(get_next(), kTimeout).ok());
  EXPECT_EQ(connection.connections_opened(), 2);
}

TEST(HttpConnection, InterimResponseIsSkipped) {
  FakeRuntimeApi api;
  api.enqueue(raw({"HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok"}));
  HttpConnection connection(api.endpoint());
  auto response = connection.send(get_next(), kTimeout);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->body, "ok");
}

TEST(HttpConnection, StatusLinesRejected) {
  // Each status line and how the error message quotes it.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"HTTP/1.1 2OO OK", "HTTP/1.1 2OO OK"}, {"HTTP/2 200 OK", "HTTP/2 200 OK"},
      {"HTTP/1.1 200OK", "HTTP/1.1 200OK"},   {"HTTP/1.1 099 Low", "HTTP/1.1 099 Low"},
      {"http/1.1 200 OK", "http/1.1 200 OK"}, {"HTTP/1.1  200 OK", "HTTP/1.1  200 OK"},
      {"", ""},                               {"\x16\x03\x01", "???"}};
  for (const auto& [line, quoted] : cases) {
    EXPECT_EQ(error_for({line + "\r\nContent-Length: 0\r\n\r\n"}), "malformed status line \"" + quoted + "\"")
        << quoted;
  }
}

TEST(HttpConnection, LongStatusLineIsCutInMessage) {
  const std::string line(100, 'A');
  EXPECT_EQ(error_for({line + "\r\n\r\n"}), "malformed status line \"" + std::string(64, 'A') + "...\"");
}

TEST(HttpConnection, MalformedHeaderLineRejected) {
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"}), "malformed header line \"no colon here\"");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"}), "malformed header line \"Bad Name: x\"");
  // Obsolete line folding: a continuation line starts with whitespace.
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n"}), "malformed header line \"  folded\"");
}

TEST(HttpConnection, ContentLengthChecks) {
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"}), "invalid Content-Length \"-1\"");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n"}), "invalid Content-Length \"1, 2\"");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"}),
            "conflicting Content-Length headers");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab"}), "ok");
}

TEST(HttpConnection, BodyLimitApplies) {
  HttpLimits limits;
  limits.max_body_bytes = 8;
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n12345678"}, limits), "ok");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n123456789"}, limits),
            "response body of 9 bytes exceeds the limit of 8 bytes");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\n12345\r\n", "4\r\n6789\r\n0\r\n\r\n"},
                      limits),
            "chunked response body exceeds the limit of 8 bytes");
}

TEST(HttpConnection, HeaderLimitApplies) {
  HttpLimits limits;
  limits.max_header_bytes = 64;
  const std::string fits = "HTTP/1.1 200 OK\r\nX-Pad: " + std::string(17, 'p') + "\r\nContent-Length: 0\r\n\r\n";
  ASSERT_EQ(fits.size(), 64u);
  EXPECT_EQ(error_for({fits}, limits), "ok");
  const std::string over = "HTTP/1.1 200 OK\r\nX-Pad: " + std::string(18, 'p') + "\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(error_for({over}, limits), "response headers exceed the limit of 64 bytes");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nX-Endless: " + std::string(200, 'e')}, limits),
            "response headers exceed the limit of 64 bytes");
}

TEST(HttpConnection, ChunkedFramingChecks) {
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}), "invalid chunk size line \"zz\"");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n"}), "invalid chunk size line \"\"");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"}),
            "chunk of 3 bytes is not followed by CRLF");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"}),
            "unsupported Transfer-Encoding \"gzip, chunked\"; only chunked is accepted");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n0\r\n\r\n"}),
            "response has both Transfer-Encoding and Content-Length");
  EXPECT_EQ(error_for({"HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"}), "ok");
}

TEST(HttpConnection, ClosedMidBodyIsReported) {
  FakeRuntimeApi api;
  const std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  api.enqueue(raw({partial}, true));
  HttpConnection connection(api.endpoint());
  auto response = connection.send(get_next(), kTimeout);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().message,
            "connection closed by the server after " + std::to_string(partial.size()) + " bytes of the response");
}

TEST(HttpConnection, NewConnectionClosedIsNotRetried) {
  FakeRuntimeApi api;
  api.enqueue(raw({""}, true));
  api.enqueue(raw({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}));
  HttpConnection connection(api.endpoint());
  auto response = connection.send(get_next(), kTimeout);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().message, "connection closed by the server after 0 bytes of the response");
  EXPECT_EQ(connection.connections_opened(), 1);
}

TEST(HttpConnection, PostSendsBodyAndHeaders) {
  FakeRuntimeApi api;
  HttpConnection connection(api.endpoint());
  const std::string body(300000, 'b');
  HttpRequest request{"POST", "/2018-06-01/runtime/invocation/r-9/response", {{"Content-Type", "application/json"}}, &body};
  auto response = connection.send(request, kTimeout);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 202);
  auto requests = api.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, body);
  EXPECT_EQ(requests[0].headers["content-length"], "300000");
  EXPECT_EQ(requests[0].headers["content-type"], "application/json");
  EXPECT_EQ(requests[0].headers["host"], api.endpoint());
}

// A listener that never accepts: the kernel completes the handshake, so the
// request is sent, but no response ever comes.
TEST(HttpConnection, ResponseTimeout) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);

  HttpConnection connection("127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
  auto response = connection.send(get_next(), milliseconds(200));
  close(listener);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().message, "no complete response within the timeout (0 bytes received)");
}

}  // namespace
}  // namespace exifscrub::lambda
