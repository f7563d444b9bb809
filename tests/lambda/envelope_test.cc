#include "lambda/envelope.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace exifscrub::lambda {
namespace {

using nlohmann::json;
using pipeline::EventAction;

json s3_record(const std::string& key, const std::string& name = "ObjectCreated:Put",
               const std::string& source = "aws:s3", const std::string& version = "2.1") {
  return {{"eventVersion", version},
          {"eventSource", source},
          {"awsRegion", "eu-west-1"},
          {"eventTime", "2026-12-04T20:00:00.000Z"},
          {"eventName", name},
          {"s3",
           {{"s3SchemaVersion", "1.0"},
            {"bucket", {{"name", "photos-a"}, {"arn", "arn:aws:s3:::photos-a"}}},
            {"object",
             {{"key", key}, {"size", 1024}, {"eTag", "0123abcd"}, {"versionId", "v1"}, {"sequencer", "0A1B2C"}}}}}};
}

json notification(std::initializer_list<json> records) {
  json list = json::array();
  for (const json& record : records) list.push_back(record);
  return {{"Records", list}};
}

Envelope decode_ok(const json& document) {
  auto envelope = decode_envelope(document.dump());
  EXPECT_TRUE(envelope.ok()) << (envelope.ok() ? "" : envelope.error().message);
  return envelope.ok() ? envelope.value() : Envelope{};
}

std::string decode_error(std::string_view payload) {
  auto envelope = decode_envelope(payload);
  EXPECT_FALSE(envelope.ok());
  return envelope.ok() ? "" : envelope.error().message;
}

// Returns a copy, so callers may pass a temporary envelope.
DecodedRecord only_record(const Envelope& envelope) {
  EXPECT_EQ(envelope.units.size(), 1u);
  if (envelope.units.size() != 1) return DecodedRecord{};
  EXPECT_EQ(envelope.units[0].records.size(), 1u);
  return envelope.units[0].records.empty() ? DecodedRecord{} : envelope.units[0].records[0];
}

TEST(S3Notification, RecordDecodedCompletely) {
  json record = s3_record("photos/IMG_0001.jpg");
  record["s3"]["object"]["eTag"] = "\"0123abcd\"";
  Envelope envelope = decode_ok(notification({record}));
  EXPECT_EQ(envelope.kind, EnvelopeKind::S3Notification);
  EXPECT_FALSE(envelope.test_event);
  const DecodedRecord& decoded = only_record(envelope);
  EXPECT_EQ(decoded.status, RecordStatus::Ready);
  EXPECT_EQ(decoded.event_name, "ObjectCreated:Put");
  EXPECT_EQ(decoded.event.action, EventAction::Created);
  EXPECT_EQ(decoded.event.bucket, "photos-a");
  EXPECT_EQ(decoded.event.key, "photos/IMG_0001.jpg");
  EXPECT_EQ(decoded.event.version_id, "v1");
  EXPECT_EQ(decoded.event.etag, "0123abcd");
  EXPECT_EQ(decoded.event.sequencer, "0A1B2C");
  EXPECT_EQ(decoded.event.size, 1024u);
  EXPECT_EQ(decoded.detail, "");
}

TEST(S3Notification, EveryRecordDecoded) {
  Envelope envelope = decode_ok(notification({s3_record("a.jpg"), s3_record("b.jpg", "ObjectRemoved:Delete"),
                                              s3_record("c.jpg", "ObjectRemoved:DeleteMarkerCreated")}));
  ASSERT_EQ(envelope.units.size(), 1u);
  const auto& records = envelope.units[0].records;
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].event.key, "a.jpg");
  EXPECT_EQ(records[0].event.action, EventAction::Created);
  EXPECT_EQ(records[1].event.key, "b.jpg");
  EXPECT_EQ(records[1].event.action, EventAction::Removed);
  EXPECT_EQ(records[2].event.action, EventAction::Removed);
  EXPECT_EQ(records[2].status, RecordStatus::Ready);
}

