// Environment parsing. Each parser accepts one spelling per value and names
// the accepted forms on failure, because a typo in a Lambda console field is
// the usual cause and the init error is the only place the user looks.
#include "lambda/config.h"

#include <charconv>
#include <cstdlib>

namespace exifscrub::lambda {
namespace {

std::optional<std::string> lookup(const EnvLookup& env, const char* name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

ConfigError invalid(const char* variable, const std::string& value, const std::string& expected) {
  return ConfigError{variable, std::string(variable) + "=\"" + value + "\" is invalid; expected " + expected};
}

std::optional<std::uint64_t> parse_unsigned(const std::string& text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<ConfigError> read_buckets(const EnvLookup& env, Config& config) {
  auto dest = lookup(env, "DEST_BUCKET");
  if (!dest) {
    return ConfigError{"DEST_BUCKET", "DEST_BUCKET is not set; set it to the name of the bucket that receives scrubbed copies"};
  }
  if (auto reason = check_bucket_name(*dest)) return invalid("DEST_BUCKET", *dest, "an S3 bucket name: " + *reason);
  config.dest_bucket = *dest;

  auto source = lookup(env, "SOURCE_BUCKET");
  if (!source) return std::nullopt;
  if (auto reason = check_bucket_name(*source)) return invalid("SOURCE_BUCKET", *source, "an S3 bucket name: " + *reason);
  if (*source == *dest) {
    return ConfigError{"SOURCE_BUCKET", "SOURCE_BUCKET=\"" + *source +
                                            "\" is invalid; it equals DEST_BUCKET, so the function would process its own output; "
                                            "use a different destination bucket"};
  }
  config.source_bucket = *source;
  return std::nullopt;
}

std::optional<ConfigError> read_policy(const EnvLookup& env, Config& config) {
  if (auto value = lookup(env, "ORIENTATION")) {
    if (*value == "apply") config.orientation = OrientationMode::Apply;
    else if (*value == "keep-tag") config.orientation = OrientationMode::KeepTag;
    else if (*value == "drop") config.orientation = OrientationMode::Drop;
    else return invalid("ORIENTATION", *value, "apply, keep-tag or drop");
  }
  if (auto value = lookup(env, "KEEP_ICC")) {
    if (*value == "true") config.keep_icc = true;
    else if (*value == "false") config.keep_icc = false;
    else return invalid("KEEP_ICC", *value, "true or false");
  }
  if (auto value = lookup(env, "MAX_OBJECT_BYTES")) {
    auto bytes = parse_unsigned(*value);
    // 5 TiB is the largest object S3 stores.
    if (!bytes || *bytes == 0 || *bytes > (5ULL << 40)) {
      return invalid("MAX_OBJECT_BYTES", *value, "a whole number of bytes from 1 to 5497558138880");
    }
    config.max_object_bytes = *bytes;
  }
  return std::nullopt;
}

std::optional<ConfigError> read_runtime(const EnvLookup& env, Config& config) {
  if (auto value = lookup(env, "LOG_LEVEL")) {
    if (*value == "debug") config.log_level = LogLevel::Debug;
    else if (*value == "info") config.log_level = LogLevel::Info;
    else if (*value == "warn") config.log_level = LogLevel::Warn;
    else if (*value == "error") config.log_level = LogLevel::Error;
    else return invalid("LOG_LEVEL", *value, "debug, info, warn or error");
  }
  if (auto value = lookup(env, "DEADLINE_MARGIN_MS")) {
    auto ms = parse_unsigned(*value);
    if (!ms || *ms > 900000) return invalid("DEADLINE_MARGIN_MS", *value, "a whole number of milliseconds from 0 to 900000");
    config.deadline_margin = std::chrono::milliseconds(*ms);
  }
  if (auto value = lookup(env, "DEADLINE_MARGIN_PERCENT")) {
    auto percent = parse_unsigned(*value);
    if (!percent || *percent > 90) return invalid("DEADLINE_MARGIN_PERCENT", *value, "a whole number from 0 to 90");
    config.deadline_margin_percent = static_cast<unsigned>(*percent);
  }
  if (auto value = lookup(env, "BATCH_TREAT_MISSING_KEYS_AS")) {
    if (*value == "Succeeded") config.treat_missing_keys_as = BatchResultCode::Succeeded;
    else if (*value == "TemporaryFailure") config.treat_missing_keys_as = BatchResultCode::TemporaryFailure;
    else if (*value == "PermanentFailure") config.treat_missing_keys_as = BatchResultCode::PermanentFailure;
    else return invalid("BATCH_TREAT_MISSING_KEYS_AS", *value, "Succeeded, TemporaryFailure or PermanentFailure");
  }
  if (auto value = lookup(env, "AWS_ENDPOINT_URL")) config.endpoint_url = *value;
  if (auto value = lookup(env, "AWS_LAMBDA_FUNCTION_NAME")) config.function_name = *value;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<Config, ConfigError> load_config(const EnvLookup& env) {
  Config config;
  if (auto error = read_buckets(env, config)) return *error;
  if (auto error = read_policy(env, config)) return *error;
  if (auto error = read_runtime(env, config)) return *error;
  return config;
}

std::optional<std::string> check_bucket_name(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return "length must be 3 to 63 characters";
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!allowed) return "only lower-case letters, digits, '.' and '-' are allowed";
  }
  auto is_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!is_alnum(name.front()) || !is_alnum(name.back())) return "must start and end with a letter or digit";
  return std::nullopt;
}

const char* orientation_mode_name(OrientationMode mode) {
  switch (mode) {
    case OrientationMode::Apply: return "apply";
    case OrientationMode::KeepTag: return "keep-tag";
    case OrientationMode::Drop: return "drop";
  }
  return "apply";
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "info";
}

const char* batch_result_code_name(BatchResultCode code) {
  switch (code) {
    case BatchResultCode::Succeeded: return "Succeeded";
    case BatchResultCode::TemporaryFailure: return "TemporaryFailure";
    case BatchResultCode::PermanentFailure: return "PermanentFailure";
  }
  return "PermanentFailure";
}

}  // namespace exifscrub::lambda
