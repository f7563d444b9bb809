// One invocation: decode the envelope, apply the guards (recursion, source
// bucket, key suffix, deadline), hand each remaining object event to the
// processor, log every object and shape the reply the event source expects.
//
// Does not talk to the Runtime API or to S3; the runtime loop feeds it
// payloads and the processor does the S3 work. Key suffixes are checked here,
// before the processor runs, so skipped keys cost no S3 request. The pipeline
// checks them again for callers other than this handler.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "lambda/config.h"
#include "lambda/envelope.h"
#include "lambda/log.h"
#include "lambda/reply.h"
#include "pipeline/object_event.h"

namespace exifscrub::lambda {

// Invocation details from the Runtime API headers.
struct InvocationContext {
  std::string request_id;
  std::string trace_id;      // Lambda-Runtime-Trace-Id; empty when absent
  std::string function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  std::chrono::system_clock::time_point deadline{};  // epoch when unknown: no deadline checks
  std::chrono::system_clock::time_point received{};  // when the invocation arrived
};

class Handler {
 public:
  Handler(const Config& config, Logger& logger, Clock clock);

  // Runs one invocation and returns its reply. Decoding errors, guard
  // rejections and processor outcomes all become part of the reply and are
  // logged. Exceptions thrown by the processor propagate to the caller.
  Reply handle(std::string_view payload, const InvocationContext& context, pipeline::ObjectProcessor& processor);

  // The time before the deadline at which no new object starts:
  // max(DEADLINE_MARGIN_MS, DEADLINE_MARGIN_PERCENT of the invocation's budget).
  std::chrono::milliseconds safety_margin(const InvocationContext& context) const;

 private:
  pipeline::ObjectOutcome run_record(const DecodedRecord& record, const InvocationContext& context,
                                     pipeline::ObjectProcessor& processor, bool& processed);
  std::optional<pipeline::ObjectOutcome> check_guards(const pipeline::ObjectEvent& event,
                                                      const InvocationContext& context);

  const Config& config_;
  Logger& logger_;
  Clock clock_;
};

// True when key ends in ".jpg" or ".jpeg", in any letter case.
bool has_jpeg_suffix(std::string_view key);

}  // namespace exifscrub::lambda