TEST(S3Notification, AwkwardKeysFormDecoded) {
  struct Case {
    const char* source;
    const char* encoded;
    const char* decoded;
  };
  const Case cases[] = {
      {"aws:s3", "my+holiday/photo+1.JPG", "my holiday/photo 1.JPG"},
      {"aws:s3", "a%2Bb.jpeg", "a+b.jpeg"},
      {"aws:s3", "100%25+real.jpg", "100% real.jpg"},
      {"aws:s3", "caf%C3%A9/%E5%86%99%E7%9C%9F.JPEG", "caf\xC3\xA9/\xE5\x86\x99\xE7\x9C\x9F.JPEG"},
      {"aws:s3", "a/b/c/d/e/f/g/h/i.jpg", "a/b/c/d/e/f/g/h/i.jpg"},
      {"minio:s3", "my+photo%2B.jpg", "my photo+.jpg"},
      {"ceph:s3", "my+photo%2B.jpg", "my+photo%2B.jpg"},
      {"ceph:s3", "with space/caf\xC3\xA9.jpg", "with space/caf\xC3\xA9.jpg"},
  };
  for (const Case& c : cases) {
    const DecodedRecord& decoded = only_record(decode_ok(notification({s3_record(c.encoded, "ObjectCreated:Put", c.source)})));
    EXPECT_EQ(decoded.status, RecordStatus::Ready) << c.encoded;
    EXPECT_EQ(decoded.event.key, c.decoded) << c.source << " " << c.encoded;
  }
}

TEST(S3Notification, BadEscapeMalformsOnlyItsRecord) {
  Envelope envelope = decode_ok(notification({s3_record("ok.jpg"), s3_record("bad%zz.jpg")}));
  const auto& records = envelope.units.at(0).records;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].status, RecordStatus::Ready);
  EXPECT_EQ(records[1].status, RecordStatus::Malformed);
  EXPECT_EQ(records[1].detail,
            "Records[1].s3.object.key: invalid percent escape at offset 3; expected '%' followed by two hex digits");
  EXPECT_EQ(records[1].event.bucket, "photos-a");
}

TEST(S3Notification, EventVersionMajorTwoOnly) {
  for (const char* version : {"2.0", "2.1", "2.2", "2.3", "2.10"}) {
    const DecodedRecord& decoded =
        only_record(decode_ok(notification({s3_record("a.jpg", "ObjectCreated:Put", "aws:s3", version)})));
    EXPECT_EQ(decoded.status, RecordStatus::Ready) << version;
  }
  for (const char* version : {"1.0", "3.0", "2", "2.", "2.x", "20.1"}) {
    const DecodedRecord& decoded =
        only_record(decode_ok(notification({s3_record("a.jpg", "ObjectCreated:Put", "aws:s3", version)})));
    EXPECT_EQ(decoded.status, RecordStatus::Malformed) << version;
    EXPECT_EQ(decoded.detail, std::string("Records[0].eventVersion \"") + version + "\" is not supported; expected 2.x");
  }
}

TEST(S3Notification, UnknownSourceIsMalformed) {
  const DecodedRecord& decoded =
      only_record(decode_ok(notification({s3_record("a.jpg", "ObjectCreated:Put", "aws:s3-outposts")})));
  EXPECT_EQ(decoded.status, RecordStatus::Malformed);
  EXPECT_EQ(decoded.detail,
            "Records[0].eventSource \"aws:s3-outposts\" is not supported; expected aws:s3, minio:s3 or ceph:s3");
}

TEST(S3Notification, MissingFieldsAreMalformed) {
  struct Case {
    std::vector<std::string> path;
    const char* detail;
  };
  const Case cases[] = {
      {{"eventVersion"}, "Records[0].eventVersion is missing or not a string"},
      {{"eventSource"}, "Records[0].eventSource is missing or not a string"},
      {{"eventName"}, "Records[0].eventName is missing or not a string"},
      {{"s3", "bucket", "name"}, "Records[0].s3.bucket.name is missing, empty or not a string"},
      {{"s3", "object", "key"}, "Records[0].s3.object.key is missing or not a string"},
  };
  for (const Case& c : cases) {
    json record = s3_record("a.jpg");
    json* parent = &record;
    for (std::size_t i = 0; i + 1 < c.path.size(); ++i) parent = &(*parent)[c.path[i]];
    parent->erase(c.path.back());
    const DecodedRecord& decoded = only_record(decode_ok(notification({record})));
    EXPECT_EQ(decoded.status, RecordStatus::Malformed) << c.detail;
    EXPECT_EQ(decoded.detail, c.detail);
  }
}

