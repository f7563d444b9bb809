// Measures what the warm function spends on one photo beyond the object's
// GET and PUT, in process against a live S3 endpoint (the local Ceph RGW).
// Each round times, on the same source object:
//   plain    GET + PUT of the object by the same client (the transfer floor);
//   head     one HEAD of an existing destination object (the processor's
//            ordering check, which it sends only after a PUT failed with 412);
//   handler  lambda::Handler::handle on an S3 notification with the real
//            S3Processor for a new destination key: decode, guards, GET with
//            If-Match, scrub, verify, PUT with If-None-Match: *, the object
//            log line and the metrics line;
//   overwrite the same for a later event of the same key while the
//            destination contains the earlier result: the PUT fails with 412,
//            then HEAD, a second GET and scrub, and the PUT with If-Match;
//   local    the same steps without the network, on the bytes in memory:
//            decode_envelope, jpeg::scrub (which verifies its output) and the
//            log and metrics lines.
// The Runtime API round trip is not part of it; bench/function/run.sh
// measures that through the emulator.
//
// Does not assert timings. Logs go to /dev/null through a real stream, so
// their formatting and write calls are counted.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "jpeg/scrub.h"
#include "lambda/config.h"
#include "lambda/envelope.h"
#include "lambda/handler.h"
#include "lambda/log.h"
#include "pipeline/s3_processor.h"
#include "s3/client.h"
#include "s3/config.h"

namespace {

using namespace exifscrub;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: exifscrub_function_overhead_bench SOURCE_BUCKET KEY DEST_BUCKET ROUNDS\n"
    "KEY must be a JPEG of SOURCE_BUCKET; DEST_BUCKET receives KEY and plain/KEY.\n"
    "The endpoint and credentials come from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.\n";

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "exifscrub_function_overhead_bench: " << message << "\n";
  std::exit(1);
}

