#include "lambda/runtime_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "fake_runtime_api.h"

namespace exifscrub::lambda {
namespace {

using testing::FakeRuntimeApi;
using testing::QueuedInvocation;

QueuedInvocation invocation(std::string payload) {
  return QueuedInvocation{{{"Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
                           {"Lambda-Runtime-Deadline-Ms", "1796416282123"},
                           {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:scrub"},
                           {"Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"}},
                          std::move(payload)};
}

TEST(RuntimeClient, NextReadsHeadersAndPayload) {
  FakeRuntimeApi api;
  api.enqueue(invocation(R"({"Records":[]})"));
  RuntimeClient client(api.endpoint());
  auto next = client.next();
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
  EXPECT_EQ(next->function_arn, "arn:aws:lambda:eu-west-1:123456789012:function:scrub");
  EXPECT_EQ(next->trace_id, "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(next->deadline.time_since_epoch()).count(),
            1796416282123);
  EXPECT_EQ(next->payload, R"({"Records":[]})");
}

TEST(RuntimeClient, NextWithoutTraceOrDeadline) {
  FakeRuntimeApi api;
  api.enqueue(QueuedInvocation{{{"Lambda-Runtime-Aws-Request-Id", "r1"}}, "{}"});
  RuntimeClient client(api.endpoint());
  auto next = client.next();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->trace_id, "");
  EXPECT_EQ(next->deadline.time_since_epoch().count(), 0);
}

TEST(RuntimeClient, NextWithoutRequestIdFails) {
  FakeRuntimeApi api;
  api.enqueue(QueuedInvocation{{}, "{}"});
  RuntimeClient client(api.endpoint());
  auto next = client.next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().status, 200);
  EXPECT_EQ(next.error().message, "GET http://" + api.endpoint() +
                                      "/2018-06-01/runtime/invocation/next returned no Lambda-Runtime-Aws-Request-Id header");
}

TEST(RuntimeClient, UnsafeRequestIdFails) {
  FakeRuntimeApi api;
  api.enqueue(QueuedInvocation{{{"Lambda-Runtime-Aws-Request-Id", "../init/error"}}, "{}"});
  RuntimeClient client(api.endpoint());
  auto next = client.next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().message,
            "Lambda-Runtime-Aws-Request-Id contains characters other than letters, digits, '-', '_' and '.'");
}

TEST(RuntimeClient, BadDeadlineFails) {
  FakeRuntimeApi api;
  api.enqueue(QueuedInvocation{{{"Lambda-Runtime-Aws-Request-Id", "r1"}, {"Lambda-Runtime-Deadline-Ms", "soon"}}, "{}"});
  RuntimeClient client(api.endpoint());
  auto next = client.next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().message, "Lambda-Runtime-Deadline-Ms \"soon\" is not a whole number of milliseconds");
}

TEST(RuntimeClient, NextErrorStatusFails) {
  FakeRuntimeApi api;
  RuntimeClient client(api.endpoint());
  auto next = client.next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().status, 500);
  EXPECT_EQ(next.error().message, "GET http://" + api.endpoint() + "/2018-06-01/runtime/invocation/next returned HTTP 500");
}

TEST(RuntimeClient, PostResponseSendsBody) {
  FakeRuntimeApi api;
  RuntimeClient client(api.endpoint());
  ASSERT_TRUE(client.post_response("r-1", R"({"batchItemFailures":[]})").ok());
  auto requests = api.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].path, "/2018-06-01/runtime/invocation/r-1/response");
  EXPECT_EQ(requests[0].body, R"({"batchItemFailures":[]})");
  EXPECT_EQ(requests[0].headers.count("lambda-runtime-function-error-type"), 0u);
}