TEST(S3Notification, WrongTypesAreMalformed) {
  json record = s3_record("a.jpg");
  record["s3"]["object"]["size"] = "1024";
  EXPECT_EQ(only_record(decode_ok(notification({record}))).detail,
            "Records[0].s3.object.size is not a non-negative integer");
  record = s3_record("a.jpg");
  record["s3"]["object"]["versionId"] = 7;
  EXPECT_EQ(only_record(decode_ok(notification({record}))).detail, "Records[0].s3.object.versionId is not a string");
}

TEST(S3Notification, DeleteWithoutSizeOrVersion) {
  json record = s3_record("gone.jpg", "ObjectRemoved:Delete");
  record["s3"]["object"] = {{"key", "gone.jpg"}, {"sequencer", "0F"}, {"versionId", nullptr}};
  const DecodedRecord& decoded = only_record(decode_ok(notification({record})));
  EXPECT_EQ(decoded.status, RecordStatus::Ready);
  EXPECT_EQ(decoded.event.action, EventAction::Removed);
  EXPECT_EQ(decoded.event.size, 0u);
  EXPECT_EQ(decoded.event.version_id, "");
  EXPECT_EQ(decoded.event.etag, "");
  EXPECT_EQ(decoded.event.sequencer, "0F");
}

TEST(S3Notification, OtherEventNamesIgnored) {
  const DecodedRecord& decoded = only_record(decode_ok(notification({s3_record("a.jpg", "ObjectRestore:Completed")})));
  EXPECT_EQ(decoded.status, RecordStatus::Ignored);
  EXPECT_EQ(decoded.detail, "event ObjectRestore:Completed is not an object creation or removal");
  EXPECT_EQ(decoded.event.key, "a.jpg");
}

TEST(S3Notification, CephPrefixedEventName) {
  const DecodedRecord& decoded =
      only_record(decode_ok(notification({s3_record("a.jpg", "s3:ObjectRemoved:Delete", "ceph:s3", "2.2")})));
  EXPECT_EQ(decoded.status, RecordStatus::Ready);
  EXPECT_EQ(decoded.event.action, EventAction::Removed);
}

TEST(S3Notification, TestEventAcknowledged) {
  Envelope envelope = decode_ok({{"Service", "Amazon S3"},
                                 {"Event", "s3:TestEvent"},
                                 {"Time", "2026-12-04T20:00:00.000Z"},
                                 {"Bucket", "photos-a"},
                                 {"RequestId", "R1"},
                                 {"HostId", "H1"}});
  EXPECT_TRUE(envelope.test_event);
  EXPECT_EQ(envelope.kind, EnvelopeKind::S3Notification);
  EXPECT_TRUE(envelope.units.empty());
}

TEST(S3Notification, EmptyRecordsList) {
  Envelope envelope = decode_ok(notification({}));
  EXPECT_EQ(envelope.kind, EnvelopeKind::S3Notification);
  ASSERT_EQ(envelope.units.size(), 1u);
  EXPECT_TRUE(envelope.units[0].records.empty());
}

TEST(Envelope, InvalidJsonNamesOffset) {
  EXPECT_EQ(decode_error("{\"Records\": [}"), "event is not valid JSON: syntax error at byte offset 13");
  EXPECT_EQ(decode_error(""), "event is not valid JSON: syntax error at byte offset 0");
}

TEST(Envelope, NonObjectRejected) {
  EXPECT_EQ(decode_error("[1, 2]"), "event is not a JSON object");
}

TEST(Envelope, UnknownShapeRejected) {
  EXPECT_EQ(decode_error("{\"hello\": \"world\"}"),
            "event matches no supported envelope; expected an S3 notification, SNS or SQS records, an EventBridge S3 "
            "event or an S3 Batch Operations job");
}

json sqs_message(const std::string& id, const std::string& body) {
  return {{"messageId", id},
          {"receiptHandle", "handle-" + id},
          {"body", body},
          {"attributes", {{"ApproximateReceiveCount", "1"}}},
          {"messageAttributes", json::object()},
          {"md5OfBody", "0"},
          {"eventSource", "aws:sqs"},
          {"eventSourceARN", "arn:aws:sqs:eu-west-1:123456789012:photos"},
          {"awsRegion", "eu-west-1"}};
}

