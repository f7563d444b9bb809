// Structured output of the function on stdout, where Lambda forwards it to
// CloudWatch Logs: one JSON log line per event (start-up, errors, one line per
// object) and one CloudWatch Embedded Metric Format line per object.
//
// Does not log object bytes, metadata values or secrets: callers pass ids,
// bucket names, keys, outcomes, error kinds, sizes and one-line messages only.
// Keys are user data but operators need them, so they are logged, JSON-escaped.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "lambda/config.h"
#include "pipeline/object_event.h"

namespace exifscrub::lambda {

using Clock = std::function<std::chrono::system_clock::time_point()>;

class Logger {
 public:
  // Writes to out, dropping lines below level. clock stamps each line.
  Logger(std::ostream& out, LogLevel level, std::string function_name, Clock clock);

  // Sets the ids that every following line carries, until the next call.
  void set_invocation(std::string request_id, std::string trace_id);

  // Writes one line with timestamp, level, message, the invocation ids and
  // the extra fields, when level is enabled.
  void write(LogLevel level, std::string_view message, nlohmann::ordered_json fields = nlohmann::ordered_json::object());

  // Writes the line for one object: info for success, warn for permanent
  // failures, error for transient ones. event_name is the source's name.
  void object(const pipeline::ObjectEvent& event, std::string_view event_name, const pipeline::ObjectOutcome& outcome);

  // Writes the EMF metrics line for one object, whatever the level:
  // ObjectsScrubbed, ObjectsRejected (rejected and missing), ObjectsFailed,
  // BytesRemoved and, when the processor ran, Duration.
  void metrics(const pipeline::ObjectOutcome& outcome, bool processed);

  bool enabled(LogLevel level) const { return level >= level_; }

 private:
  void emit(const nlohmann::ordered_json& line);

  std::ostream& out_;
  LogLevel level_;
  std::string function_name_;
  Clock clock_;
  std::string request_id_;
  std::string trace_id_;
};

// Formats time as ISO 8601 UTC with milliseconds: "2026-12-04T20:46:22.123Z".
std::string format_timestamp(std::chrono::system_clock::time_point time);

}  // namespace exifscrub::lambda