double elapsed_ms(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// Passes events to the real processor and keeps the last outcome, so each
// round can check that the object was really scrubbed.
class RecordingProcessor final : public pipeline::ObjectProcessor {
 public:
  explicit RecordingProcessor(pipeline::ObjectProcessor& inner) : inner_(inner) {}
  pipeline::ObjectOutcome process(const pipeline::ObjectEvent& event) override {
    last_ = inner_.process(event);
    return last_;
  }
  const pipeline::ObjectOutcome& last() const { return last_; }

 private:
  pipeline::ObjectProcessor& inner_;
  pipeline::ObjectOutcome last_;
};

struct Source {
  std::string bucket;
  std::string key;
  std::string etag;  // without quotes, as S3 notifications carry it
  std::vector<std::uint8_t> bytes;
};

Source fetch_source(s3::Client& client, const std::string& bucket, const std::string& key) {
  Source source{bucket, key, {}, {}};
  auto got = client.get_object(bucket, key, [&source](std::span<const std::uint8_t> data) {
    source.bytes.insert(source.bytes.end(), data.begin(), data.end());
    return true;
  });
  if (!got.ok()) fail(got.error().describe());
  source.etag = got.value().etag;
  if (source.etag.size() >= 2 && source.etag.front() == '"') source.etag = source.etag.substr(1, source.etag.size() - 2);
  return source;
}

// Builds an ObjectCreated:Put notification as S3 sends it. Each round needs
// a greater sequencer, or the processor would rightly skip the event as a
// duplicate. Starting from the clock keeps reruns above earlier results.
std::string notification(const Source& source, std::uint64_t sequence) {
  char sequencer[24];
  std::snprintf(sequencer, sizeof sequencer, "%020llu", static_cast<unsigned long long>(sequence));
  nlohmann::json object = {{"key", source.key}, {"size", source.bytes.size()}, {"eTag", source.etag},
                           {"sequencer", sequencer}};
  nlohmann::json record = {{"eventVersion", "2.1"},
                           {"eventSource", "aws:s3"},
                           {"awsRegion", "us-east-1"},
                           {"eventTime", "2026-12-04T20:00:00.000Z"},
                           {"eventName", "ObjectCreated:Put"},
                           {"s3", {{"s3SchemaVersion", "1.0"}, {"bucket", {{"name", source.bucket}}}, {"object", object}}}};
  return nlohmann::json{{"Records", nlohmann::json::array({record})}}.dump();
}

// Like the handler round, writes a new object: the old copy is deleted first, untimed.
double time_plain(s3::Client& client, const Source& source, const std::string& dest_bucket) {
  auto deleted = client.delete_object(dest_bucket, "plain/" + source.key);
  if (!deleted.ok()) fail(deleted.error().describe());
  const auto start = SteadyClock::now();
  std::vector<std::uint8_t> body;
  auto got = client.get_object(source.bucket, source.key, [&body](std::span<const std::uint8_t> data) {
    body.insert(body.end(), data.begin(), data.end());
    return true;
  });
  if (!got.ok()) fail(got.error().describe());
  s3::PutOptions options;
  options.content_type = "image/jpeg";
  auto put = client.put_object(dest_bucket, "plain/" + source.key, body, options);
  if (!put.ok()) fail(put.error().describe());
  return elapsed_ms(start);
}

double time_head(s3::Client& client, const std::string& dest_bucket, const std::string& key) {
  const auto start = SteadyClock::now();
  auto head = client.head_object(dest_bucket, key);
  if (!head.ok() && head.error().kind != s3::ErrorKind::NoSuchKey) fail(head.error().describe());
  return elapsed_ms(start);
}

// With a new key, deletes the destination object first, untimed, so the
// round takes the path of a new upload (one PUT with If-None-Match: *).
// Otherwise the destination keeps the result of the previous event.
double time_handler(lambda::Handler& handler, RecordingProcessor& processor, s3::Client& client,
                    const std::string& dest_bucket, const std::string& key, const std::string& payload,
                    bool new_key) {
  if (new_key) {
    auto deleted = client.delete_object(dest_bucket, key);
    if (!deleted.ok()) fail(deleted.error().describe());
  }
  lambda::InvocationContext context;
  context.request_id = "bench";
  const auto start = SteadyClock::now();
  context.received = std::chrono::system_clock::now();
  const lambda::Reply reply = handler.handle(payload, context, processor);
  const double ms = elapsed_ms(start);
  if (reply.is_error || processor.last().outcome != pipeline::Outcome::Scrubbed) {
    fail("handler did not scrub the object: " + std::string(pipeline::outcome_name(processor.last().outcome)) +
         " " + processor.last().message);
  }
  return ms;
}

double time_local(lambda::Logger& logger, const Source& source, const std::string& payload) {
  const auto start = SteadyClock::now();
  auto envelope = lambda::decode_envelope(payload);
  if (!envelope.ok()) fail(envelope.error().message);
  const auto& record = envelope.value().units.at(0).records.at(0);
  auto scrubbed = jpeg::scrub(source.bytes, jpeg::ScrubOptions{});
  if (!scrubbed.ok()) fail(scrubbed.error().message);

  pipeline::ObjectOutcome outcome;
  outcome.outcome = pipeline::Outcome::Scrubbed;
  outcome.bytes_in = source.bytes.size();
  outcome.bytes_out = scrubbed.value().jpeg.size();
  logger.object(record.event, record.event_name, outcome);
  logger.metrics(outcome, true);
  return elapsed_ms(start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string source_bucket = argv[1], key = argv[2], dest_bucket = argv[3];
  const int rounds = std::atoi(argv[4]);
  if (rounds < 1 || rounds > 10000) fail(std::string("invalid ROUNDS '") + argv[4] + "': expected 1 to 10000");

  auto client_config = s3::config_from_environment();
  if (!client_config.ok()) fail(client_config.error().describe());
  s3::Client client(std::move(client_config).value());
  const Source source = fetch_source(client, source_bucket, key);

  lambda::Config config;
  config.dest_bucket = dest_bucket;
  config.source_bucket = source_bucket;
  std::ofstream null_stream("/dev/null");
  lambda::Logger logger(null_stream, config.log_level, config.function_name, [] { return std::chrono::system_clock::now(); });
  lambda::Handler handler(config, logger, [] { return std::chrono::system_clock::now(); });
  pipeline::S3Processor s3_processor(client, pipeline::ProcessorConfig{dest_bucket, {}, {}});
  RecordingProcessor processor(s3_processor);

  const auto first_sequence = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  constexpr int kWarmUpRounds = 3;
  std::vector<double> plain, head, full, overwrite, local;
  for (int round = 0; round < kWarmUpRounds + rounds; ++round) {
    // Two events per round, the second later than the first.
    const std::uint64_t sequence = first_sequence + 2 * static_cast<std::uint64_t>(round);
    const std::string payload = notification(source, sequence);
    const std::string later_payload = notification(source, sequence + 1);
    const double plain_ms = time_plain(client, source, dest_bucket);
    const double full_ms = time_handler(handler, processor, client, dest_bucket, key, payload, true);
    const double head_ms = time_head(client, dest_bucket, key);
    const double overwrite_ms = time_handler(handler, processor, client, dest_bucket, key, later_payload, false);
    const double local_ms = time_local(logger, source, payload);
    if (round < kWarmUpRounds) continue;
    plain.push_back(plain_ms);
    head.push_back(head_ms);
    full.push_back(full_ms);
    overwrite.push_back(overwrite_ms);
    local.push_back(local_ms);
  }

  std::printf("object\t%s/%s\t%zu bytes\trounds\t%d\n", source_bucket.c_str(), key.c_str(), source.bytes.size(), rounds);
  std::printf("plain_get_put_ms\t%.2f\n", median(plain));
  std::printf("head_ms\t%.2f\n", median(head));
  std::printf("handler_ms\t%.2f\n", median(full));
  std::printf("handler_overwrite_ms\t%.2f\n", median(overwrite));
  std::printf("local_parts_ms\t%.2f\n", median(local));
  std::printf("handler_minus_plain_ms\t%.2f\n", median(full) - median(plain));
  return 0;
}
