#include "lambda/runtime_loop.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

#include "fake_processor.h"
#include "fake_runtime_api.h"

namespace exifscrub::lambda {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FakeProcessor;
using testing::FakeRuntimeApi;
using testing::QueuedInvocation;

std::string s3_event(std::initializer_list<const char*> keys) {
  json records = json::array();
  for (const char* key : keys) {
    records.push_back({{"eventVersion", "2.1"},
                       {"eventSource", "aws:s3"},
                       {"eventName", "ObjectCreated:Put"},
                       {"s3", {{"bucket", {{"name", "photos-a"}}}, {"object", {{"key", key}}}}}});
  }
  return json{{"Records", records}}.dump();
}

QueuedInvocation invocation(const std::string& id, const std::string& payload, const std::string& trace = "",
                            std::int64_t deadline_ms = 0) {
  QueuedInvocation queued{{{"Lambda-Runtime-Aws-Request-Id", id},
                           {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:1:function:scrub"}},
                          payload};
  if (!trace.empty()) queued.headers["Lambda-Runtime-Trace-Id"] = trace;
  if (deadline_ms != 0) queued.headers["Lambda-Runtime-Deadline-Ms"] = std::to_string(deadline_ms);
  return queued;
}

// Records what each invocation's processor saw: the trace id handed to the
// factory and the _X_AMZN_TRACE_ID environment variable during process().
class TraceRecordingProcessor : public pipeline::ObjectProcessor {
 public:
  TraceRecordingProcessor(std::vector<std::string>& seen) : seen_(seen) {}
  pipeline::ObjectOutcome process(const pipeline::ObjectEvent&) override {
    const char* value = std::getenv("_X_AMZN_TRACE_ID");
    seen_.push_back(value == nullptr ? "<unset>" : value);
    pipeline::ObjectOutcome outcome;
    outcome.outcome = pipeline::Outcome::Scrubbed;
    return outcome;
  }

 private:
  std::vector<std::string>& seen_;
};

class RuntimeLoopTest : public ::testing::Test {
 protected:
  RuntimeOptions options(std::map<std::string, std::string> extra = {}) {
    env_ = {{"AWS_LAMBDA_RUNTIME_API", api_.endpoint()}, {"DEST_BUCKET", "photos-b"}, {"AWS_LAMBDA_FUNCTION_NAME", "scrub"}};
    for (auto& [name, value] : extra) env_[name] = value;
    RuntimeOptions result;
    result.env = [this](const char* name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    result.out = &out_;
    result.next_attempts = 1;
    return result;
  }

  std::vector<json> log_lines() const {
    std::vector<json> lines;
    std::istringstream in(out_.str());
    std::string line;
    while (std::getline(in, line)) lines.push_back(json::parse(line));
    return lines;
  }

  FakeRuntimeApi api_;
  std::map<std::string, std::string> env_;
  std::ostringstream out_;
};

TEST_F(RuntimeLoopTest, ResponsesAndErrorsPosted) {
  api_.enqueue(invocation("req-1", s3_event({"a.jpg"})));
  api_.enqueue(invocation("req-2", s3_event({"b.jpg", "bad.jpg"})));
  api_.enqueue(invocation("req-3", "not json"));
  auto processor = std::make_shared<FakeProcessor>();
  pipeline::ObjectOutcome rejected;
  rejected.outcome = pipeline::Outcome::Rejected;
  rejected.error_kind = "not_jpeg";
  processor->script("bad.jpg", rejected);

  struct Forwarder : pipeline::ObjectProcessor {
    std::shared_ptr<FakeProcessor> target;
    pipeline::ObjectOutcome process(const pipeline::ObjectEvent& event) override { return target->process(event); }
  };
  int code = run_runtime_loop(
      [processor](const Config&, const InvocationContext&) -> Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string> {
        auto forwarder = std::make_unique<Forwarder>();
        forwarder->target = processor;
        return std::unique_ptr<pipeline::ObjectProcessor>(std::move(forwarder));
      },
      options());
  EXPECT_EQ(code, 1);

  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].path, "/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(requests[0].body, R"({"status":"succeeded","objects":1,"outcomes":{"scrubbed":1}})");
  EXPECT_EQ(requests[1].path, "/2018-06-01/runtime/invocation/req-2/error");
  EXPECT_EQ(requests[1].headers["lambda-runtime-function-error-type"], "ObjectsFailed");
  EXPECT_EQ(requests[1].body,
            R"json({"errorMessage":"1 of 2 objects failed: 1 rejected (not_jpeg)","errorType":"ObjectsFailed","stackTrace":[]})json");
  EXPECT_EQ(requests[2].path, "/2018-06-01/runtime/invocation/req-3/error");
  EXPECT_EQ(requests[2].headers["lambda-runtime-function-error-type"], "InvalidEvent");
  EXPECT_EQ(processor->events().size(), 3u);

  auto lines = log_lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front()["message"], "runtime started");
  EXPECT_EQ(lines.front()["dest_bucket"], "photos-b");
  EXPECT_EQ(lines.back()["message"], "stopping: the Runtime API failed 1 times in a row");
}

TEST_F(RuntimeLoopTest, TraceIdReachesProcessor) {
  api_.enqueue(invocation("req-1", s3_event({"a.jpg"}), "Root=1-aaaa;Sampled=1"));
  api_.enqueue(invocation("req-2", s3_event({"b.jpg"})));
  std::vector<std::string> factory_traces;
  std::vector<std::string> env_traces;
  run_runtime_loop(
      [&](const Config&, const InvocationContext& context) -> Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string> {
        factory_traces.push_back(context.trace_id);
        return std::unique_ptr<pipeline::ObjectProcessor>(std::make_unique<TraceRecordingProcessor>(env_traces));
      },
      options());
  EXPECT_EQ(factory_traces, (std::vector<std::string>{"Root=1-aaaa;Sampled=1", ""}));
  EXPECT_EQ(env_traces, (std::vector<std::string>{"Root=1-aaaa;Sampled=1", "<unset>"}));
  auto lines = log_lines();
  bool found = false;
  for (const auto& line : lines) {
    if (line.value("key", "") == "a.jpg") {
      found = true;
      EXPECT_EQ(line["request_id"], "req-1");
      EXPECT_EQ(line["trace_id"], "Root=1-aaaa;Sampled=1");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(RuntimeLoopTest, MissingConfigurationPostsInitError) {
  auto opts = options();
  env_.erase("DEST_BUCKET");
  api_.enqueue(invocation("req-1", s3_event({"a.jpg"})));
  bool factory_called = false;
  int code = run_runtime_loop(
      [&](const Config&, const InvocationContext&) -> Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string> {
        factory_called = true;
        return std::string("unused");
      },
      opts);
  EXPECT_EQ(code, 1);
  EXPECT_FALSE(factory_called);
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(requests[0].headers["lambda-runtime-function-error-type"], "InvalidConfiguration");
  EXPECT_EQ(requests[0].body,
            R"({"errorMessage":"DEST_BUCKET is not set; set it to the name of the bucket that receives scrubbed copies",)"
            R"("errorType":"InvalidConfiguration","stackTrace":[]})");
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["level"], "error");
  EXPECT_EQ(lines[0]["variable"], "DEST_BUCKET");
}

TEST_F(RuntimeLoopTest, InvalidValueNamesVariable) {
  auto opts = options({{"ORIENTATION", "sideways"}});
  run_runtime_loop(
      [](const Config&, const InvocationContext&) -> Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string> {
        return std::string("unused");
      },
      opts);
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body,
            R"({"errorMessage":"ORIENTATION=\"sideways\" is invalid; expected apply, keep-tag or drop",)"
            R"("errorType":"InvalidConfiguration","stackTrace":[]})");
}

TEST_F(RuntimeLoopTest, MissingRuntimeApiExits) {
  auto opts = options();
  env_.erase("AWS_LAMBDA_RUNTIME_API");
  int code = run_runtime_loop(
      [](const Config&, const InvocationContext&) -> Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string> {
        return std::string("unused");
      },
      opts);
  EXPECT_EQ(code, 1);
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["message"], "AWS_LAMBDA_RUNTIME_API is not set; run the bootstrap inside Lambda or the emulator");
}

TEST_F(RuntimeLoopTest, FactoryFailureFailsInvocation) {
  api_.enqueue(invocation("req-1", s3_event({"a.jpg"})));
  run_runtime_loop(
      [](const Config&, const InvocationContext&) -> Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string> {
        return std::string("no credentials found in the environment");
      },
      options());
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/2018-06-01/runtime/invocation/req-1/error");
  EXPECT_EQ(requests[0].headers["lambda-runtime-function-error-type"], "ProcessorUnavailable");
}

TEST_F(RuntimeLoopTest, DeadlineReportsRemainingObjectsFailed) {
  // 1.5 s to the deadline with a 1 s margin: the first object starts, takes
  // 0.7 s, and the other two would start with about 0.8 s left.
  auto deadline = std::chrono::system_clock::now() + milliseconds(1500);
  auto deadline_ms = std::chrono::duration_cast<milliseconds>(deadline.time_since_epoch()).count();
  api_.enqueue(invocation("req-1", s3_event({"1.jpg", "2.jpg", "3.jpg"}), "", deadline_ms));
  auto processor = std::make_shared<FakeProcessor>(nullptr, milliseconds(0), milliseconds(700));
  struct Forwarder : pipeline::ObjectProcessor {
    std::shared_ptr<FakeProcessor> target;
    pipeline::ObjectOutcome process(const pipeline::ObjectEvent& event) override { return target->process(event); }
  };
  run_runtime_loop(
      [processor](const Config&, const InvocationContext&) -> Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string> {
        auto forwarder = std::make_unique<Forwarder>();
        forwarder->target = processor;
        return std::unique_ptr<pipeline::ObjectProcessor>(std::move(forwarder));
      },
      options({{"DEADLINE_MARGIN_MS", "1000"}, {"DEADLINE_MARGIN_PERCENT", "0"}}));
  ASSERT_EQ(processor->events().size(), 1u);
  EXPECT_EQ(processor->events()[0].key, "1.jpg");
  auto requests = api_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/2018-06-01/runtime/invocation/req-1/error");
  EXPECT_EQ(requests[0].body,
            R"json({"errorMessage":"2 of 3 objects failed: 2 failed (deadline_exceeded)","errorType":"ObjectsFailed","stackTrace":[]})json");
}

}  // namespace
}  // namespace exifscrub::lambda
