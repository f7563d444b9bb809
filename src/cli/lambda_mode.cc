#include "cli/lambda_mode.h"

#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "lambda/runtime_loop.h"
#include "pipeline/s3_processor.h"
#include "s3/client.h"
#include "s3/config.h"
#include "s3/system_libraries.h"

namespace exifscrub::cli {
namespace {

jpeg::OrientationMode to_scrub_mode(lambda::OrientationMode mode) {
  switch (mode) {
    case lambda::OrientationMode::Apply: return jpeg::OrientationMode::Apply;
    case lambda::OrientationMode::KeepTag: return jpeg::OrientationMode::KeepTag;
    case lambda::OrientationMode::Drop: return jpeg::OrientationMode::Drop;
  }
  return jpeg::OrientationMode::Apply;
}

// One line per S3 retry on standard error, which Lambda sends to CloudWatch
// like standard output. Names the operation and object, never credentials.
void log_retry(const s3::RetryEvent& event) {
  std::cerr << R"({"level":"warn","message":"retrying S3 request","operation":")" << event.operation
            << R"(","failed_attempt":)" << event.failed_attempt << R"(,"error_kind":")"
            << s3::kind_name(event.error.kind) << R"(","delay_ms":)" << event.delay.count() << "}\n";
}

// Builds the S3-backed processor for each invocation. The S3 client is made
// on the first invocation and kept while the execution environment stays
// warm, so its connections are reused. Start-up itself sends no request.
class ProcessorSource {
 public:
  Result<std::unique_ptr<pipeline::ObjectProcessor>, std::string> make(const lambda::Config& config,
                                                                       const lambda::InvocationContext& context) {
    if (!client_) {
      auto s3_config = s3::config_from_environment();
      if (!s3_config.ok()) return s3_config.error().describe();
      s3_config.value().on_retry = log_retry;
      client_ = std::make_unique<s3::Client>(std::move(s3_config).value());
    }
    client_->set_trace_id(context.trace_id);

    pipeline::ProcessorConfig processor_config;
    processor_config.destination_bucket = config.dest_bucket;
    processor_config.scrub.orientation = to_scrub_mode(config.orientation);
    processor_config.scrub.keep_icc = config.keep_icc;
    processor_config.limits.max_object_bytes = config.max_object_bytes;
    return std::unique_ptr<pipeline::ObjectProcessor>(
        std::make_unique<pipeline::S3Processor>(*client_, std::move(processor_config)));
  }

 private:
  std::unique_ptr<s3::Client> client_;
};

}  // namespace

bool is_lambda_invocation(std::string_view program, std::size_t argument_count,
                          const char* runtime_api) {
  const auto slash = program.rfind('/');
  const std::string_view basename = slash == std::string_view::npos ? program
                                                                    : program.substr(slash + 1);
  // Lambda starts the bootstrap without arguments; with arguments the
  // packaged binary still works as the CLI ("bootstrap --version").
  if (argument_count > 0) return false;
  return basename == "bootstrap" || runtime_api != nullptr;
}

ExitCode run_lambda_mode() {
  ProcessorSource source;
  const lambda::ProcessorFactory factory = [&source](const lambda::Config& config,
                                                     const lambda::InvocationContext& context) {
    return source.make(config, context);
  };
  // The first invocation needs libcurl, libcrypto and zlib (about 30 shared
  // libraries with their dependencies). Opening them on a second thread
  // overlaps that cost with the wait for the first event instead of adding
  // it to the first invocation. The runtime loop never waits for it: the
  // first S3 request waits only for what is not loaded yet, because
  // system_libraries() initialises once, under a function-local static.
  std::thread preload([] { s3::system_libraries(); });
  const int status = lambda::run_runtime_loop(factory);
  preload.join();
  return status == 0 ? ExitCode::Success : ExitCode::Io;
}

}  // namespace exifscrub::cli