json sns_envelope(const std::string& message) {
  return {{"Type", "Notification"},
          {"MessageId", "sns-1"},
          {"TopicArn", "arn:aws:sns:eu-west-1:123456789012:photos"},
          {"Subject", "Amazon S3 Notification"},
          {"Message", message},
          {"Timestamp", "2026-12-04T20:00:00.000Z"}};
}

TEST(SqsBatch, EachMessageIsAUnit) {
  json body_two = notification({s3_record("b+1.jpg"), s3_record("c.jpg", "ObjectRemoved:Delete")});
  Envelope envelope = decode_ok(notification({sqs_message("m1", notification({s3_record("a.jpg")}).dump()),
                                              sqs_message("m2", body_two.dump())}));
  EXPECT_EQ(envelope.kind, EnvelopeKind::SqsBatch);
  ASSERT_EQ(envelope.units.size(), 2u);
  EXPECT_EQ(envelope.units[0].id, "m1");
  ASSERT_EQ(envelope.units[0].records.size(), 1u);
  EXPECT_EQ(envelope.units[0].records[0].event.key, "a.jpg");
  EXPECT_EQ(envelope.units[1].id, "m2");
  ASSERT_EQ(envelope.units[1].records.size(), 2u);
  EXPECT_EQ(envelope.units[1].records[0].event.key, "b 1.jpg");
  EXPECT_EQ(envelope.units[1].records[1].event.action, EventAction::Removed);
}

TEST(SqsBatch, SnsInsideSqs) {
  json inner = notification({s3_record("sns%2Bsqs+photo.jpg")});
  Envelope envelope = decode_ok(notification({sqs_message("m1", sns_envelope(inner.dump()).dump())}));
  ASSERT_EQ(envelope.units.size(), 1u);
  const auto& records = envelope.units[0].records;
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status, RecordStatus::Ready);
  EXPECT_EQ(records[0].event.key, "sns+sqs photo.jpg");
}

TEST(SqsBatch, TestEventBodyHasNoRecords) {
  json test_event{{"Service", "Amazon S3"}, {"Event", "s3:TestEvent"}, {"Bucket", "photos-a"}};
  Envelope envelope = decode_ok(notification({sqs_message("m1", test_event.dump()),
                                              sqs_message("m2", sns_envelope(test_event.dump()).dump())}));
  ASSERT_EQ(envelope.units.size(), 2u);
  EXPECT_TRUE(envelope.units[0].records.empty());
  EXPECT_TRUE(envelope.units[1].records.empty());
}

TEST(SqsBatch, MalformedBodyFailsOnlyItsMessage) {
  Envelope envelope = decode_ok(notification({sqs_message("m1", "not json"),
                                              sqs_message("m2", "{\"unexpected\": true}"),
                                              sqs_message("m3", sns_envelope("{broken").dump()),
                                              sqs_message("m4", notification({s3_record("ok.jpg")}).dump())}));
  ASSERT_EQ(envelope.units.size(), 4u);
  EXPECT_EQ(only_record(Envelope{EnvelopeKind::SqsBatch, false, {envelope.units[0]}, "", ""}).detail,
            "Records[0].body is not valid JSON");
  EXPECT_EQ(envelope.units[1].records.at(0).detail,
            "Records[1].body is not an S3 notification, S3 test event, SNS notification or EventBridge event");
  EXPECT_EQ(envelope.units[2].records.at(0).detail, "Records[2].body.Message is not valid JSON");
  EXPECT_EQ(envelope.units[2].records.at(0).status, RecordStatus::Malformed);
  EXPECT_EQ(envelope.units[3].records.at(0).status, RecordStatus::Ready);
}

TEST(SqsBatch, NestedRecordPathsInDetails) {
  json inner = notification({s3_record("a.jpg"), s3_record("b.jpg", "ObjectCreated:Put", "aws:s3", "1.0")});
  Envelope envelope = decode_ok(notification({sqs_message("m1", sns_envelope(inner.dump()).dump())}));
  EXPECT_EQ(envelope.units.at(0).records.at(1).detail,
            "Records[0].body.Message.Records[1].eventVersion \"1.0\" is not supported; expected 2.x");
}

TEST(SqsBatch, MissingMessageIdRejectsEnvelope) {
  json message = sqs_message("m1", "{}");
  message.erase("messageId");
  EXPECT_EQ(decode_error(notification({message}).dump()), "Records[0].messageId is missing or not a string");
}

