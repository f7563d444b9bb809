#include "lambda/handler.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "fake_processor.h"

namespace exifscrub::lambda {
namespace {

using nlohmann::json;
using pipeline::Outcome;
using std::chrono::milliseconds;
using testing::FakeProcessor;
using testing::ManualClock;

json s3_record(const std::string& bucket, const std::string& key, const std::string& name = "ObjectCreated:Put") {
  return {{"eventVersion", "2.1"},
          {"eventSource", "aws:s3"},
          {"eventName", name},
          {"s3", {{"bucket", {{"name", bucket}}}, {"object", {{"key", key}, {"size", 10}, {"sequencer", "01"}}}}}};
}

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(json::parse(line));
  return lines;
}

class HandlerTest : public ::testing::Test {
 protected:
  HandlerTest() {
    config_.dest_bucket = "photos-b";
    config_.deadline_margin = milliseconds(2000);
    config_.deadline_margin_percent = 10;
  }

  Reply run(const json& payload, FakeProcessor& processor, milliseconds budget = milliseconds(60000)) {
    Logger logger(out_, LogLevel::Debug, "exifscrub-test", [this] { return clock_.now(); });
    logger.set_invocation("req-1", "Root=1-abc");
    Handler handler(config_, logger, [this] { return clock_.now(); });
    InvocationContext context{"req-1", "Root=1-abc", "arn:aws:lambda:eu-west-1:1:function:f", clock_.now() + budget,
                              clock_.now()};
    return handler.handle(payload.dump(), context, processor);
  }

  std::vector<json> object_lines() const {
    std::vector<json> found;
    for (auto& line : parse_lines(out_.str())) {
      if (line.contains("outcome") && !line.contains("_aws")) found.push_back(line);
    }
    return found;
  }

  Config config_;
  ManualClock clock_;
  std::ostringstream out_;
};

TEST_F(HandlerTest, EveryRecordProcessed) {
  FakeProcessor processor;
  Reply reply = run({{"Records", {s3_record("photos-a", "a.jpg"), s3_record("photos-a", "b.JPEG")}}}, processor);
  EXPECT_FALSE(reply.is_error);
  EXPECT_EQ(reply.body, R"({"status":"succeeded","objects":2,"outcomes":{"scrubbed":2}})");
  auto events = processor.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].key, "a.jpg");
  EXPECT_EQ(events[1].key, "b.JPEG");
}

TEST_F(HandlerTest, NonJpegKeysSkippedBeforeProcessor) {
  FakeProcessor processor;
  Reply reply = run({{"Records", {s3_record("photos-a", "notes.txt"), s3_record("photos-a", "photo.jpg.png"),
                                  s3_record("photos-a", "deep/a/b/c/IMG.Jpg")}}},
                    processor);
  EXPECT_EQ(reply.body, R"({"status":"succeeded","objects":3,"outcomes":{"skipped":2,"scrubbed":1}})");
  ASSERT_EQ(processor.events().size(), 1u);
  EXPECT_EQ(processor.events()[0].key, "deep/a/b/c/IMG.Jpg");
  auto lines = object_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["message"], "key does not end in .jpg or .jpeg");
  EXPECT_EQ(lines[0]["outcome"], "skipped");
  EXPECT_EQ(lines[0]["level"], "info");
}

TEST_F(HandlerTest, DestinationBucketNeverProcessed) {
  FakeProcessor processor;
  Reply reply = run({{"Records", {s3_record("photos-b", "a.jpg")}}}, processor);
  EXPECT_TRUE(processor.events().empty());
  EXPECT_TRUE(reply.is_error);
  EXPECT_EQ(reply.error_type, "ObjectsFailed");
  EXPECT_EQ(reply.error_message, "1 of 1 objects failed: 1 rejected (recursion_guard)");
  auto lines = object_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["message"],
            "event names the destination bucket photos-b; the function never processes its own output; remove this "
            "bucket's notification to the function");
  EXPECT_EQ(lines[0]["level"], "warn");
}

TEST_F(HandlerTest, UnexpectedSourceBucketRejected) {
  config_.source_bucket = "photos-a";
  FakeProcessor processor;
  Reply reply = run({{"Records", {s3_record("other", "a.jpg")}}}, processor);
  EXPECT_TRUE(processor.events().empty());
  EXPECT_EQ(reply.error_message, "1 of 1 objects failed: 1 rejected (unexpected_bucket)");
  EXPECT_EQ(object_lines().at(0)["message"], "event names bucket other but SOURCE_BUCKET is photos-a");
}

TEST_F(HandlerTest, DeadlineStopsNewObjects) {
  // A 10 s budget gives a margin of max(2000, 1000) = 2000 ms. Each object
  // takes 3 s of the manual clock, so objects start with 10, 7 and 4 s left.
  // The fourth would start with 1 s left.
  FakeProcessor processor(&clock_, milliseconds(3000));
  json records = json::array();
  for (const char* key : {"1.jpg", "2.jpg", "3.jpg", "4.jpg", "5.jpg"}) records.push_back(s3_record("photos-a", key));
  Reply reply = run({{"Records", records}}, processor, milliseconds(10000));
  ASSERT_EQ(processor.events().size(), 3u);
  EXPECT_TRUE(reply.is_error);
  EXPECT_EQ(reply.error_message, "2 of 5 objects failed: 2 failed (deadline_exceeded)");
  auto lines = object_lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[3]["message"],
            "not started: 1000 ms left before the invocation deadline, less than the 2000 ms safety margin");
  EXPECT_EQ(lines[3]["level"], "error");
  EXPECT_EQ(lines[4]["message"],
            "not started: 1000 ms left before the invocation deadline, less than the 2000 ms safety margin");
}

