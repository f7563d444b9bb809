// The unit of work shared by the Lambda handler and the CLI: one object event
// (created or removed in the source bucket) and the outcome of processing it.
//
// Event envelopes (S3 notifications, SQS, SNS, EventBridge, Batch Operations)
// are decoded into ObjectEvent values by the lambda component, and the
// pipeline turns each into an ObjectOutcome. Neither type contains object bytes or
// metadata values, so both are safe to log.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace exifscrub::pipeline {

enum class EventAction { Created, Removed };

struct ObjectEvent {
  EventAction action = EventAction::Created;
  std::string bucket;       // source bucket
  std::string key;          // decoded object key, exactly as stored in S3
  std::string version_id;   // empty when the bucket is not versioned or the envelope has none
  std::string etag;         // source ETag from the event, without quotes; may be empty
  std::string sequencer;    // S3 event sequencer (hex); empty when the envelope has none
  std::uint64_t size = 0;   // object size from the event; 0 when unknown
};

enum class Outcome {
  Scrubbed,   // a cleaned copy was written to the destination
  Deleted,    // the destination copy was deleted (or was already absent)
  Skipped,    // not a .jpg/.jpeg key, or an S3 test event: nothing to do
  Stale,      // the destination already contains the result of a newer or identical event
  Rejected,   // permanent: not a JPEG, malformed, too large; nothing written
  Missing,    // permanent: the source object no longer exists; nothing written
  Failed,     // transient: S3 error or timeout; the caller must report failure so AWS retries
};

// Stable snake_case name, used in logs and metrics ("scrubbed", "rejected").
const char* outcome_name(Outcome outcome);

// True for outcomes that the event source must see as failures: transient
// ones so they are retried, permanent ones so they reach the on-failure
// destination.
bool is_failure(Outcome outcome);

struct ObjectOutcome {
  Outcome outcome = Outcome::Failed;
  std::string error_kind;      // stable snake_case kind ("not_jpeg", "access_denied"), empty on success
  std::string message;         // one line for logs: never metadata values or object bytes
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint32_t segments_removed = 0;
  int orientation_applied = 0;
  std::chrono::milliseconds duration{0};
};

// Processes one event. Implemented by the S3 pipeline; tests substitute fakes.
class ObjectProcessor {
 public:
  virtual ~ObjectProcessor() = default;
  virtual ObjectOutcome process(const ObjectEvent& event) = 0;
};

}  // namespace exifscrub::pipeline
