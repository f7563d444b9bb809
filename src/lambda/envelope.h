// Decoding of every event envelope that can invoke the function into object
// events: S3 notifications (from AWS, MinIO and Ceph RGW), SNS notifications,
// SQS batches (carrying S3 notifications, SNS envelopes or EventBridge
// events), EventBridge "Object Created" and "Object Deleted" events, and S3
// Batch Operations jobs (invocation schema 1.0 and 2.0).
//
// Does not filter by key suffix or bucket and does not touch S3; the handler
// decides what to process. The difficulty is that one invocation mixes good
// and bad records. A malformed record becomes a Malformed entry in its unit
// and the other records are still decoded. Only a payload that matches no
// envelope at all is an EnvelopeError.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/object_event.h"
#include "support/result.h"

namespace exifscrub::lambda {

enum class EnvelopeKind { S3Notification, SnsNotification, SqsBatch, EventBridge, BatchOperations };

enum class RecordStatus {
  Ready,      // event is complete and names a created or removed object
  Ignored,    // well-formed, but an event type the function does not act on
  Malformed,  // could not be decoded; detail names the field and the defect
};

struct DecodedRecord {
  RecordStatus status = RecordStatus::Ready;
  pipeline::ObjectEvent event;  // complete when Ready; as far as decoded otherwise
  std::string event_name;       // the source's name: "ObjectCreated:Put", "Object Deleted", "BatchTask"
  std::string detail;           // Ignored and Malformed: one line naming the field, never metadata
};

// The part of an invocation that the event source accepts or retries as a
// whole: one SQS message, one Batch Operations task, or, for S3, SNS and
// EventBridge, the entire invocation.
struct ReportUnit {
  std::string id;  // SQS messageId or Batch Operations taskId; empty for the other kinds
  std::vector<DecodedRecord> records;
};

struct Envelope {
  EnvelopeKind kind = EnvelopeKind::S3Notification;
  bool test_event = false;  // the payload itself is an s3:TestEvent
  std::vector<ReportUnit> units;
  std::string batch_schema_version;  // Batch Operations only: "1.0" or "2.0"
  std::string batch_invocation_id;   // Batch Operations only
};

struct EnvelopeError {
  std::string message;  // one line; names the field or the byte offset of a JSON syntax error
};

// Decodes payload. Fails only when the payload is not JSON, matches no
// supported envelope, or lacks an id that the reply must name (an SQS
// messageId, a Batch Operations invocationId or taskId). Every other defect
// is reported per record.
Result<Envelope, EnvelopeError> decode_envelope(std::string_view payload);

const char* envelope_kind_name(EnvelopeKind kind);

}  // namespace exifscrub::lambda