TEST(SqsBatch, MissingBodyIsMalformed) {
  json message = sqs_message("m1", "{}");
  message.erase("body");
  Envelope envelope = decode_ok(notification({message}));
  EXPECT_EQ(envelope.units.at(0).records.at(0).detail, "Records[0].body is missing or not a string");
}

TEST(SnsNotification, DirectSnsRecords) {
  json inner = notification({s3_record("x+y.jpg")});
  json record{{"EventSource", "aws:sns"},
              {"EventVersion", "1.0"},
              {"EventSubscriptionArn", "arn:aws:sns:eu-west-1:123456789012:photos:1"},
              {"Sns", sns_envelope(inner.dump())}};
  json broken = record;
  broken["Sns"].erase("Message");
  Envelope envelope = decode_ok(notification({record, broken}));
  EXPECT_EQ(envelope.kind, EnvelopeKind::SnsNotification);
  ASSERT_EQ(envelope.units.size(), 1u);
  const auto& records = envelope.units[0].records;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].event.key, "x y.jpg");
  EXPECT_EQ(records[0].status, RecordStatus::Ready);
  EXPECT_EQ(records[1].status, RecordStatus::Malformed);
  EXPECT_EQ(records[1].detail, "Records[1].Sns.Message is missing or not a string");
}

json eventbridge(const std::string& detail_type, const std::string& key) {
  return {{"version", "0"},
          {"id", "17793124-05d4-b198-2fde-7ededc63b103"},
          {"detail-type", detail_type},
          {"source", "aws.s3"},
          {"account", "123456789012"},
          {"time", "2026-12-04T20:00:00Z"},
          {"region", "eu-west-1"},
          {"resources", {"arn:aws:s3:::photos-a"}},
          {"detail",
           {{"version", "0"},
            {"bucket", {{"name", "photos-a"}}},
            {"object", {{"key", key}, {"size", 5}, {"etag", "b1946ac9"}, {"version-id", "v7"}, {"sequencer", "00617F"}}},
            {"request-id", "N4N7GDK58NMKJ12R"},
            {"requester", "123456789012"},
            {"reason", "PutObject"}}}};
}

TEST(EventBridge, ObjectCreatedKeyTakenAsIs) {
  Envelope envelope = decode_ok(eventbridge("Object Created", "raw key+%41/caf\xC3\xA9.jpg"));
  EXPECT_EQ(envelope.kind, EnvelopeKind::EventBridge);
  const DecodedRecord& decoded = only_record(envelope);
  EXPECT_EQ(decoded.status, RecordStatus::Ready);
  EXPECT_EQ(decoded.event_name, "Object Created");
  EXPECT_EQ(decoded.event.action, EventAction::Created);
  EXPECT_EQ(decoded.event.bucket, "photos-a");
  EXPECT_EQ(decoded.event.key, "raw key+%41/caf\xC3\xA9.jpg");
  EXPECT_EQ(decoded.event.version_id, "v7");
  EXPECT_EQ(decoded.event.etag, "b1946ac9");
  EXPECT_EQ(decoded.event.sequencer, "00617F");
  EXPECT_EQ(decoded.event.size, 5u);
}

TEST(EventBridge, ObjectDeletedIsRemoval) {
  json event = eventbridge("Object Deleted", "old.jpg");
  event["detail"]["object"].erase("size");
  event["detail"]["deletion-type"] = "Delete Marker Created";
  const DecodedRecord& decoded = only_record(decode_ok(event));
  EXPECT_EQ(decoded.status, RecordStatus::Ready);
  EXPECT_EQ(decoded.event.action, EventAction::Removed);
}

TEST(EventBridge, OtherDetailTypesIgnored) {
  const DecodedRecord& decoded = only_record(decode_ok(eventbridge("Object Restore Completed", "a.jpg")));
  EXPECT_EQ(decoded.status, RecordStatus::Ignored);
  EXPECT_EQ(decoded.detail, "event Object Restore Completed is not an object creation or removal");
}

TEST(EventBridge, MissingKeyIsMalformed) {
  json event = eventbridge("Object Created", "a.jpg");
  event["detail"]["object"].erase("key");
  const DecodedRecord& decoded = only_record(decode_ok(event));
  EXPECT_EQ(decoded.status, RecordStatus::Malformed);
  EXPECT_EQ(decoded.detail, "event.detail.object.key is missing, empty or not a string");
}

