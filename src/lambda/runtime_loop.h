// The custom runtime's main loop: read the configuration, then fetch each
// invocation from the Runtime API, run the handler with a processor made for
// that invocation, and post the reply. The CLI's main calls
// run_runtime_loop when the binary runs as the Lambda "bootstrap".
//
// Does not know how objects are processed; the caller supplies a factory
// that builds the S3-backed processor. The loop sets _X_AMZN_TRACE_ID for
// each invocation, which mutates the process environment, so run at most one
// loop per process.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include "lambda/config.h"
#include "lambda/handler.h"
#include "lambda/log.h"
#include "pipeline/object_event.h"
#include "support/result.h"

namespace exifscrub::lambda {

// Builds the processor for one invocation. context carries the trace id that
// S3 requests must send as X-Amzn-Trace-Id (Lambda's recursive loop
// detection relies on it) and the deadline that bounds their timeouts. An
// error string fails the invocation with errorType "ProcessorUnavailable".
using ProcessorFactory = std::function<Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string>(
    const Config& config, const InvocationContext& context)>;

struct RuntimeOptions {
  EnvLookup env = process_env;  // configuration and AWS_LAMBDA_RUNTIME_API
  std::ostream* out = nullptr;  // log sink; nullptr means std::cout
  Clock clock = [] { return std::chrono::system_clock::now(); };
  int next_attempts = 3;        // consecutive failed GET /next requests before the loop exits
};

// Runs until the Runtime API stops handing out invocations. Returns 1 when
// AWS_LAMBDA_RUNTIME_API is missing, when the configuration is invalid (after
// posting an init error), or when GET /next failed next_attempts times in a
// row. A std::exception from the handler or processor fails only its
// invocation, with errorType "InternalError".
int run_runtime_loop(const ProcessorFactory& factory, const RuntimeOptions& options = {});

}  // namespace exifscrub::lambda
