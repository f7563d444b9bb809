#include "lambda/log.h"

#include <gtest/gtest.h>

#include <sstream>

namespace exifscrub::lambda {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point(milliseconds(1796416282123));  // 2026-12-04T20:31:22.123Z
}

TEST(Log, TimestampFormat) {
  EXPECT_EQ(format_timestamp(fixed_time()), "2026-12-04T20:31:22.123Z");
  EXPECT_EQ(format_timestamp(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(Log, LineCarriesInvocationIds) {
  std::ostringstream out;
  Logger logger(out, LogLevel::Info, "f", fixed_time);
  logger.set_invocation("req-9", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  logger.write(LogLevel::Warn, "something happened", {{"attempt", 2}});
  EXPECT_EQ(out.str(),
            R"({"timestamp":"2026-12-04T20:31:22.123Z","level":"warn","message":"something happened",)"
            R"("request_id":"req-9","trace_id":"Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1","attempt":2})"
            "\n");
}

TEST(Log, LevelsBelowThresholdDropped) {
  std::ostringstream out;
  Logger logger(out, LogLevel::Warn, "f", fixed_time);
  logger.write(LogLevel::Debug, "d");
  logger.write(LogLevel::Info, "i");
  logger.write(LogLevel::Error, "e");
  EXPECT_EQ(out.str(), R"({"timestamp":"2026-12-04T20:31:22.123Z","level":"error","message":"e"})"
                       "\n");
}

TEST(Log, ObjectLineFieldsAndEscaping) {
  std::ostringstream out;
  Logger logger(out, LogLevel::Info, "f", fixed_time);
  logger.set_invocation("req-1", "");
  pipeline::ObjectEvent event;
  event.bucket = "photos-a";
  event.key = "quote\"and\\slash\n.jpg";
  event.version_id = "v1";
  pipeline::ObjectOutcome outcome;
  outcome.outcome = pipeline::Outcome::Rejected;
  outcome.error_kind = "not_jpeg";
  outcome.message = "no SOI marker at offset 0";
  outcome.bytes_in = 10;
  outcome.duration = milliseconds(4);
  logger.object(event, "ObjectCreated:Put", outcome);
  EXPECT_EQ(out.str(),
            R"({"timestamp":"2026-12-04T20:31:22.123Z","level":"warn","message":"no SOI marker at offset 0",)"
            R"("request_id":"req-1","event_name":"ObjectCreated:Put","bucket":"photos-a",)"
            R"("key":"quote\"and\\slash\n.jpg","version_id":"v1","action":"created","outcome":"rejected",)"
            R"("error_kind":"not_jpeg","bytes_in":10,"bytes_out":0,"segments_removed":0,"duration_ms":4})"
            "\n");
}

TEST(Log, InvalidUtf8KeyReplacedNotThrown) {
  std::ostringstream out;
  Logger logger(out, LogLevel::Info, "f", fixed_time);
  pipeline::ObjectEvent event;
  event.key = "bad\xFF.jpg";
  logger.object(event, "x", pipeline::ObjectOutcome{});
  json line = json::parse(out.str());
  EXPECT_EQ(line["key"], "bad\xEF\xBF\xBD.jpg");
}

TEST(Log, MetricsLineIsEmf) {
  std::ostringstream out;
  Logger logger(out, LogLevel::Error, "scrubber", fixed_time);
  logger.set_invocation("req-2", "t");
  pipeline::ObjectOutcome outcome;
  outcome.outcome = pipeline::Outcome::Scrubbed;
  outcome.bytes_in = 5000;
  outcome.bytes_out = 3500;
  outcome.duration = milliseconds(42);
  logger.metrics(outcome, true);
  EXPECT_EQ(out.str(),
            R"({"_aws":{"Timestamp":1796416282123,"CloudWatchMetrics":[{"Namespace":"exifscrub",)"
            R"("Dimensions":[["FunctionName"]],"Metrics":[{"Name":"ObjectsScrubbed","Unit":"Count"},)"
            R"({"Name":"ObjectsRejected","Unit":"Count"},{"Name":"ObjectsFailed","Unit":"Count"},)"
            R"({"Name":"BytesRemoved","Unit":"Bytes"},{"Name":"Duration","Unit":"Milliseconds"}]}]},)"
            R"("FunctionName":"scrubber","ObjectsScrubbed":1,"ObjectsRejected":0,"ObjectsFailed":0,)"
            R"("BytesRemoved":1500,"Duration":42,"request_id":"req-2","outcome":"scrubbed"})"
            "\n");
}

TEST(Log, MetricsWithoutProcessingOmitDuration) {
  std::ostringstream out;
  Logger logger(out, LogLevel::Info, "f", fixed_time);
  pipeline::ObjectOutcome outcome;
  outcome.outcome = pipeline::Outcome::Missing;
  logger.metrics(outcome, false);
  json line = json::parse(out.str());
  EXPECT_EQ(line["_aws"]["CloudWatchMetrics"][0]["Metrics"].size(), 4u);
  EXPECT_FALSE(line.contains("Duration"));
  EXPECT_EQ(line["ObjectsRejected"], 1);
  EXPECT_EQ(line["ObjectsFailed"], 0);
}

}  // namespace
}  // namespace exifscrub::lambda
