// Envelope decoding. Field names and shapes follow the AWS documentation of
// each source (S3 event message structure, SQS and SNS Lambda events, S3
// EventBridge events, S3 Batch Operations LambdaInvoke). Ceph RGW sends the
// S3 notification shape with eventSource "ceph:s3" and unencoded keys.
#include "lambda/envelope.h"

#include <nlohmann/json.hpp>

#include <optional>

#include "lambda/key_decoding.h"

namespace exifscrub::lambda {
namespace {

using nlohmann::json;
using pipeline::EventAction;

const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

const json* member_path(const json& object, std::initializer_list<const char*> names) {
  const json* current = &object;
  for (const char* name : names) {
    current = member(*current, name);
    if (current == nullptr) return nullptr;
  }
  return current;
}

std::optional<std::string> string_at(const json& object, std::initializer_list<const char*> names) {
  const json* value = member_path(object, names);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::string join_path(const std::string& prefix, std::initializer_list<const char*> names) {
  std::string path = prefix;
  for (const char* name : names) path += std::string(".") + name;
  return path;
}

// Reads an optional string field into out. Missing and null leave out empty;
// any other type is an error message.
std::optional<std::string> read_optional_string(const json& object, std::initializer_list<const char*> names,
                                                const std::string& prefix, std::string& out) {
  const json* value = member_path(object, names);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_string()) return join_path(prefix, names) + " is not a string";
  out = value->get<std::string>();
  return std::nullopt;
}

std::optional<std::string> read_optional_size(const json& object, std::initializer_list<const char*> names,
                                              const std::string& prefix, std::uint64_t& out) {
  const json* value = member_path(object, names);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_number_unsigned()) return join_path(prefix, names) + " is not a non-negative integer";
  out = value->get<std::uint64_t>();
  return std::nullopt;
}

std::string strip_quotes(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

DecodedRecord malformed(DecodedRecord record, std::string detail) {
  record.status = RecordStatus::Malformed;
  record.detail = std::move(detail);
  return record;
}

bool is_s3_test_event(const json& document) {
  auto event = string_at(document, {"Event"});
  return event && *event == "s3:TestEvent";
}

bool is_eventbridge_s3_event(const json& document) {
  auto source = string_at(document, {"source"});
  return source && *source == "aws.s3" && member(document, "detail-type") != nullptr;
}

// --- S3 notification records -------------------------------------------------

std::optional<std::string> check_event_version(const json& record, const std::string& path) {
  auto version = string_at(record, {"eventVersion"});
  if (!version) return path + ".eventVersion is missing or not a string";
  bool major_two = version->size() >= 3 && version->rfind("2.", 0) == 0 &&
                   version->find_first_not_of("0123456789", 2) == std::string::npos;
  if (!major_two) return path + ".eventVersion \"" + *version + "\" is not supported; expected 2.x";
  return std::nullopt;
}

// Sets the action from an S3 event name such as "ObjectCreated:Put"; Ceph
// RGW releases before Reef prefix the name with "s3:".
void classify_s3_event_name(DecodedRecord& record) {
  std::string name = record.event_name;
  if (name.rfind("s3:", 0) == 0) name.erase(0, 3);
  if (name.rfind("ObjectCreated:", 0) == 0) {
    record.event.action = EventAction::Created;
  } else if (name.rfind("ObjectRemoved:", 0) == 0) {
    record.event.action = EventAction::Removed;
  } else {
    record.status = RecordStatus::Ignored;
    record.detail = "event " + record.event_name + " is not an object creation or removal";
  }
}

std::optional<std::string> read_s3_key(const json& record, const std::string& path, const std::string& source,
                                       std::string& key) {
  auto raw = string_at(record, {"s3", "object", "key"});
  if (!raw) return path + ".s3.object.key is missing or not a string";
  if (source == "ceph:s3") {
    if (raw->empty()) return path + ".s3.object.key is empty";
    key = *raw;
    return std::nullopt;
  }
  auto decoded = decode_form_key(*raw);
  if (!decoded) return path + ".s3.object.key: " + decoded.error().message;
  key = std::move(decoded).value();
  return std::nullopt;
}

// Rewrites a Ceph RGW sequencer into one that orders like S3's. Ceph RGW 16
// sends 16 hex digits holding the event time as two little-endian 32-bit
// words, seconds then nanoseconds (captured: "C926136B30E3D70F" is
// 0x6B1326C9 s and 0x0FD7E330 ns), so comparing the text as hex puts events
// out of order. Returns the same time as big-endian hex ("6B1326C90FD7E330"),
// or an empty string, which the pipeline treats as unordered, for any other
// form.
std::string normalize_ceph_sequencer(const std::string& sequencer) {
  if (sequencer.size() != 16 || sequencer.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return {};
  }
  std::string ordered;
  ordered.reserve(16);
  for (const std::size_t word : {std::size_t{0}, std::size_t{8}}) {
    for (std::size_t byte = 4; byte > 0; --byte) ordered += sequencer.substr(word + 2 * (byte - 1), 2);
  }
  return ordered;
}

DecodedRecord decode_s3_record(const json& record, const std::string& path) {
  DecodedRecord decoded;
  if (auto problem = check_event_version(record, path)) return malformed(decoded, *problem);

  auto source = string_at(record, {"eventSource"});
  if (!source) return malformed(decoded, path + ".eventSource is missing or not a string");
  if (*source != "aws:s3" && *source != "minio:s3" && *source != "ceph:s3") {
    return malformed(decoded, path + ".eventSource \"" + *source + "\" is not supported; expected aws:s3, minio:s3 or ceph:s3");
  }
  auto name = string_at(record, {"eventName"});
  if (!name) return malformed(decoded, path + ".eventName is missing or not a string");
  decoded.event_name = *name;

  auto bucket = string_at(record, {"s3", "bucket", "name"});
  if (!bucket || bucket->empty()) return malformed(decoded, path + ".s3.bucket.name is missing, empty or not a string");
  decoded.event.bucket = *bucket;
  if (auto problem = read_s3_key(record, path, *source, decoded.event.key)) return malformed(decoded, *problem);

  auto& event = decoded.event;
  for (auto problem : {read_optional_string(record, {"s3", "object", "versionId"}, path, event.version_id),
                       read_optional_string(record, {"s3", "object", "eTag"}, path, event.etag),
                       read_optional_string(record, {"s3", "object", "sequencer"}, path, event.sequencer),
                       read_optional_size(record, {"s3", "object", "size"}, path, event.size)}) {
    if (problem) return malformed(decoded, *problem);
  }
  event.etag = strip_quotes(event.etag);
  if (*source == "ceph:s3") event.sequencer = normalize_ceph_sequencer(event.sequencer);
  classify_s3_event_name(decoded);
  return decoded;
}

// --- EventBridge ---------------------------------------------------------------

DecodedRecord decode_eventbridge_event(const json& document, const std::string& path) {
  DecodedRecord decoded;
  auto detail_type = string_at(document, {"detail-type"});
  if (!detail_type) return malformed(decoded, path + ".detail-type is not a string");
  decoded.event_name = *detail_type;

  auto bucket = string_at(document, {"detail", "bucket", "name"});
  if (!bucket || bucket->empty()) return malformed(decoded, path + ".detail.bucket.name is missing, empty or not a string");
  decoded.event.bucket = *bucket;
  // EventBridge carries keys as they are, without URL encoding.
  auto key = string_at(document, {"detail", "object", "key"});
  if (!key || key->empty()) return malformed(decoded, path + ".detail.object.key is missing, empty or not a string");
  decoded.event.key = *key;

  auto& event = decoded.event;
  for (auto problem : {read_optional_string(document, {"detail", "object", "version-id"}, path, event.version_id),
                       read_optional_string(document, {"detail", "object", "etag"}, path, event.etag),
                       read_optional_string(document, {"detail", "object", "sequencer"}, path, event.sequencer),
                       read_optional_size(document, {"detail", "object", "size"}, path, event.size)}) {
    if (problem) return malformed(decoded, *problem);
  }
  event.etag = strip_quotes(event.etag);

  if (*detail_type == "Object Created") {
    event.action = EventAction::Created;
  } else if (*detail_type == "Object Deleted") {
    event.action = EventAction::Removed;
  } else {
    decoded.status = RecordStatus::Ignored;
    decoded.detail = "event " + *detail_type + " is not an object creation or removal";
  }
  return decoded;
}

// --- Notifications nested in SNS and SQS ------------------------------------------

// Decodes a document that carries S3 events: an S3 notification, an S3 test
// event (no records), an EventBridge event, or an SNS envelope around one of
// these. A defect of the document becomes one Malformed record.
std::vector<DecodedRecord> decode_notification(const json& document, const std::string& path, int sns_depth);

std::vector<DecodedRecord> decode_notification_text(const std::string& text, const std::string& path, int sns_depth) {
  json document = json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    return {malformed(DecodedRecord{}, path + " is not valid JSON")};
  }
  return decode_notification(document, path, sns_depth);
}

std::vector<DecodedRecord> decode_notification(const json& document, const std::string& path, int sns_depth) {
  if (is_s3_test_event(document)) return {};
  if (is_eventbridge_s3_event(document)) return {decode_eventbridge_event(document, path)};

  auto type = string_at(document, {"Type"});
  if (type && *type == "Notification" && sns_depth == 0) {
    auto message = string_at(document, {"Message"});
    if (!message) return {malformed(DecodedRecord{}, path + ".Message is missing or not a string")};
    return decode_notification_text(*message, path + ".Message", sns_depth + 1);
  }

  const json* records = member(document, "Records");
  if (records == nullptr || !records->is_array()) {
    return {malformed(DecodedRecord{}, path + " is not an S3 notification, S3 test event, SNS notification or EventBridge event")};
  }
  std::vector<DecodedRecord> decoded;
  for (std::size_t i = 0; i < records->size(); ++i) {
    decoded.push_back(decode_s3_record((*records)[i], path + ".Records[" + std::to_string(i) + "]"));
  }
  return decoded;
}

// --- Top-level envelopes ---------------------------------------------------------

Result<Envelope, EnvelopeError> decode_sqs(const json& records) {
  Envelope envelope;
  envelope.kind = EnvelopeKind::SqsBatch;
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::string path = "Records[" + std::to_string(i) + "]";
    auto id = string_at(records[i], {"messageId"});
    // Without the id the reply cannot name the message, and SQS would retry
    // the whole batch anyway.
    if (!id || id->empty()) return EnvelopeError{path + ".messageId is missing or not a string"};
    ReportUnit unit{*id, {}};
    auto body = string_at(records[i], {"body"});
    if (!body) {
      unit.records.push_back(malformed(DecodedRecord{}, path + ".body is missing or not a string"));
    } else {
      unit.records = decode_notification_text(*body, path + ".body", 0);
    }
    envelope.units.push_back(std::move(unit));
  }
  return envelope;
}

