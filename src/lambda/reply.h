// Shaping of the invocation reply that each event source expects from the
// outcomes of its records: a summary or an invocation error for S3, SNS and
// EventBridge, batchItemFailures for SQS, per-task results for S3 Batch
// Operations.
//
// Does not decide outcomes; the handler supplies one per decoded record.
// Replies never contain metadata values or object bytes, only ids, counts,
// outcome names, error kinds and the processor's one-line messages.
#pragma once

#include <string>
#include <vector>

#include "lambda/config.h"
#include "lambda/envelope.h"
#include "pipeline/object_event.h"

namespace exifscrub::lambda {

// The result the runtime posts: a response body or an invocation error.
struct Reply {
  bool is_error = false;
  std::string body;           // JSON response when !is_error
  std::string error_type;     // when is_error: "ObjectsFailed", "InvalidEvent", ...
  std::string error_message;  // when is_error: one line
};

// outcomes[u][r] belongs to envelope.units[u].records[r].
using UnitOutcomes = std::vector<std::vector<pipeline::ObjectOutcome>>;

// Builds the reply for envelope. Requires outcomes to match the shape of
// envelope.units. A unit fails when any of its records failed.
Reply shape_reply(const Envelope& envelope, const UnitOutcomes& outcomes, BatchResultCode treat_missing_keys_as);

// Builds the invocation error for a payload that could not be decoded.
Reply invalid_event_reply(const EnvelopeError& error);

// Stable snake_case name of an outcome, as used in logs, metrics and replies.
// NOTE: this repeats pipeline::outcome_name because linking the pipeline
// library would pull the S3 client into this one. reply_test pins every name.
const char* outcome_label(pipeline::Outcome outcome);

// The Batch Operations result code of an outcome: success for scrubbed,
// deleted, skipped and stale; PermanentFailure for rejected and missing;
// TemporaryFailure for failed, so Batch Operations retries it.
BatchResultCode batch_result_code(pipeline::Outcome outcome);

// True when the event source must see the outcome as a failure.
bool reports_failure(pipeline::Outcome outcome);

}  // namespace exifscrub::lambda
