// Measures the S3 path of one object against a live S3 endpoint (the local
// Ceph RGW): GET + scrub + PUT through pipeline::scrub_object beside a plain
// GET + PUT of the same objects with the same client, the transfer floor.
// Also uploads a local file with the streaming multipart writer, and runs one
// scrub_object call on its own so a separate process can read its peak RSS.
//
// Does not assert anything and does not compare tools: bench/s3/run.sh runs
// the rounds, alternates the modes, adds `aws s3 cp` and prints the table.
// Credentials and the endpoint come from the environment
// (s3::config_from_environment), as for the function itself.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "jpeg/scrub.h"
#include "pipeline/transfer.h"
#include "s3/client.h"
#include "s3/config.h"
#include "s3/object_writer.h"

namespace {

using namespace exifscrub;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: exifscrub_s3_transfer_bench upload FILE BUCKET KEY\n"
    "       exifscrub_s3_transfer_bench transfer scrub|plain SOURCE_BUCKET DEST_BUCKET PREFIX COUNT THREADS\n"
    "       exifscrub_s3_transfer_bench scrub-object SOURCE_BUCKET KEY DEST_BUCKET DEST_KEY MAX_OBJECT_BYTES\n"
    "       exifscrub_s3_transfer_bench stream-parts SOURCE_BUCKET KEY DEST_BUCKET DEST_KEY\n"
    "transfer reads PREFIX0000.jpg .. PREFIX<COUNT-1>.jpg and writes <mode>/<key> to DEST_BUCKET;\n"
    "the endpoint and credentials come from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.\n";

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "exifscrub_s3_transfer_bench: " << message << "\n";
  std::exit(1);
}

s3::ClientConfig load_client_config() {
  auto config = s3::config_from_environment();
  if (!config.ok()) fail(config.error().describe());
  return std::move(config).value();
}

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string object_key(const std::string& prefix, std::size_t index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04zu", index);
  return prefix + digits + ".jpg";
}

// Streams FILE into BUCKET/KEY in 1 MiB reads, so the upload buffers at most
// one part (8 MiB) however large the file is.
int run_upload(const std::string& path, const std::string& bucket, const std::string& key) {
  std::ifstream file(path, std::ios::binary);
  if (!file) fail("cannot open " + path + " for reading");
  s3::Client client(load_client_config());
  s3::PutOptions options;
  options.content_type = "image/jpeg";
  auto writer = client.start_upload(bucket, key, options);

  std::vector<char> chunk(1 << 20);
  while (file) {
    file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto count = static_cast<std::size_t>(file.gcount());
    if (count == 0) break;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(chunk.data());
    auto written = writer->write({bytes, count});
    if (!written.ok()) fail(written.error().describe());
  }
  const int parts = writer->parts_uploaded();
  auto finished = writer->finish();
  if (!finished.ok()) fail(finished.error().describe());
  std::cout << "uploaded\t" << bucket << "/" << key << "\tparts_before_finish=" << parts
            << "\tetag=" << finished.value().etag << "\n";
  return 0;
}

// One object the plain way: the whole body into memory, then one PUT with
// the same checksums the scrub path sends.
void plain_copy(s3::Client& client, const std::string& source_bucket, const std::string& key,
                const std::string& dest_bucket, const std::string& dest_key) {
  std::vector<std::uint8_t> body;
  auto got = client.get_object(source_bucket, key, [&body](std::span<const std::uint8_t> data) {
    body.insert(body.end(), data.begin(), data.end());
    return true;
  });
  if (!got.ok()) fail(got.error().describe());
  s3::PutOptions options;
  options.content_type = "image/jpeg";
  auto put = client.put_object(dest_bucket, dest_key, body, options);
  if (!put.ok()) fail(put.error().describe());
}

void scrub_copy(s3::Client& client, const std::string& source_bucket, const std::string& key,
                const std::string& dest_bucket, const std::string& dest_key) {
  pipeline::TransferRequest request;
  request.source = {source_bucket, key};
  request.destination = {dest_bucket, dest_key};
  request.put.content_type = "image/jpeg";
  auto result = pipeline::scrub_object(client, request);
  if (!result.ok()) fail("scrub_object " + key + ": " + result.error().message);
}

struct TransferJob {
  std::string mode;
  std::string source_bucket;
  std::string dest_bucket;
  std::string prefix;
  std::size_t count = 0;
};