Envelope decode_sns(const json& records) {
  Envelope envelope;
  envelope.kind = EnvelopeKind::SnsNotification;
  ReportUnit unit;
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::string path = "Records[" + std::to_string(i) + "].Sns.Message";
    auto message = string_at(records[i], {"Sns", "Message"});
    if (!message) {
      unit.records.push_back(malformed(DecodedRecord{}, path + " is missing or not a string"));
      continue;
    }
    // The SNS envelope is already unwrapped, so a nested one is not accepted.
    for (auto& record : decode_notification_text(*message, path, 1)) unit.records.push_back(std::move(record));
  }
  envelope.units.push_back(std::move(unit));
  return envelope;
}

Envelope decode_s3(const json& records) {
  Envelope envelope;
  envelope.kind = EnvelopeKind::S3Notification;
  ReportUnit unit;
  for (std::size_t i = 0; i < records.size(); ++i) {
    unit.records.push_back(decode_s3_record(records[i], "Records[" + std::to_string(i) + "]"));
  }
  envelope.units.push_back(std::move(unit));
  return envelope;
}

Result<Envelope, EnvelopeError> decode_records(const json& records) {
  if (records.empty()) return decode_s3(records);
  auto sqs_source = string_at(records[0], {"eventSource"});
  if (sqs_source && *sqs_source == "aws:sqs") return decode_sqs(records);
  auto sns_source = string_at(records[0], {"EventSource"});
  if (sns_source && *sns_source == "aws:sns") return decode_sns(records);
  return decode_s3(records);
}