TEST(EventBridge, InsideSqs) {
  Envelope envelope = decode_ok(notification({sqs_message("m1", eventbridge("Object Created", "q.jpg").dump())}));
  EXPECT_EQ(envelope.units.at(0).records.at(0).event.key, "q.jpg");
}

json batch_job(const std::string& version, json tasks) {
  json job{{"id", "f3cc4f60-61f6-4a2b-8a21-d07600c373ce"}};
  if (version == "2.0") job["userArguments"] = {{"k", "v"}};
  return {{"invocationSchemaVersion", version}, {"invocationId", "YXNkbGZq"}, {"job", job}, {"tasks", tasks}};
}

TEST(BatchOperations, SchemaOneUsesBucketArn) {
  json tasks = json::array({{{"taskId", "t1"}, {"s3Key", "dir%2Fmy%20photo+1.jpg"}, {"s3VersionId", "3"},
                             {"s3BucketArn", "arn:aws:s3:::photos-a"}},
                            {{"taskId", "t2"}, {"s3Key", "b.jpg"}, {"s3VersionId", nullptr},
                             {"s3BucketArn", "arn:aws-cn:s3:::photos-cn"}}});
  Envelope envelope = decode_ok(batch_job("1.0", tasks));
  EXPECT_EQ(envelope.kind, EnvelopeKind::BatchOperations);
  EXPECT_EQ(envelope.batch_schema_version, "1.0");
  EXPECT_EQ(envelope.batch_invocation_id, "YXNkbGZq");
  ASSERT_EQ(envelope.units.size(), 2u);
  EXPECT_EQ(envelope.units[0].id, "t1");
  const DecodedRecord& first = envelope.units[0].records.at(0);
  EXPECT_EQ(first.status, RecordStatus::Ready);
  EXPECT_EQ(first.event_name, "BatchTask");
  EXPECT_EQ(first.event.action, EventAction::Created);
  EXPECT_EQ(first.event.bucket, "photos-a");
  EXPECT_EQ(first.event.key, "dir/my photo+1.jpg");
  EXPECT_EQ(first.event.version_id, "3");
  EXPECT_EQ(envelope.units[1].records.at(0).event.bucket, "photos-cn");
  EXPECT_EQ(envelope.units[1].records.at(0).event.version_id, "");
}

TEST(BatchOperations, SchemaTwoUsesBucketName) {
  json tasks = json::array({{{"taskId", "t1"}, {"s3Bucket", "photos-a"}, {"s3Key", "%E5%86%99.JPG"},
                             {"s3VersionId", "v2"}}});
  Envelope envelope = decode_ok(batch_job("2.0", tasks));
  EXPECT_EQ(envelope.batch_schema_version, "2.0");
  const DecodedRecord& decoded = envelope.units.at(0).records.at(0);
  EXPECT_EQ(decoded.status, RecordStatus::Ready);
  EXPECT_EQ(decoded.event.bucket, "photos-a");
  EXPECT_EQ(decoded.event.key, "\xE5\x86\x99.JPG");
  EXPECT_EQ(decoded.event.version_id, "v2");
}

TEST(BatchOperations, BadTasksMalformed) {
  json tasks = json::array({{{"taskId", "t1"}, {"s3Key", "a.jpg"}, {"s3BucketArn", "arn:aws:sqs:::photos"}},
                            {{"taskId", "t2"}, {"s3Key", "a%2.jpg"}, {"s3BucketArn", "arn:aws:s3:::photos"}},
                            {{"taskId", "t3"}, {"s3BucketArn", "arn:aws:s3:::photos"}}});
  Envelope envelope = decode_ok(batch_job("1.0", tasks));
  ASSERT_EQ(envelope.units.size(), 3u);
  EXPECT_EQ(envelope.units[0].records.at(0).detail,
            "tasks[0].s3BucketArn \"arn:aws:sqs:::photos\" is not an S3 bucket ARN; expected arn:aws:s3:::BUCKET");
  EXPECT_EQ(envelope.units[1].records.at(0).detail,
            "tasks[1].s3Key: invalid percent escape at offset 1; expected '%' followed by two hex digits");
  EXPECT_EQ(envelope.units[2].records.at(0).detail, "tasks[2].s3Key is missing or not a string");
  for (const auto& unit : envelope.units) EXPECT_EQ(unit.records.at(0).status, RecordStatus::Malformed);
}