TEST(RuntimeClient, PostErrorSendsTypeHeaderAndBody) {
  FakeRuntimeApi api;
  RuntimeClient client(api.endpoint());
  ASSERT_TRUE(client.post_error("r-2", "ObjectsFailed", "1 of 1 objects failed: 1 rejected (not_jpeg)").ok());
  auto requests = api.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/2018-06-01/runtime/invocation/r-2/error");
  EXPECT_EQ(requests[0].headers["lambda-runtime-function-error-type"], "ObjectsFailed");
  EXPECT_EQ(requests[0].body,
            R"json({"errorMessage":"1 of 1 objects failed: 1 rejected (not_jpeg)","errorType":"ObjectsFailed","stackTrace":[]})json");
}

TEST(RuntimeClient, PostInitError) {
  FakeRuntimeApi api;
  RuntimeClient client(api.endpoint());
  ASSERT_TRUE(client.post_init_error("InvalidConfiguration", "DEST_BUCKET is not set").ok());
  auto requests = api.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(requests[0].headers["lambda-runtime-function-error-type"], "InvalidConfiguration");
  EXPECT_EQ(requests[0].body,
            R"({"errorMessage":"DEST_BUCKET is not set","errorType":"InvalidConfiguration","stackTrace":[]})");
}

TEST(RuntimeClient, PostRejectedStatusFails) {
  FakeRuntimeApi api;
  api.set_post_status(413);
  RuntimeClient client(api.endpoint());
  auto posted = client.post_response("r-3", "{}");
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().status, 413);
  EXPECT_EQ(posted.error().message,
            "POST http://" + api.endpoint() + "/2018-06-01/runtime/invocation/r-3/response returned HTTP 413");
}

TEST(RuntimeClient, UnreachableEndpointFails) {
  RuntimeClient client("127.0.0.1:1");
  auto posted = client.post_init_error("InvalidConfiguration", "x");
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().status, 0);
  EXPECT_EQ(posted.error().message,
            "POST http://127.0.0.1:1/2018-06-01/runtime/init/error failed: Couldn't connect to server");
}

TEST(RuntimeClient, ConnectionIsKeptAlive) {
  FakeRuntimeApi api;
  api.enqueue(invocation("{}"));
  api.enqueue(invocation("{}"));
  RuntimeClient client(api.endpoint());
  ASSERT_TRUE(client.next().ok());
  ASSERT_TRUE(client.post_response("r-1", "{}").ok());
  ASSERT_TRUE(client.next().ok());
  EXPECT_EQ(api.connections_accepted(), 1);
}

TEST(RuntimeClient, ReconnectsAfterServerClosedConnection) {
  FakeRuntimeApi api;
  QueuedInvocation first = invocation(R"({"n":1})");
  first.close_after = true;
  api.enqueue(first);
  api.enqueue(invocation(R"({"n":2})"));
  RuntimeClient client(api.endpoint());

  auto first_next = client.next();
  ASSERT_TRUE(first_next.ok()) << first_next.error().message;
  auto second_next = client.next();
  ASSERT_TRUE(second_next.ok()) << second_next.error().message;

  EXPECT_EQ(first_next->payload, R"({"n":1})");
  EXPECT_EQ(second_next->payload, R"({"n":2})");
  EXPECT_EQ(api.connections_accepted(), 2);
}

TEST(RuntimeClient, PostsAfterServerClosedEachConnection) {
  FakeRuntimeApi api;
  api.set_close_after_each_response(true);
  RuntimeClient client(api.endpoint());
  ASSERT_TRUE(client.post_response("r-1", "{}").ok());
  ASSERT_TRUE(client.post_response("r-2", "{}").ok());
  auto requests = api.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].path, "/2018-06-01/runtime/invocation/r-2/response");
  EXPECT_EQ(api.connections_accepted(), 2);
}

