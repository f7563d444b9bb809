// Reply shaping. Key order follows the AWS documentation examples
// (ordered_json) so replies read the same in logs and in the emulator.
#include "lambda/reply.h"

#include <nlohmann/json.hpp>

#include <utility>

namespace exifscrub::lambda {
namespace {

using nlohmann::ordered_json;
using pipeline::ObjectOutcome;
using pipeline::Outcome;

BatchResultCode unit_result_code(const std::vector<ObjectOutcome>& outcomes) {
  BatchResultCode code = BatchResultCode::Succeeded;
  for (const auto& outcome : outcomes) {
    BatchResultCode record_code = batch_result_code(outcome.outcome);
    // A temporary failure wins, so a retry can still succeed for the unit.
    if (record_code == BatchResultCode::TemporaryFailure) return record_code;
    if (record_code == BatchResultCode::PermanentFailure) code = record_code;
  }
  return code;
}

std::string describe(const ObjectOutcome& outcome) {
  std::string text = outcome_label(outcome.outcome);
  if (!outcome.error_kind.empty()) text += " (" + outcome.error_kind + ")";
  if (!outcome.message.empty()) text += ": " + outcome.message;
  return text;
}

Reply sqs_reply(const Envelope& envelope, const UnitOutcomes& outcomes) {
  ordered_json failures = ordered_json::array();
  for (std::size_t u = 0; u < envelope.units.size(); ++u) {
    if (unit_result_code(outcomes[u]) != BatchResultCode::Succeeded) {
      failures.push_back({{"itemIdentifier", envelope.units[u].id}});
    }
  }
  return Reply{false, ordered_json{{"batchItemFailures", failures}}.dump(), "", ""};
}

Reply batch_reply(const Envelope& envelope, const UnitOutcomes& outcomes, BatchResultCode treat_missing_keys_as) {
  ordered_json results = ordered_json::array();
  for (std::size_t u = 0; u < envelope.units.size(); ++u) {
    std::string result_string;
    for (const auto& outcome : outcomes[u]) {
      if (!result_string.empty()) result_string += "; ";
      result_string += describe(outcome);
    }
    results.push_back({{"taskId", envelope.units[u].id},
                       {"resultCode", batch_result_code_name(unit_result_code(outcomes[u]))},
                       {"resultString", result_string}});
  }
  ordered_json body{{"invocationSchemaVersion", envelope.batch_schema_version},
                    {"treatMissingKeysAs", batch_result_code_name(treat_missing_keys_as)},
                    {"invocationId", envelope.batch_invocation_id},
                    {"results", results}};
  return Reply{false, body.dump(), "", ""};
}

// Counts of "outcome (kind)" groups in order of first appearance.
using FailureGroups = std::vector<std::pair<std::string, int>>;

void add_failure(FailureGroups& groups, const ObjectOutcome& outcome) {
  std::string group = outcome_label(outcome.outcome);
  if (!outcome.error_kind.empty()) group += " (" + outcome.error_kind + ")";
  for (auto& [name, count] : groups) {
    if (name == group) {
      ++count;
      return;
    }
  }
  groups.emplace_back(group, 1);
}

// S3, SNS and EventBridge retry or dead-letter the whole invocation, so any
// failed record turns the reply into an invocation error.
Reply whole_invocation_reply(const UnitOutcomes& outcomes) {
  std::size_t total = 0;
  FailureGroups failures;
  ordered_json counts = ordered_json::object();
  for (const auto& unit : outcomes) {
    for (const auto& outcome : unit) {
      ++total;
      const char* label = outcome_label(outcome.outcome);
      counts[label] = counts.value(label, 0) + 1;
      if (reports_failure(outcome.outcome)) add_failure(failures, outcome);
    }
  }
  if (failures.empty()) {
    return Reply{false, ordered_json{{"status", "succeeded"}, {"objects", total}, {"outcomes", counts}}.dump(), "", ""};
  }

  int failed = 0;
  std::string groups;
  for (const auto& [name, count] : failures) {
    failed += count;
    groups += (groups.empty() ? "" : ", ") + std::to_string(count) + " " + name;
  }
  std::string message = std::to_string(failed) + " of " + std::to_string(total) + " objects failed: " + groups;
  return Reply{true, "", "ObjectsFailed", message};
}

}  // namespace

Reply shape_reply(const Envelope& envelope, const UnitOutcomes& outcomes, BatchResultCode treat_missing_keys_as) {
  switch (envelope.kind) {
    case EnvelopeKind::SqsBatch: return sqs_reply(envelope, outcomes);
    case EnvelopeKind::BatchOperations: return batch_reply(envelope, outcomes, treat_missing_keys_as);
    case EnvelopeKind::S3Notification:
    case EnvelopeKind::SnsNotification:
    case EnvelopeKind::EventBridge: return whole_invocation_reply(outcomes);
  }
  return whole_invocation_reply(outcomes);
}

Reply invalid_event_reply(const EnvelopeError& error) {
  return Reply{true, "", "InvalidEvent", error.message};
}

const char* outcome_label(pipeline::Outcome outcome) {
  switch (outcome) {
    case Outcome::Scrubbed: return "scrubbed";
    case Outcome::Deleted: return "deleted";
    case Outcome::Skipped: return "skipped";
    case Outcome::Stale: return "stale";
    case Outcome::Rejected: return "rejected";
    case Outcome::Missing: return "missing";
    case Outcome::Failed: return "failed";
  }
  return "failed";
}

BatchResultCode batch_result_code(pipeline::Outcome outcome) {
  switch (outcome) {
    case Outcome::Scrubbed:
    case Outcome::Deleted:
    case Outcome::Skipped:
    case Outcome::Stale: return BatchResultCode::Succeeded;
    case Outcome::Rejected:
    case Outcome::Missing: return BatchResultCode::PermanentFailure;
    case Outcome::Failed: return BatchResultCode::TemporaryFailure;
  }
  return BatchResultCode::TemporaryFailure;
}

bool reports_failure(pipeline::Outcome outcome) {
  return batch_result_code(outcome) != BatchResultCode::Succeeded;
}

}  // namespace exifscrub::lambda
