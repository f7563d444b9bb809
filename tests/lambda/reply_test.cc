#include "lambda/reply.h"

#include <gtest/gtest.h>

namespace exifscrub::lambda {
namespace {

using pipeline::ObjectOutcome;
using pipeline::Outcome;

ObjectOutcome outcome(Outcome value, std::string kind = "", std::string message = "") {
  ObjectOutcome result;
  result.outcome = value;
  result.error_kind = std::move(kind);
  result.message = std::move(message);
  return result;
}

Envelope envelope_with(EnvelopeKind kind, std::vector<std::string> ids) {
  Envelope envelope;
  envelope.kind = kind;
  for (auto& id : ids) envelope.units.push_back(ReportUnit{id, {DecodedRecord{}}});
  return envelope;
}

TEST(Reply, S3SuccessSummary) {
  Envelope envelope = envelope_with(EnvelopeKind::S3Notification, {""});
  Reply reply = shape_reply(envelope, {{outcome(Outcome::Scrubbed), outcome(Outcome::Skipped), outcome(Outcome::Stale),
                                        outcome(Outcome::Scrubbed)}},
                            BatchResultCode::PermanentFailure);
  EXPECT_FALSE(reply.is_error);
  EXPECT_EQ(reply.body, R"({"status":"succeeded","objects":4,"outcomes":{"scrubbed":2,"skipped":1,"stale":1}})");
}

TEST(Reply, S3FailureIsInvocationError) {
  Envelope envelope = envelope_with(EnvelopeKind::S3Notification, {""});
  Reply reply = shape_reply(envelope,
                            {{outcome(Outcome::Scrubbed), outcome(Outcome::Rejected, "not_jpeg", "bad"),
                              outcome(Outcome::Failed, "s3_timeout"), outcome(Outcome::Rejected, "not_jpeg"),
                              outcome(Outcome::Missing, "no_such_key")}},
                            BatchResultCode::PermanentFailure);
  EXPECT_TRUE(reply.is_error);
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(reply.error_type, "ObjectsFailed");
  EXPECT_EQ(reply.error_message,
            "4 of 5 objects failed: 2 rejected (not_jpeg), 1 failed (s3_timeout), 1 missing (no_such_key)");
}

TEST(Reply, EventBridgeAndSnsShareWholeInvocationReply) {
  for (EnvelopeKind kind : {EnvelopeKind::EventBridge, EnvelopeKind::SnsNotification}) {
    Reply reply = shape_reply(envelope_with(kind, {""}), {{outcome(Outcome::Deleted)}}, BatchResultCode::PermanentFailure);
    EXPECT_FALSE(reply.is_error);
    EXPECT_EQ(reply.body, R"({"status":"succeeded","objects":1,"outcomes":{"deleted":1}})");
  }
}

TEST(Reply, TestEventSucceedsWithNoObjects) {
  Envelope envelope;
  envelope.test_event = true;
  Reply reply = shape_reply(envelope, {}, BatchResultCode::PermanentFailure);
  EXPECT_FALSE(reply.is_error);
  EXPECT_EQ(reply.body, R"({"status":"succeeded","objects":0,"outcomes":{}})");
}

TEST(Reply, SqsListsExactlyFailedMessages) {
  Envelope envelope = envelope_with(EnvelopeKind::SqsBatch, {"m1", "m2", "m3", "m4"});
  Reply reply = shape_reply(envelope,
                            {{outcome(Outcome::Scrubbed)},
                             {outcome(Outcome::Scrubbed), outcome(Outcome::Failed, "s3_timeout")},
                             {},
                             {outcome(Outcome::Rejected, "malformed_event")}},
                            BatchResultCode::PermanentFailure);
  EXPECT_FALSE(reply.is_error);
  EXPECT_EQ(reply.body, R"({"batchItemFailures":[{"itemIdentifier":"m2"},{"itemIdentifier":"m4"}]})");
}

TEST(Reply, SqsAllSucceededHasEmptyList) {
  Reply reply = shape_reply(envelope_with(EnvelopeKind::SqsBatch, {"m1"}), {{outcome(Outcome::Skipped)}},
                            BatchResultCode::PermanentFailure);
  EXPECT_EQ(reply.body, R"({"batchItemFailures":[]})");
}

TEST(Reply, BatchOperationsResults) {
  Envelope envelope = envelope_with(EnvelopeKind::BatchOperations, {"t1", "t2", "t3", "t4"});
  envelope.batch_schema_version = "2.0";
  envelope.batch_invocation_id = "inv-1";
  Reply reply = shape_reply(envelope,
                            {{outcome(Outcome::Scrubbed)},
                             {outcome(Outcome::Rejected, "not_jpeg", "no SOI marker at offset 0")},
                             {outcome(Outcome::Failed, "deadline_exceeded", "not started")},
                             {outcome(Outcome::Missing, "no_such_key")}},
                            BatchResultCode::PermanentFailure);
  EXPECT_FALSE(reply.is_error);
  EXPECT_EQ(reply.body,
            R"json({"invocationSchemaVersion":"2.0","treatMissingKeysAs":"PermanentFailure","invocationId":"inv-1",)json"
            R"json("results":[{"taskId":"t1","resultCode":"Succeeded","resultString":"scrubbed"},)json"
            R"json({"taskId":"t2","resultCode":"PermanentFailure","resultString":"rejected (not_jpeg): no SOI marker at offset 0"},)json"
            R"json({"taskId":"t3","resultCode":"TemporaryFailure","resultString":"failed (deadline_exceeded): not started"},)json"
            R"json({"taskId":"t4","resultCode":"PermanentFailure","resultString":"missing (no_such_key)"}]})json");
}

TEST(Reply, BatchTreatMissingKeysAsConfigured) {
  Envelope envelope = envelope_with(EnvelopeKind::BatchOperations, {});
  envelope.batch_schema_version = "1.0";
  envelope.batch_invocation_id = "inv-2";
  Reply reply = shape_reply(envelope, {}, BatchResultCode::TemporaryFailure);
  EXPECT_EQ(reply.body,
            R"({"invocationSchemaVersion":"1.0","treatMissingKeysAs":"TemporaryFailure","invocationId":"inv-2","results":[]})");
}

TEST(Reply, InvalidEventReply) {
  Reply reply = invalid_event_reply(EnvelopeError{"event is not a JSON object"});
  EXPECT_TRUE(reply.is_error);
  EXPECT_EQ(reply.error_type, "InvalidEvent");
  EXPECT_EQ(reply.error_message, "event is not a JSON object");
}

TEST(Reply, OutcomeLabels) {
  EXPECT_STREQ(outcome_label(Outcome::Scrubbed), "scrubbed");
  EXPECT_STREQ(outcome_label(Outcome::Deleted), "deleted");
  EXPECT_STREQ(outcome_label(Outcome::Skipped), "skipped");
  EXPECT_STREQ(outcome_label(Outcome::Stale), "stale");
  EXPECT_STREQ(outcome_label(Outcome::Rejected), "rejected");
  EXPECT_STREQ(outcome_label(Outcome::Missing), "missing");
  EXPECT_STREQ(outcome_label(Outcome::Failed), "failed");
}

TEST(Reply, ResultCodePerOutcome) {
  EXPECT_EQ(batch_result_code(Outcome::Scrubbed), BatchResultCode::Succeeded);
  EXPECT_EQ(batch_result_code(Outcome::Deleted), BatchResultCode::Succeeded);
  EXPECT_EQ(batch_result_code(Outcome::Skipped), BatchResultCode::Succeeded);
  EXPECT_EQ(batch_result_code(Outcome::Stale), BatchResultCode::Succeeded);
  EXPECT_EQ(batch_result_code(Outcome::Rejected), BatchResultCode::PermanentFailure);
  EXPECT_EQ(batch_result_code(Outcome::Missing), BatchResultCode::PermanentFailure);
  EXPECT_EQ(batch_result_code(Outcome::Failed), BatchResultCode::TemporaryFailure);
  EXPECT_FALSE(reports_failure(Outcome::Stale));
  EXPECT_TRUE(reports_failure(Outcome::Missing));
}

}  // namespace
}  // namespace exifscrub::lambda
