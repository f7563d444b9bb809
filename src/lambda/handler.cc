// Invocation handling. Guards run in a fixed order, so an event that trips
// several of them always gets the same outcome. The recursion guard comes
// first because processing the destination bucket would loop. The deadline
// comes last because it only postpones work.
#include "lambda/handler.h"

#include <algorithm>

namespace exifscrub::lambda {
namespace {

using pipeline::ObjectOutcome;
using pipeline::Outcome;
using std::chrono::milliseconds;

ObjectOutcome make_outcome(Outcome outcome, std::string kind, std::string message) {
  ObjectOutcome result;
  result.outcome = outcome;
  result.error_kind = std::move(kind);
  result.message = std::move(message);
  return result;
}

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  auto tail = text.substr(text.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char a, char b) {
    return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
  });
}

}  // namespace

bool has_jpeg_suffix(std::string_view key) {
  return ends_with_ignoring_case(key, ".jpg") || ends_with_ignoring_case(key, ".jpeg");
}

Handler::Handler(const Config& config, Logger& logger, Clock clock)
    : config_(config), logger_(logger), clock_(std::move(clock)) {}

milliseconds Handler::safety_margin(const InvocationContext& context) const {
  auto budget = std::chrono::duration_cast<milliseconds>(context.deadline - context.received);
  if (budget.count() < 0) budget = milliseconds(0);
  milliseconds share(budget.count() * config_.deadline_margin_percent / 100);
  return std::max(config_.deadline_margin, share);
}

std::optional<ObjectOutcome> Handler::check_guards(const pipeline::ObjectEvent& event,
                                                   const InvocationContext& context) {
  if (event.bucket == config_.dest_bucket) {
    return make_outcome(Outcome::Rejected, "recursion_guard",
                        "event names the destination bucket " + event.bucket +
                            "; the function never processes its own output; remove this bucket's notification to the function");
  }
  if (!config_.source_bucket.empty() && event.bucket != config_.source_bucket) {
    return make_outcome(Outcome::Rejected, "unexpected_bucket",
                        "event names bucket " + event.bucket + " but SOURCE_BUCKET is " + config_.source_bucket);
  }
  if (!has_jpeg_suffix(event.key)) {
    return make_outcome(Outcome::Skipped, "", "key does not end in .jpg or .jpeg");
  }
  if (context.deadline.time_since_epoch().count() != 0) {
    auto left = std::chrono::duration_cast<milliseconds>(context.deadline - clock_());
    auto margin = safety_margin(context);
    if (left < margin) {
      return make_outcome(Outcome::Failed, "deadline_exceeded",
                          "not started: " + std::to_string(left.count()) + " ms left before the invocation deadline, " +
                              "less than the " + std::to_string(margin.count()) + " ms safety margin");
    }
  }
  return std::nullopt;
}

ObjectOutcome Handler::run_record(const DecodedRecord& record, const InvocationContext& context,
                                  pipeline::ObjectProcessor& processor, bool& processed) {
  processed = false;
  if (record.status == RecordStatus::Malformed) return make_outcome(Outcome::Rejected, "malformed_event", record.detail);
  if (record.status == RecordStatus::Ignored) return make_outcome(Outcome::Skipped, "", record.detail);
  if (auto guarded = check_guards(record.event, context)) return *guarded;

  auto started = clock_();
  ObjectOutcome outcome = processor.process(record.event);
  processed = true;
  if (outcome.duration.count() == 0) {
    outcome.duration = std::chrono::duration_cast<milliseconds>(clock_() - started);
  }
  return outcome;
}

Reply Handler::handle(std::string_view payload, const InvocationContext& context,
                      pipeline::ObjectProcessor& processor) {
  auto decoded = decode_envelope(payload);
  if (!decoded) {
    logger_.write(LogLevel::Error, "invalid event: " + decoded.error().message,
                  {{"payload_bytes", payload.size()}});
    return invalid_event_reply(decoded.error());
  }
  const Envelope& envelope = decoded.value();
  logger_.write(LogLevel::Debug, "event decoded",
                {{"envelope", envelope_kind_name(envelope.kind)}, {"units", envelope.units.size()},
                 {"test_event", envelope.test_event}, {"safety_margin_ms", safety_margin(context).count()}});
  if (envelope.test_event) logger_.write(LogLevel::Info, "S3 test event acknowledged");

  UnitOutcomes outcomes;
  for (const auto& unit : envelope.units) {
    auto& unit_outcomes = outcomes.emplace_back();
    if (unit.records.empty()) logger_.write(LogLevel::Info, "message carries no records", {{"unit_id", unit.id}});
    for (const auto& record : unit.records) {
      bool processed = false;
      unit_outcomes.push_back(run_record(record, context, processor, processed));
      logger_.object(record.event, record.event_name, unit_outcomes.back());
      // Skipped keys are not metered: they would only dilute the duration.
      if (record.status == RecordStatus::Ready && unit_outcomes.back().outcome != pipeline::Outcome::Skipped) {
        logger_.metrics(unit_outcomes.back(), processed);
      }
    }
  }

  Reply reply = shape_reply(envelope, outcomes, config_.treat_missing_keys_as);
  if (reply.is_error) logger_.write(LogLevel::Error, "invocation failed: " + reply.error_message, {{"error_type", reply.error_type}});
  return reply;
}

}  // namespace exifscrub::lambda