// Copies keys taken from next until none remain; records each object's
// latency. A HEAD first opens the connection, so no timed call pays for it.
void run_worker(const TransferJob& job, std::atomic<std::size_t>& next, std::atomic<int>& ready,
                const std::atomic<bool>& go, std::vector<double>& latencies_ms) {
  s3::Client client(load_client_config());
  auto warm = client.head_object(job.source_bucket, object_key(job.prefix, 0));
  if (!warm.ok()) fail(warm.error().describe());
  ready.fetch_add(1);
  while (!go.load()) std::this_thread::yield();

  for (std::size_t index = next.fetch_add(1); index < job.count; index = next.fetch_add(1)) {
    const std::string key = object_key(job.prefix, index);
    const std::string dest_key = job.mode + "/" + key;
    const auto start = Clock::now();
    if (job.mode == "scrub") {
      scrub_copy(client, job.source_bucket, key, job.dest_bucket, dest_key);
    } else {
      plain_copy(client, job.source_bucket, key, job.dest_bucket, dest_key);
    }
    latencies_ms.push_back(elapsed_ms(start));
  }
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// Prints one line: mode, threads, objects, wall ms, wall ms per object,
// objects per second and the median latency of one object.
int run_transfer(const TransferJob& job, int threads) {
  std::atomic<std::size_t> next{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  for (std::size_t t = 0; t < latencies.size(); ++t) {
    workers.emplace_back(run_worker, std::cref(job), std::ref(next), std::ref(ready), std::cref(go),
                         std::ref(latencies[t]));
  }
  // Bounded: each worker either becomes ready or exits the process on error.
  while (ready.load() < threads) std::this_thread::yield();
  const auto start = Clock::now();
  go.store(true);
  for (auto& worker : workers) worker.join();
  const double wall_ms = elapsed_ms(start);

  std::vector<double> all;
  for (const auto& list : latencies) all.insert(all.end(), list.begin(), list.end());
  const auto objects = static_cast<double>(job.count);
  std::printf("%s\t%d\t%zu\t%.1f\t%.2f\t%.2f\t%.2f\n", job.mode.c_str(), threads, job.count, wall_ms,
              wall_ms / objects, objects * 1000.0 / wall_ms, median(all));
  return 0;
}

// Runs one scrub_object call and prints the sizes, the time and this
// process's peak RSS.
int run_scrub_object(const std::string& source_bucket, const std::string& key,
                     const std::string& dest_bucket, const std::string& dest_key,
                     std::uint64_t max_object_bytes) {
  s3::Client client(load_client_config());
  const long rss_before = peak_rss_kib();
  pipeline::TransferRequest request;
  request.source = {source_bucket, key};
  request.destination = {dest_bucket, dest_key};
  request.put.content_type = "image/jpeg";
  request.limits.max_object_bytes = max_object_bytes;

  const auto start = Clock::now();
  auto result = pipeline::scrub_object(client, request);
  const double wall_ms = elapsed_ms(start);
  if (!result.ok()) fail("scrub_object " + key + ": " + result.error().message);
  std::printf("scrubbed\tbytes_in=%llu\tbytes_out=%llu\tms=%.0f\tpeak_rss_kib_before=%ld\tpeak_rss_kib=%ld\n",
              static_cast<unsigned long long>(result.value().bytes_in),
              static_cast<unsigned long long>(result.value().bytes_out), wall_ms, rss_before,
              peak_rss_kib());
  return 0;
}

// The streaming path of scrub_object rebuilt from its parts, with one client
// for the GET and another for the multipart upload, from the first byte on.
// scrub_object itself uploads parts from inside the GET callback of the same
// client, so this measures what its parts need when that nesting is absent,
// without the prefix that scrub_object buffers before it starts streaming.
int run_stream_parts(const std::string& source_bucket, const std::string& key,
                     const std::string& dest_bucket, const std::string& dest_key) {
  s3::Client reader(load_client_config());
  s3::Client uploader(load_client_config());
  s3::PutOptions options;
  options.content_type = "image/jpeg";
  auto writer = uploader.start_upload(dest_bucket, dest_key, options);

  std::optional<s3::Error> upload_error;
  std::uint64_t bytes_out = 0;
  jpeg::StreamScrubber scrubber(jpeg::ScrubOptions{}, [&](std::span<const std::uint8_t> cleaned) {
    if (upload_error) return;
    bytes_out += cleaned.size();
    auto written = writer->write(cleaned);
    if (!written.ok()) upload_error = written.error();
  });
  std::optional<jpeg::Error> scrub_error;
  const auto start = Clock::now();
  auto got = reader.get_object(source_bucket, key, [&](std::span<const std::uint8_t> chunk) {
    auto written = scrubber.write(chunk);
    if (!written.ok()) scrub_error = written.error();
    return !scrub_error && !upload_error;
  });
  if (scrub_error) fail("stream scrubber on " + key + ": " + scrub_error->message);
  if (upload_error) fail(upload_error->describe());
  if (!got.ok()) fail(got.error().describe());
  auto finished = scrubber.finish();
  if (!finished.ok()) fail("stream scrubber on " + key + ": " + finished.error().message);
  if (upload_error) fail(upload_error->describe());
  auto completed = writer->finish();
  if (!completed.ok()) fail(completed.error().describe());
  std::printf("streamed\tbytes_in=%llu\tbytes_out=%llu\tms=%.0f\tpeak_rss_kib=%ld\n",
              static_cast<unsigned long long>(got.value().content_length),
              static_cast<unsigned long long>(bytes_out), elapsed_ms(start), peak_rss_kib());
  return 0;
}

std::uint64_t parse_count(const std::string& text, const char* what) {
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value == 0) fail(std::string("invalid ") + what + " '" + text + "': expected a positive integer");
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 4 && args[0] == "upload") return run_upload(args[1], args[2], args[3]);
  if (args.size() == 7 && args[0] == "transfer" && (args[1] == "scrub" || args[1] == "plain")) {
    const TransferJob job{args[1], args[2], args[3], args[4], parse_count(args[5], "COUNT")};
    return run_transfer(job, static_cast<int>(parse_count(args[6], "THREADS")));
  }
  if (args.size() == 6 && args[0] == "scrub-object") {
    return run_scrub_object(args[1], args[2], args[3], args[4], parse_count(args[5], "MAX_OBJECT_BYTES"));
  }
  if (args.size() == 5 && args[0] == "stream-parts") return run_stream_parts(args[1], args[2], args[3], args[4]);
  std::cerr << kUsage;
  return 2;
}