TEST(BatchOperations, EnvelopeErrors) {
  EXPECT_EQ(decode_error(batch_job("3.0", json::array()).dump()),
            "invocationSchemaVersion \"3.0\" is not supported; expected 1.0 or 2.0");
  json job = batch_job("1.0", json::array());
  job.erase("invocationId");
  EXPECT_EQ(decode_error(job.dump()), "invocationId is missing or not a string");
  job = batch_job("1.0", json::array({{{"s3Key", "a.jpg"}}}));
  EXPECT_EQ(decode_error(job.dump()), "tasks[0].taskId is missing or not a string");
  job = batch_job("2.0", json::array());
  job.erase("tasks");
  EXPECT_EQ(decode_error(job.dump()), "tasks is missing or not an array");
}

}  // namespace
}  // namespace exifscrub::lambda

namespace exifscrub::lambda {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(EXIFSCRUB_LAMBDA_TEST_DATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Records that Ceph 16.2 RGW pushed to the emulator for an upload and a
// delete of "trip 2026/café+1%.JPG": the key arrives unencoded.
TEST(CephRgw, CapturedPutRecord) {
  auto envelope = decode_envelope(read_fixture("ceph-16.2-put.json"));
  ASSERT_TRUE(envelope.ok());
  const DecodedRecord decoded = only_record(envelope.value());
  EXPECT_EQ(decoded.status, RecordStatus::Ready);
  EXPECT_EQ(decoded.event_name, "ObjectCreated:Put");
  EXPECT_EQ(decoded.event.action, EventAction::Created);
  EXPECT_EQ(decoded.event.bucket, "fixture-src");
  EXPECT_EQ(decoded.event.key, "trip 2026/caf\xC3\xA9+1%.JPG");
  EXPECT_EQ(decoded.event.size, 1u);
  EXPECT_EQ(decoded.event.etag, "9dd4e461268c8034f5c8564e155c67a6");
  EXPECT_EQ(decoded.event.version_id, "");
  // Sent as "1F37136B14A6021A": little-endian seconds and nanoseconds,
  // rewritten big-endian so that later events compare greater.
  EXPECT_EQ(decoded.event.sequencer, "6B13371F1A02A614");
}

TEST(CephRgw, CapturedDeleteRecord) {
  auto envelope = decode_envelope(read_fixture("ceph-16.2-delete.json"));
  ASSERT_TRUE(envelope.ok());
  const DecodedRecord decoded = only_record(envelope.value());
  EXPECT_EQ(decoded.status, RecordStatus::Ready);
  EXPECT_EQ(decoded.event_name, "ObjectRemoved:Delete");
  EXPECT_EQ(decoded.event.action, EventAction::Removed);
  EXPECT_EQ(decoded.event.key, "trip 2026/caf\xC3\xA9+1%.JPG");
  // Sent as "1F37136B6564141C".
  EXPECT_EQ(decoded.event.sequencer, "6B13371F1C146465");
}

// A captured upload and delete of one key 14 ms apart whose raw sequencers
// compare in the wrong order as text: "C926136B30E3D70F" > "C926136B2D557910".
TEST(CephRgw, SequencersOrderLikeEventTimes) {
  auto record_with = [](const std::string& name, const std::string& sequencer) {
    json record = s3_record("a.jpg", name, "ceph:s3", "2.2");
    record["s3"]["object"]["sequencer"] = sequencer;
    return only_record(decode_ok(notification({record})));
  };
  const DecodedRecord put = record_with("ObjectCreated:Put", "C926136B30E3D70F");
  const DecodedRecord removal = record_with("ObjectRemoved:Delete", "C926136B2D557910");
  EXPECT_EQ(put.event.sequencer, "6B1326C90FD7E330");
  EXPECT_EQ(removal.event.sequencer, "6B1326C91079552D");
  EXPECT_LT(put.event.sequencer, removal.event.sequencer);
}

TEST(CephRgw, UnexpectedSequencerFormIsDropped) {
  json record = s3_record("a.jpg", "ObjectCreated:Put", "ceph:s3", "2.2");
  record["s3"]["object"]["sequencer"] = "0055AED6DCD90281E5";
  EXPECT_EQ(only_record(decode_ok(notification({record}))).event.sequencer, "");
}

}  // namespace
}  // namespace exifscrub::lambda