TEST_F(HandlerTest, SafetyMarginUsesPercentOfBudget) {
  Logger logger(out_, LogLevel::Info, "f", [this] { return clock_.now(); });
  Handler handler(config_, logger, [this] { return clock_.now(); });
  InvocationContext context;
  context.received = clock_.now();
  context.deadline = clock_.now() + milliseconds(900000);
  EXPECT_EQ(handler.safety_margin(context).count(), 90000);
  context.deadline = clock_.now() + milliseconds(3000);
  EXPECT_EQ(handler.safety_margin(context).count(), 2000);
}

TEST_F(HandlerTest, SqsDeadlineFailsRemainingMessages) {
  FakeProcessor processor(&clock_, milliseconds(9000));
  json body = {{"Records", {s3_record("photos-a", "a.jpg")}}};
  json payload = {{"Records",
                   {{{"messageId", "m1"}, {"eventSource", "aws:sqs"}, {"body", body.dump()}},
                    {{"messageId", "m2"}, {"eventSource", "aws:sqs"}, {"body", body.dump()}}}}};
  Reply reply = run(payload, processor, milliseconds(10000));
  EXPECT_EQ(processor.events().size(), 1u);
  EXPECT_EQ(reply.body, R"({"batchItemFailures":[{"itemIdentifier":"m2"}]})");
}

TEST_F(HandlerTest, ProcessorOutcomesShapeSqsReply) {
  FakeProcessor processor;
  pipeline::ObjectOutcome rejected;
  rejected.outcome = Outcome::Rejected;
  rejected.error_kind = "not_jpeg";
  rejected.message = "no SOI marker at offset 0";
  processor.script("bad.jpg", rejected);
  auto message = [](const char* id, std::initializer_list<json> records) {
    return json{{"messageId", id}, {"eventSource", "aws:sqs"}, {"body", json{{"Records", records}}.dump()}};
  };
  json payload = {{"Records",
                   {message("m1", {s3_record("photos-a", "ok.jpg")}),
                    message("m2", {s3_record("photos-a", "ok2.jpg"), s3_record("photos-a", "bad.jpg")}),
                    json{{"messageId", "m3"}, {"eventSource", "aws:sqs"}, {"body", "garbage"}}}}};
  Reply reply = run(payload, processor);
  EXPECT_EQ(reply.body, R"({"batchItemFailures":[{"itemIdentifier":"m2"},{"itemIdentifier":"m3"}]})");
  EXPECT_EQ(processor.events().size(), 3u);
}

TEST_F(HandlerTest, InvalidEventIsInvocationError) {
  FakeProcessor processor;
  Logger logger(out_, LogLevel::Info, "f", [this] { return clock_.now(); });
  Handler handler(config_, logger, [this] { return clock_.now(); });
  Reply reply = handler.handle("{oops", InvocationContext{}, processor);
  EXPECT_TRUE(reply.is_error);
  EXPECT_EQ(reply.error_type, "InvalidEvent");
  EXPECT_EQ(reply.error_message, "event is not valid JSON: syntax error at byte offset 1");
  auto lines = parse_lines(out_.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["level"], "error");
  EXPECT_EQ(lines[0]["message"], "invalid event: event is not valid JSON: syntax error at byte offset 1");
}

TEST_F(HandlerTest, TestEventProcessesNothing) {
  FakeProcessor processor;
  Reply reply = run({{"Service", "Amazon S3"}, {"Event", "s3:TestEvent"}, {"Bucket", "photos-a"}}, processor);
  EXPECT_FALSE(reply.is_error);
  EXPECT_EQ(reply.body, R"({"status":"succeeded","objects":0,"outcomes":{}})");
  EXPECT_TRUE(processor.events().empty());
}

TEST_F(HandlerTest, BatchOperationsTasksProcessed) {
  FakeProcessor processor;
  json payload = {{"invocationSchemaVersion", "1.0"},
                  {"invocationId", "inv"},
                  {"job", {{"id", "job-1"}}},
                  {"tasks",
                   {{{"taskId", "t1"}, {"s3Key", "a%20b.jpg"}, {"s3BucketArn", "arn:aws:s3:::photos-a"}},
                    {{"taskId", "t2"}, {"s3Key", "c.png"}, {"s3BucketArn", "arn:aws:s3:::photos-a"}}}}};
  Reply reply = run(payload, processor);
  EXPECT_EQ(reply.body,
            R"({"invocationSchemaVersion":"1.0","treatMissingKeysAs":"PermanentFailure","invocationId":"inv",)"
            R"("results":[{"taskId":"t1","resultCode":"Succeeded","resultString":"scrubbed"},)"
            R"({"taskId":"t2","resultCode":"Succeeded","resultString":"skipped: key does not end in .jpg or .jpeg"}]})");
  ASSERT_EQ(processor.events().size(), 1u);
  EXPECT_EQ(processor.events()[0].key, "a b.jpg");
}

TEST(JpegSuffix, AnyCase) {
  EXPECT_TRUE(has_jpeg_suffix("a.jpg"));
  EXPECT_TRUE(has_jpeg_suffix("a.JPG"));
  EXPECT_TRUE(has_jpeg_suffix("a.JpEg"));
  EXPECT_TRUE(has_jpeg_suffix(".jpeg"));
  EXPECT_FALSE(has_jpeg_suffix("a.jpe"));
  EXPECT_FALSE(has_jpeg_suffix("a.jpg "));
  EXPECT_FALSE(has_jpeg_suffix("jpg"));
  EXPECT_FALSE(has_jpeg_suffix("a.jpg/"));
}

}  // namespace
}  // namespace exifscrub::lambda
