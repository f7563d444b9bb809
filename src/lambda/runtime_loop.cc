// Runtime loop. Configuration errors go to /init/error because Lambda then
// reports them as Runtime.InitError on every invocation attempt, which is
// where an operator looks first.
#include "lambda/runtime_loop.h"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <thread>

#include "lambda/runtime_client.h"

namespace exifscrub::lambda {
namespace {

using nlohmann::ordered_json;

void log_start(Logger& logger, const Config& config, const std::string& endpoint) {
  logger.write(LogLevel::Info, "runtime started",
               {{"runtime_api", endpoint},
                {"dest_bucket", config.dest_bucket},
                {"source_bucket", config.source_bucket},
                {"orientation", orientation_mode_name(config.orientation)},
                {"keep_icc", config.keep_icc},
                {"max_object_bytes", config.max_object_bytes},
                {"log_level", log_level_name(config.log_level)},
                {"endpoint_url", config.endpoint_url},
                {"deadline_margin_ms", config.deadline_margin.count()},
                {"deadline_margin_percent", config.deadline_margin_percent},
                {"treat_missing_keys_as", batch_result_code_name(config.treat_missing_keys_as)}});
}

// Sets _X_AMZN_TRACE_ID as Lambda's own runtimes do, so code that reads the
// environment (and child processes) see this invocation's trace.
void export_trace_id(const std::string& trace_id) {
  if (trace_id.empty()) {
    unsetenv("_X_AMZN_TRACE_ID");
  } else {
    setenv("_X_AMZN_TRACE_ID", trace_id.c_str(), 1);
  }
}

Reply run_invocation(const ProcessorFactory& factory, const Config& config, Logger& logger, const Clock& clock,
                     const RuntimeInvocation& invocation) {
  InvocationContext context{invocation.request_id, invocation.trace_id, invocation.function_arn, invocation.deadline,
                            clock()};
  auto processor = factory(config, context);
  if (!processor) {
    logger.write(LogLevel::Error, "processor unavailable: " + processor.error());
    return Reply{true, "", "ProcessorUnavailable", processor.error()};
  }
  Handler handler(config, logger, clock);
  return handler.handle(invocation.payload, context, *processor.value());
}

void post_reply(RuntimeClient& client, Logger& logger, const std::string& request_id, const Reply& reply) {
  auto posted = reply.is_error ? client.post_error(request_id, reply.error_type, reply.error_message)
                               : client.post_response(request_id, reply.body);
  if (!posted) logger.write(LogLevel::Error, "posting the reply failed: " + posted.error().message);
}

// Fetches and runs invocations until GET /next fails max_attempts times in a
// row, then returns 1.
int serve_invocations(RuntimeClient& client, const ProcessorFactory& factory, const Config& config, Logger& logger,
                      const RuntimeOptions& options) {
  int failures = 0;
  while (failures < options.next_attempts) {
    auto invocation = client.next();
    if (!invocation) {
      ++failures;
      logger.write(LogLevel::Error, "fetching the next invocation failed: " + invocation.error().message,
                   {{"attempt", failures}, {"max_attempts", options.next_attempts}});
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * failures));
      continue;
    }
    failures = 0;
    export_trace_id(invocation->trace_id);
    logger.set_invocation(invocation->request_id, invocation->trace_id);

    Reply reply;
    try {
      reply = run_invocation(factory, config, logger, options.clock, invocation.value());
    } catch (const std::exception& error) {
      // Only a bug or memory exhaustion gets here. Report it for this
      // invocation and keep the process, which may serve the next one.
      logger.write(LogLevel::Error, std::string("unexpected exception: ") + error.what());
      reply = Reply{true, "", "InternalError", std::string("unexpected exception: ") + error.what()};
    }
    post_reply(client, logger, invocation->request_id, reply);
    logger.set_invocation("", "");
  }
  logger.write(LogLevel::Error, "stopping: the Runtime API failed " + std::to_string(failures) + " times in a row");
  return 1;
}

}  // namespace

int run_runtime_loop(const ProcessorFactory& factory, const RuntimeOptions& options) {
  std::ostream& out = options.out != nullptr ? *options.out : std::cout;
  auto function_name = options.env("AWS_LAMBDA_FUNCTION_NAME").value_or("exifscrub");
  Logger logger(out, LogLevel::Info, function_name, options.clock);

  auto endpoint = options.env("AWS_LAMBDA_RUNTIME_API");
  if (!endpoint || endpoint->empty()) {
    logger.write(LogLevel::Error, "AWS_LAMBDA_RUNTIME_API is not set; run the bootstrap inside Lambda or the emulator");
    return 1;
  }
  RuntimeClient client(*endpoint);

  auto config = load_config(options.env);
  if (!config) {
    logger.write(LogLevel::Error, "invalid configuration: " + config.error().message, {{"variable", config.error().variable}});
    auto posted = client.post_init_error("InvalidConfiguration", config.error().message);
    if (!posted) logger.write(LogLevel::Error, "posting the init error failed: " + posted.error().message);
    return 1;
  }

  // Until the configuration is read, the level is info; from here on it is LOG_LEVEL.
  Logger configured(out, config->log_level, config->function_name, options.clock);
  log_start(configured, config.value(), *endpoint);
  return serve_invocations(client, factory, config.value(), configured, options);
}

}  // namespace exifscrub::lambda
