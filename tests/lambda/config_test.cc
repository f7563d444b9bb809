#include "lambda/config.h"

#include <gtest/gtest.h>

#include <map>

namespace exifscrub::lambda {
namespace {

using Env = std::map<std::string, std::string>;

Result<Config, ConfigError> load(const Env& env) {
  return load_config([&env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

void expect_error(const Env& env, const std::string& variable, const std::string& message) {
  auto config = load(env);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().variable, variable);
  EXPECT_EQ(config.error().message, message);
}

TEST(Config, DefaultsWithOnlyDestination) {
  auto config = load({{"DEST_BUCKET", "photos-b"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->dest_bucket, "photos-b");
  EXPECT_EQ(config->source_bucket, "");
  EXPECT_EQ(config->orientation, OrientationMode::Apply);
  EXPECT_TRUE(config->keep_icc);
  EXPECT_EQ(config->max_object_bytes, 104857600u);
  EXPECT_EQ(config->log_level, LogLevel::Info);
  EXPECT_EQ(config->deadline_margin.count(), 2000);
  EXPECT_EQ(config->deadline_margin_percent, 10u);
  EXPECT_EQ(config->treat_missing_keys_as, BatchResultCode::PermanentFailure);
  EXPECT_EQ(config->function_name, "exifscrub");
}

TEST(Config, EveryVariableRead) {
  auto config = load({{"DEST_BUCKET", "photos-b"},
                      {"SOURCE_BUCKET", "photos-a"},
                      {"ORIENTATION", "keep-tag"},
                      {"KEEP_ICC", "false"},
                      {"MAX_OBJECT_BYTES", "5000000"},
                      {"LOG_LEVEL", "debug"},
                      {"DEADLINE_MARGIN_MS", "500"},
                      {"DEADLINE_MARGIN_PERCENT", "0"},
                      {"BATCH_TREAT_MISSING_KEYS_AS", "TemporaryFailure"},
                      {"AWS_ENDPOINT_URL", "http://127.0.0.1:7483"},
                      {"AWS_LAMBDA_FUNCTION_NAME", "scrubber"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->source_bucket, "photos-a");
  EXPECT_EQ(config->orientation, OrientationMode::KeepTag);
  EXPECT_FALSE(config->keep_icc);
  EXPECT_EQ(config->max_object_bytes, 5000000u);
  EXPECT_EQ(config->log_level, LogLevel::Debug);
  EXPECT_EQ(config->deadline_margin.count(), 500);
  EXPECT_EQ(config->deadline_margin_percent, 0u);
  EXPECT_EQ(config->treat_missing_keys_as, BatchResultCode::TemporaryFailure);
  EXPECT_EQ(config->endpoint_url, "http://127.0.0.1:7483");
  EXPECT_EQ(config->function_name, "scrubber");
}

TEST(Config, MissingDestinationIsError) {
  expect_error({}, "DEST_BUCKET",
               "DEST_BUCKET is not set; set it to the name of the bucket that receives scrubbed copies");
  expect_error({{"DEST_BUCKET", ""}}, "DEST_BUCKET",
               "DEST_BUCKET is not set; set it to the name of the bucket that receives scrubbed copies");
}

TEST(Config, SourceEqualToDestinationIsError) {
  expect_error({{"DEST_BUCKET", "photos"}, {"SOURCE_BUCKET", "photos"}}, "SOURCE_BUCKET",
               "SOURCE_BUCKET=\"photos\" is invalid; it equals DEST_BUCKET, so the function would process its own "
               "output; use a different destination bucket");
}

TEST(Config, InvalidBucketNames) {
  expect_error({{"DEST_BUCKET", "Photos"}}, "DEST_BUCKET",
               "DEST_BUCKET=\"Photos\" is invalid; expected an S3 bucket name: only lower-case letters, digits, '.' "
               "and '-' are allowed");
  expect_error({{"DEST_BUCKET", "ab"}}, "DEST_BUCKET",
               "DEST_BUCKET=\"ab\" is invalid; expected an S3 bucket name: length must be 3 to 63 characters");
  expect_error({{"DEST_BUCKET", "photos-b"}, {"SOURCE_BUCKET", "-photos"}}, "SOURCE_BUCKET",
               "SOURCE_BUCKET=\"-photos\" is invalid; expected an S3 bucket name: must start and end with a letter "
               "or digit");
}

TEST(Config, InvalidValuesNameAcceptedForms) {
  Env base{{"DEST_BUCKET", "photos-b"}};
  auto with = [&base](const char* name, const char* value) {
    Env env = base;
    env[name] = value;
    return env;
  };
  expect_error(with("ORIENTATION", "rotate"), "ORIENTATION",
               "ORIENTATION=\"rotate\" is invalid; expected apply, keep-tag or drop");
  expect_error(with("KEEP_ICC", "yes"), "KEEP_ICC", "KEEP_ICC=\"yes\" is invalid; expected true or false");
  expect_error(with("MAX_OBJECT_BYTES", "10MB"), "MAX_OBJECT_BYTES",
               "MAX_OBJECT_BYTES=\"10MB\" is invalid; expected a whole number of bytes from 1 to 5497558138880");
  expect_error(with("MAX_OBJECT_BYTES", "0"), "MAX_OBJECT_BYTES",
               "MAX_OBJECT_BYTES=\"0\" is invalid; expected a whole number of bytes from 1 to 5497558138880");
  expect_error(with("LOG_LEVEL", "trace"), "LOG_LEVEL",
               "LOG_LEVEL=\"trace\" is invalid; expected debug, info, warn or error");
  expect_error(with("DEADLINE_MARGIN_MS", "-1"), "DEADLINE_MARGIN_MS",
               "DEADLINE_MARGIN_MS=\"-1\" is invalid; expected a whole number of milliseconds from 0 to 900000");
  expect_error(with("DEADLINE_MARGIN_PERCENT", "95"), "DEADLINE_MARGIN_PERCENT",
               "DEADLINE_MARGIN_PERCENT=\"95\" is invalid; expected a whole number from 0 to 90");
  expect_error(with("BATCH_TREAT_MISSING_KEYS_AS", "Failed"), "BATCH_TREAT_MISSING_KEYS_AS",
               "BATCH_TREAT_MISSING_KEYS_AS=\"Failed\" is invalid; expected Succeeded, TemporaryFailure or "
               "PermanentFailure");
}

}  // namespace
}  // namespace exifscrub::lambda
