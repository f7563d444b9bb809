// Measures the Runtime API exchange that every warm invocation makes: one
// GET /invocation/next and one POST of the response, through
// lambda::RuntimeClient against the loopback server of the lambda tests.
// The server is a C++ thread in this process, so the figure is the client's
// cost plus two loopback round trips, not the Lambda service's.
//
// Does not assert timings; docs/benchmarks.md records the figures.
#include <benchmark/benchmark.h>

#include <string>

#include "fake_runtime_api.h"
#include "lambda/runtime_client.h"

namespace {

using exifscrub::lambda::RuntimeClient;
using exifscrub::lambda::testing::FakeRuntimeApi;
using exifscrub::lambda::testing::QueuedInvocation;

// An S3 notification of typical size for one object.
std::string notification(std::size_t key_bytes) {
  return R"({"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",)"
         R"("eventTime":"2026-12-04T20:00:00.000Z","eventName":"ObjectCreated:Put",)"
         R"("s3":{"s3SchemaVersion":"1.0","bucket":{"name":"photos-a"},"object":{"key":")" +
         std::string(key_bytes, 'k') +
         R"(","size":4081040,"eTag":"0123456789abcdef0123456789abcdef","sequencer":"0055AED6DCD90281E5"}}}]})";
}

QueuedInvocation invocation(const std::string& payload) {
  QueuedInvocation queued;
  queued.headers = {{"Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
                    {"Lambda-Runtime-Deadline-Ms", "1796416282123"},
                    {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:scrub"},
                    {"Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"}};
  queued.payload = payload;
  return queued;
}

// Argument: the object key length in bytes, which sets the payload size.
void BM_NextAndPostResponse(benchmark::State& state) {
  FakeRuntimeApi api;
  RuntimeClient client(api.endpoint());
  const QueuedInvocation queued = invocation(notification(static_cast<std::size_t>(state.range(0))));
  const std::string reply = R"({"batchItemFailures":[]})";

  for (auto _ : state) {
    state.PauseTiming();
    api.enqueue(queued);
    state.ResumeTiming();

    auto next = client.next();
    if (!next.ok()) {
      state.SkipWithError(next.error().message.c_str());
      break;
    }
    auto posted = client.post_response(next->request_id, reply);
    if (!posted.ok()) {
      state.SkipWithError(posted.error().message.c_str());
      break;
    }
  }
  state.counters["connections"] = api.connections_accepted();
}
BENCHMARK(BM_NextAndPostResponse)->Arg(64)->Arg(1024)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