// Returns the bucket name of an S3 bucket ARN such as "arn:aws:s3:::photos"
// (any partition), or nullopt when arn is not one.
std::optional<std::string> bucket_from_arn(const std::string& arn) {
  if (arn.rfind("arn:", 0) != 0) return std::nullopt;
  auto marker = arn.find(":s3:::", 4);
  if (marker == std::string::npos || marker == 4) return std::nullopt;
  std::string bucket = arn.substr(marker + 6);
  if (bucket.empty() || bucket.find(':') != std::string::npos || bucket.find('/') != std::string::npos) return std::nullopt;
  return bucket;
}

DecodedRecord decode_batch_task(const json& task, const std::string& path, bool schema_two) {
  DecodedRecord decoded;
  decoded.event_name = "BatchTask";
  decoded.event.action = EventAction::Created;

  if (schema_two) {
    auto bucket = string_at(task, {"s3Bucket"});
    if (!bucket || bucket->empty()) return malformed(decoded, path + ".s3Bucket is missing, empty or not a string");
    decoded.event.bucket = *bucket;
  } else {
    auto arn = string_at(task, {"s3BucketArn"});
    if (!arn) return malformed(decoded, path + ".s3BucketArn is missing or not a string");
    auto bucket = bucket_from_arn(*arn);
    if (!bucket) return malformed(decoded, path + ".s3BucketArn \"" + *arn + "\" is not an S3 bucket ARN; expected arn:aws:s3:::BUCKET");
    decoded.event.bucket = *bucket;
  }

  auto raw_key = string_at(task, {"s3Key"});
  if (!raw_key) return malformed(decoded, path + ".s3Key is missing or not a string");
  // NOTE: AWS documents s3Key as URL-encoded and decodes it with a plain
  // percent decoder ('+' stays '+'); the same is assumed for schema 2.0.
  auto key = decode_percent_key(*raw_key);
  if (!key) return malformed(decoded, path + ".s3Key: " + key.error().message);
  decoded.event.key = std::move(key).value();

  if (auto problem = read_optional_string(task, {"s3VersionId"}, path, decoded.event.version_id)) {
    return malformed(decoded, *problem);
  }
  return decoded;
}

