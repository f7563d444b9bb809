// JSON lines. EMF fields follow the CloudWatch Embedded Metric Format
// specification: an "_aws" object with Timestamp (epoch ms) and
// CloudWatchMetrics directives whose dimension and metric names refer to
// top-level members of the same line.
#include "lambda/log.h"

#include <ctime>
#include <cstdio>

#include "lambda/reply.h"

namespace exifscrub::lambda {
namespace {

using nlohmann::ordered_json;
using pipeline::Outcome;

const char* action_name(pipeline::EventAction action) {
  return action == pipeline::EventAction::Created ? "created" : "removed";
}

LogLevel object_level(Outcome outcome) {
  switch (outcome) {
    case Outcome::Rejected:
    case Outcome::Missing: return LogLevel::Warn;
    case Outcome::Failed: return LogLevel::Error;
    default: return LogLevel::Info;
  }
}

std::int64_t epoch_ms(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

std::string format_timestamp(std::chrono::system_clock::time_point time) {
  std::int64_t ms = epoch_ms(time);
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

Logger::Logger(std::ostream& out, LogLevel level, std::string function_name, Clock clock)
    : out_(out), level_(level), function_name_(std::move(function_name)), clock_(std::move(clock)) {}

void Logger::set_invocation(std::string request_id, std::string trace_id) {
  request_id_ = std::move(request_id);
  trace_id_ = std::move(trace_id);
}

void Logger::write(LogLevel level, std::string_view message, ordered_json fields) {
  if (!enabled(level)) return;
  ordered_json line{{"timestamp", format_timestamp(clock_())},
                    {"level", log_level_name(level)},
                    {"message", message}};
  if (!request_id_.empty()) line["request_id"] = request_id_;
  if (!trace_id_.empty()) line["trace_id"] = trace_id_;
  for (auto& [name, value] : fields.items()) line[name] = value;
  emit(line);
}

void Logger::object(const pipeline::ObjectEvent& event, std::string_view event_name,
                    const pipeline::ObjectOutcome& outcome) {
  ordered_json fields{{"event_name", event_name},
                      {"bucket", event.bucket},
                      {"key", event.key},
                      {"version_id", event.version_id},
                      {"action", action_name(event.action)},
                      {"outcome", outcome_label(outcome.outcome)},
                      {"error_kind", outcome.error_kind},
                      {"bytes_in", outcome.bytes_in},
                      {"bytes_out", outcome.bytes_out},
                      {"segments_removed", outcome.segments_removed},
                      {"duration_ms", outcome.duration.count()}};
  write(object_level(outcome.outcome), outcome.message.empty() ? "object processed" : outcome.message, fields);
}

void Logger::metrics(const pipeline::ObjectOutcome& outcome, bool processed) {
  ordered_json metric_list = ordered_json::array({{{"Name", "ObjectsScrubbed"}, {"Unit", "Count"}},
                                                  {{"Name", "ObjectsRejected"}, {"Unit", "Count"}},
                                                  {{"Name", "ObjectsFailed"}, {"Unit", "Count"}},
                                                  {{"Name", "BytesRemoved"}, {"Unit", "Bytes"}}});
  if (processed) metric_list.push_back({{"Name", "Duration"}, {"Unit", "Milliseconds"}});

  ordered_json directive{{"Namespace", "exifscrub"},
                         {"Dimensions", ordered_json::array({ordered_json::array({"FunctionName"})})},
                         {"Metrics", metric_list}};
  bool scrubbed = outcome.outcome == Outcome::Scrubbed;
  bool rejected = outcome.outcome == Outcome::Rejected || outcome.outcome == Outcome::Missing;
  std::uint64_t removed = scrubbed && outcome.bytes_in > outcome.bytes_out ? outcome.bytes_in - outcome.bytes_out : 0;

  ordered_json line{{"_aws", {{"Timestamp", epoch_ms(clock_())}, {"CloudWatchMetrics", ordered_json::array({directive})}}},
                    {"FunctionName", function_name_},
                    {"ObjectsScrubbed", scrubbed ? 1 : 0},
                    {"ObjectsRejected", rejected ? 1 : 0},
                    {"ObjectsFailed", outcome.outcome == Outcome::Failed ? 1 : 0},
                    {"BytesRemoved", removed}};
  if (processed) line["Duration"] = outcome.duration.count();
  if (!request_id_.empty()) line["request_id"] = request_id_;
  line["outcome"] = outcome_label(outcome.outcome);
  emit(line);
}

void Logger::emit(const ordered_json& line) {
  // Invalid UTF-8 in a key would make dump() throw; replace it instead, so a
  // log line can never take the invocation down.
  out_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  out_.flush();
}

}  // namespace exifscrub::lambda