TEST(RuntimeClient, ChunkedNextIsDecoded) {
  FakeRuntimeApi api;
  QueuedInvocation raw;
  raw.raw_pieces = {"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                    "5\r\n{\"Rec\r\n", "9;name=value\r\nords\":[]}\r\n", "0\r\nX-Trailer: 1\r\n\r\n"};
  api.enqueue(raw);
  api.enqueue(invocation("{}"));
  RuntimeClient client(api.endpoint());

  auto next = client.next();
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->request_id, "r-chunked");
  EXPECT_EQ(next->payload, R"({"Records":[]})");
  // The connection stays usable after a chunked body.
  EXPECT_TRUE(client.next().ok());
  EXPECT_EQ(api.connections_accepted(), 1);
}

TEST(RuntimeClient, HeadersSplitAcrossReads) {
  FakeRuntimeApi api;
  QueuedInvocation raw;
  raw.raw_pieces = {"HTTP/1.1 20", "0 OK\r\nLambda-Runtime-Aws-Req", "uest-Id: r-split\r\nCONTENT-length: 2\r\n\r",
                    "\n{", "}"};
  api.enqueue(raw);
  RuntimeClient client(api.endpoint());

  auto next = client.next();
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->request_id, "r-split");
  EXPECT_EQ(next->payload, "{}");
}

TEST(RuntimeClient, OversizeBodyIsRejected) {
  FakeRuntimeApi api;
  QueuedInvocation raw;
  raw.raw_pieces = {"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: 7340033\r\n\r\n"};
  api.enqueue(raw);
  RuntimeClient client(api.endpoint());

  auto next = client.next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().status, 0);
  EXPECT_EQ(next.error().message, "GET http://" + api.endpoint() +
                                      "/2018-06-01/runtime/invocation/next failed: response body of 7340033 bytes "
                                      "exceeds the limit of 7340032 bytes");
}

TEST(RuntimeClient, PayloadAtLambdaLimitIsRead) {
  FakeRuntimeApi api;
  const std::string payload = "\"" + std::string(6 * 1024 * 1024 - 2, 'x') + "\"";
  api.enqueue(invocation(payload));
  RuntimeClient client(api.endpoint());
  auto next = client.next();
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->payload, payload);
}

TEST(RuntimeClient, GarbageStatusLineIsRejected) {
  FakeRuntimeApi api;
  QueuedInvocation raw;
  raw.raw_pieces = {"SSH-2.0-OpenSSH_9.2\r\n\r\n"};
  api.enqueue(raw);
  api.enqueue(invocation("{}"));
  RuntimeClient client(api.endpoint());

  auto next = client.next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().status, 0);
  EXPECT_EQ(next.error().message, "GET http://" + api.endpoint() +
                                      "/2018-06-01/runtime/invocation/next failed: malformed status line "
                                      "\"SSH-2.0-OpenSSH_9.2\"");
  // The broken connection is dropped, and the next request uses a new one.
  auto again = client.next();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(api.connections_accepted(), 2);
}

TEST(RuntimeClient, IPv6LiteralEndpoint) {
  std::unique_ptr<FakeRuntimeApi> api;
  try {
    api = std::make_unique<FakeRuntimeApi>(FakeRuntimeApi::Family::IPv6);
  } catch (const std::runtime_error& error) {
    GTEST_SKIP() << "no IPv6 loopback on this host: " << error.what();
  }
  api->enqueue(invocation("{}"));
  RuntimeClient client(api->endpoint());
  auto next = client.next();
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
  ASSERT_TRUE(client.post_response(next->request_id, "{}").ok());
  EXPECT_EQ(api->requests().at(0).headers.at("host"), api->endpoint());
}

TEST(RuntimeClient, InvalidEndpointFails) {
  RuntimeClient client("localhost");
  auto posted = client.post_init_error("InvalidConfiguration", "x");
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.error().status, 0);
  EXPECT_EQ(posted.error().message,
            "POST http://localhost/2018-06-01/runtime/init/error failed: endpoint \"localhost\" is not host:port, "
            "such as 127.0.0.1:9001 or [::1]:9001");
}

}  // namespace
}  // namespace exifscrub::lambda