Result<Envelope, EnvelopeError> decode_batch(const json& document) {
  Envelope envelope;
  envelope.kind = EnvelopeKind::BatchOperations;
  auto version = string_at(document, {"invocationSchemaVersion"});
  if (!version) return EnvelopeError{"invocationSchemaVersion is not a string"};
  if (*version != "1.0" && *version != "2.0") {
    return EnvelopeError{"invocationSchemaVersion \"" + *version + "\" is not supported; expected 1.0 or 2.0"};
  }
  envelope.batch_schema_version = *version;
  auto invocation_id = string_at(document, {"invocationId"});
  if (!invocation_id) return EnvelopeError{"invocationId is missing or not a string"};
  envelope.batch_invocation_id = *invocation_id;

  const json* tasks = member(document, "tasks");
  if (tasks == nullptr || !tasks->is_array()) return EnvelopeError{"tasks is missing or not an array"};
  for (std::size_t i = 0; i < tasks->size(); ++i) {
    std::string path = "tasks[" + std::to_string(i) + "]";
    auto task_id = string_at((*tasks)[i], {"taskId"});
    if (!task_id || task_id->empty()) return EnvelopeError{path + ".taskId is missing or not a string"};
    envelope.units.push_back(ReportUnit{*task_id, {decode_batch_task((*tasks)[i], path, *version == "2.0")}});
  }
  return envelope;
}

Result<json, EnvelopeError> parse_payload(std::string_view payload) {
  try {
    return json::parse(payload);
  } catch (const json::parse_error& error) {
    // nlohmann's byte is 1-based and points just past the offending character.
    std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    return EnvelopeError{"event is not valid JSON: syntax error at byte offset " + std::to_string(offset)};
  }
}

}  // namespace

Result<Envelope, EnvelopeError> decode_envelope(std::string_view payload) {
  auto parsed = parse_payload(payload);
  if (!parsed) return parsed.error();
  const json& document = parsed.value();
  if (!document.is_object()) return EnvelopeError{"event is not a JSON object"};

  if (member(document, "invocationSchemaVersion") != nullptr) return decode_batch(document);
  if (is_s3_test_event(document)) {
    Envelope envelope;
    envelope.test_event = true;
    return envelope;
  }
  if (is_eventbridge_s3_event(document)) {
    Envelope envelope;
    envelope.kind = EnvelopeKind::EventBridge;
    envelope.units.push_back(ReportUnit{"", {decode_eventbridge_event(document, "event")}});
    return envelope;
  }
  const json* records = member(document, "Records");
  if (records != nullptr && records->is_array()) return decode_records(*records);
  return EnvelopeError{
      "event matches no supported envelope; expected an S3 notification, SNS or SQS records, an EventBridge S3 event "
      "or an S3 Batch Operations job"};
}

const char* envelope_kind_name(EnvelopeKind kind) {
  switch (kind) {
    case EnvelopeKind::S3Notification: return "s3";
    case EnvelopeKind::SnsNotification: return "sns";
    case EnvelopeKind::SqsBatch: return "sqs";
    case EnvelopeKind::EventBridge: return "eventbridge";
    case EnvelopeKind::BatchOperations: return "batch_operations";
  }
  return "s3";
}

}  // namespace exifscrub::lambda
