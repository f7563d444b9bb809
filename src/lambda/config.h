// The function's configuration, read from environment variables once at
// start-up and validated there, so a bad value fails the init phase instead
// of every invocation.
//
// Does not read AWS credentials or the region: the S3 client reads those
// itself. AWS_ENDPOINT_URL is read here only to log where requests go.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "support/result.h"

namespace exifscrub::lambda {

enum class OrientationMode { Apply, KeepTag, Drop };
enum class LogLevel { Debug, Info, Warn, Error };
enum class BatchResultCode { Succeeded, TemporaryFailure, PermanentFailure };

struct Config {
  std::string dest_bucket;                      // DEST_BUCKET, required
  std::string source_bucket;                    // SOURCE_BUCKET, empty when any source is accepted
  OrientationMode orientation = OrientationMode::Apply;  // ORIENTATION
  bool keep_icc = true;                         // KEEP_ICC
  std::uint64_t max_object_bytes = 100ULL << 20;  // MAX_OBJECT_BYTES
  LogLevel log_level = LogLevel::Info;          // LOG_LEVEL
  std::string endpoint_url;                     // AWS_ENDPOINT_URL, empty for AWS itself
  std::string function_name = "exifscrub";      // AWS_LAMBDA_FUNCTION_NAME, the metrics dimension
  // No new object starts when less than max(deadline_margin, this percentage
  // of the invocation's time budget) remains before the deadline.
  std::chrono::milliseconds deadline_margin{2000};  // DEADLINE_MARGIN_MS
  unsigned deadline_margin_percent = 10;            // DEADLINE_MARGIN_PERCENT
  // Result that S3 Batch Operations assumes for a task missing from a reply.
  BatchResultCode treat_missing_keys_as = BatchResultCode::PermanentFailure;  // BATCH_TREAT_MISSING_KEYS_AS
};

struct ConfigError {
  std::string variable;  // the environment variable at fault
  std::string message;   // names the variable, the value and the accepted forms
};

// Returns the value of an environment variable, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// Looks variables up in the process environment.
std::optional<std::string> process_env(const char* name);

// Reads and validates every variable. Fails on the first invalid or missing
// one; an empty value counts as unset. SOURCE_BUCKET equal to DEST_BUCKET is
// an error because the function would process its own output.
Result<Config, ConfigError> load_config(const EnvLookup& env);

const char* orientation_mode_name(OrientationMode mode);
const char* log_level_name(LogLevel level);
const char* batch_result_code_name(BatchResultCode code);

// Returns the reason when name breaks the S3 bucket naming rules (3 to 63
// characters of lower-case letters, digits, '.' and '-', starting and ending
// with a letter or digit), or nullopt when it is valid.
std::optional<std::string> check_bucket_name(const std::string& name);

}  // namespace exifscrub::lambda
