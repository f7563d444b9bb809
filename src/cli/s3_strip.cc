#include "cli/s3_strip.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/file_io.h"
#include "cli/location.h"
#include "cli/report.h"
#include "pipeline/object_key.h"
#include "pipeline/transfer.h"
#include "s3/client.h"
#include "s3/config.h"

namespace exifscrub::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kScheme = "s3://";

// S3 objects are read whole, or streamed above this size (S3 to S3 only).
constexpr std::uint64_t kMaxObjectBytes = 4ULL * 1024 * 1024 * 1024;

// One end of a job: an S3 object or a local file.
struct Endpoint {
  std::optional<S3Uri> object;
  fs::path file;

  std::string display() const {
    return object ? std::string(kScheme) + object->bucket + "/" + object->key : file.string();
  }
};

struct Job {
  Endpoint input;
  Endpoint output;
};

struct Plan {
  std::vector<Job> jobs;
  std::size_t skipped = 0;  // keys or files under a prefix that are not .jpg/.jpeg
};

struct UsageProblem {
  std::string message;
};

bool is_prefix(const std::string& key) { return key.empty() || key.back() == '/'; }

std::string last_component(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Where a single input named `name` goes when the output is a folder or prefix.
Endpoint place_into(const std::string& output, const std::string& name) {
  Endpoint endpoint;
  if (auto uri = parse_s3_uri(output)) {
    endpoint.object = S3Uri{uri->bucket, uri->key + name};
  } else {
    endpoint.file = fs::path(output) / name;
  }
  return endpoint;
}

bool output_is_folder(const std::string& output) {
  if (auto uri = parse_s3_uri(output)) return is_prefix(uri->key);
  return output.ends_with('/') || fs::is_directory(output);
}

Result<Plan, UsageProblem> plan_from_s3_prefix(s3::Client& client, const S3Uri& input,
                                               const std::string& output) {
  if (!output_is_folder(output)) {
    return UsageProblem{"the input " + std::string(kScheme) + input.bucket + "/" + input.key +
                        " is a prefix, so the output must be a prefix ending in '/' or a folder"};
  }
  auto listed = client.list_all(input.bucket, input.key);
  if (!listed.ok()) return UsageProblem{"cannot list the input prefix: " + listed.error().describe()};

  Plan plan;
  for (const auto& object : listed.value()) {
    if (!pipeline::is_jpeg_key(object.key)) {
      ++plan.skipped;
      continue;
    }
    Job job;
    job.input.object = S3Uri{input.bucket, object.key};
    job.output = place_into(output, object.key.substr(input.key.size()));
    plan.jobs.push_back(std::move(job));
  }
  return plan;
}

Result<Plan, UsageProblem> plan_from_local_folder(const fs::path& folder, const std::string& output) {
  if (!output_is_folder(output)) {
    return UsageProblem{"the input " + folder.string() + " is a folder, so the output must be a prefix ending in '/'"};
  }
  Plan plan;
  std::error_code error;
  for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (it->is_symlink() || !it->is_regular_file()) continue;
    const std::string relative = fs::relative(it->path(), folder).generic_string();
    if (!pipeline::is_jpeg_key(relative)) {
      ++plan.skipped;
      continue;
    }
    Job job;
    job.input.file = it->path();
    job.output = place_into(output, relative);
    plan.jobs.push_back(std::move(job));
  }
  if (error) return UsageProblem{"cannot list " + folder.string() + ": " + error.message()};
  return plan;
}

Result<Plan, UsageProblem> make_plan(s3::Client& client, const StripArguments& arguments) {
  if (arguments.inputs.size() != 1) {
    return UsageProblem{"with s3:// locations, name exactly one input (an object, a prefix, a file or a folder)"};
  }
  const std::string& input = arguments.inputs.front();
  const std::string& output = arguments.output;
  if (input == "-" || output == "-") {
    return UsageProblem{"standard input and output cannot be combined with s3:// locations; use a file"};
  }
  if (auto uri = parse_s3_uri(input)) {
    if (is_prefix(uri->key)) return plan_from_s3_prefix(client, *uri, output);
    Job job;
    job.input.object = *uri;
    job.output = output_is_folder(output) ? place_into(output, last_component(uri->key))
                                          : Endpoint{parse_s3_uri(output), parse_s3_uri(output) ? fs::path() : fs::path(output)};
    return Plan{{job}, 0};
  }
  if (fs::is_directory(input)) return plan_from_local_folder(input, output);
  Job job;
  job.input.file = input;
  job.output = output_is_folder(output) ? place_into(output, fs::path(input).filename().string())
                                        : Endpoint{parse_s3_uri(output), fs::path()};
  return Plan{{job}, 0};
}

enum class JobStatus { Scrubbed, Rejected, Failed };

struct JobResult {
  JobStatus status = JobStatus::Failed;
  std::string reason_kind;  // for the summary: "truncated", "access_denied"...
  std::string message;      // one line
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
};

JobResult from_transfer_error(const pipeline::TransferError& error) {
  const bool rejected = error.outcome == pipeline::Outcome::Rejected;
  return {rejected ? JobStatus::Rejected : JobStatus::Failed, error.kind, error.message, 0, 0};
}

Result<Bytes, JobResult> read_input(s3::Client& client, const Endpoint& input) {
  if (!input.object) {
    auto bytes = read_file(input.file);
    if (!bytes.ok()) return JobResult{JobStatus::Failed, "read_failed", input.display() + ": " + bytes.error().message(), 0, 0};
    return std::move(bytes).value();
  }
  Bytes body;
  auto got = client.get_object(input.object->bucket, input.object->key, [&](std::span<const std::uint8_t> chunk) {
    body.insert(body.end(), chunk.begin(), chunk.end());
    return body.size() <= kMaxObjectBytes;
  });
  if (!got.ok()) return from_transfer_error(pipeline::classify_s3_error(got.error(), pipeline::Side::Source));
  return body;
}

std::optional<JobResult> write_output(s3::Client& client, const Endpoint& output, std::span<const std::uint8_t> bytes,
                                      bool sync) {
  if (!output.object) {
    std::error_code ignored;
    if (output.file.has_parent_path()) fs::create_directories(output.file.parent_path(), ignored);
    auto written = write_file_atomic(output.file, bytes, sync);
    if (!written.ok()) return JobResult{JobStatus::Failed, "write_failed", output.display() + ": " + written.error().message(), 0, 0};
    return std::nullopt;
  }
  s3::PutOptions options;
  options.content_type = "image/jpeg";
  auto put = client.put_object(output.object->bucket, output.object->key, bytes, options);
  if (!put.ok()) return from_transfer_error(pipeline::classify_s3_error(put.error(), pipeline::Side::Destination));
  return std::nullopt;
}

JobResult run_job(s3::Client& client, const Job& job, const jpeg::ScrubOptions& scrub, bool sync) {
  if (job.input.object && job.output.object) {
    pipeline::TransferRequest request;
    request.source = {job.input.object->bucket, job.input.object->key};
    request.destination = {job.output.object->bucket, job.output.object->key};
    request.put.content_type = "image/jpeg";
    request.scrub = scrub;
    request.limits.max_object_bytes = kMaxObjectBytes;
    auto transferred = pipeline::scrub_object(client, request);
    if (!transferred.ok()) return from_transfer_error(transferred.error());
    return {JobStatus::Scrubbed, "", "", transferred.value().bytes_in, transferred.value().bytes_out};
  }

  auto input = read_input(client, job.input);
  if (!input.ok()) return input.error();
  auto scrubbed = jpeg::scrub(input.value(), scrub);
  if (!scrubbed.ok()) {
    return {JobStatus::Rejected, std::string(jpeg::error_kind_name(scrubbed.error().kind)),
            job.input.display() + ": " + scrubbed.error().describe(), input.value().size(), 0};

  }
  if (auto failed = write_output(client, job.output, scrubbed.value().jpeg, sync)) return *failed;
  return {JobStatus::Scrubbed, "", "", input.value().size(), scrubbed.value().jpeg.size()};
}

// Counts and draws progress; shared by the workers under one mutex.
class Progress {
 public:
  Progress(std::size_t total, bool quiet) : total_(total), quiet_(quiet), bar_(!quiet && ::isatty(STDERR_FILENO)) {}

  void record(const Job& job, const JobResult& result) {
    std::lock_guard lock(mutex_);
    ++done_;
    switch (result.status) {
      case JobStatus::Scrubbed:
        ++scrubbed_;
        bytes_removed_ += result.bytes_in - std::min(result.bytes_in, result.bytes_out);
        if (!quiet_ && !bar_) {
          std::cerr << "exifscrub: " << job.input.display() << " -> " << job.output.display() << ": "
                    << result.bytes_in << " -> " << result.bytes_out << " bytes\n";
        }
        break;
      case JobStatus::Rejected:
        ++rejected_;
        ++reasons_[result.reason_kind];
        clear_bar();
        std::cerr << "exifscrub: error: " << result.message << "\n";
        break;
      case JobStatus::Failed:
        ++failed_;
        clear_bar();
        std::cerr << "exifscrub: error: " << result.message << "\n";
        break;
    }
    draw_bar();
  }

  void print_summary(std::size_t skipped) {
    std::lock_guard lock(mutex_);
    clear_bar();
    std::cerr << "exifscrub: " << total_ << (total_ == 1 ? " object: " : " objects: ") << scrubbed_ << " scrubbed, " << rejected_
              << " rejected, " << failed_ << " failed, " << skipped << " skipped (not .jpg or .jpeg); "
              << bytes_removed_ << " bytes of metadata removed\n";
    for (const auto& [kind, count] : reasons_) {
      std::cerr << "exifscrub:   rejected as " << kind << ": " << count << "\n";
    }
  }

  ExitCode exit_code() const {
    if (failed_ > 0) return ExitCode::Io;
    if (rejected_ > 0) return ExitCode::Rejected;
    return ExitCode::Success;
  }

 private:
  void draw_bar() {
    if (!bar_ || total_ == 0) return;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = done_ * kWidth / total_;
    std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << done_ << "/"
              << total_ << std::flush;
  }

  void clear_bar() {
    if (bar_) std::cerr << "\r\033[K";
  }

  std::mutex mutex_;
  std::size_t total_;
  bool quiet_;
  bool bar_;
  std::size_t done_ = 0, scrubbed_ = 0, rejected_ = 0, failed_ = 0;
  std::uint64_t bytes_removed_ = 0;
  std::map<std::string, std::size_t> reasons_;
};

}  // namespace

std::optional<S3Uri> parse_s3_uri(std::string_view text) {
  if (!text.starts_with(kScheme)) return std::nullopt;
  text.remove_prefix(kScheme.size());
  const auto slash = text.find('/');
  S3Uri uri;
  uri.bucket = std::string(text.substr(0, slash));
  if (slash != std::string_view::npos) uri.key = std::string(text.substr(slash + 1));
  if (uri.bucket.empty()) return std::nullopt;
  return uri;
}

bool involves_s3(const StripArguments& arguments) {
  if (arguments.output.starts_with(kScheme)) return true;
  for (const auto& input : arguments.inputs) {
    if (input.starts_with(kScheme)) return true;
  }
  return false;
}

ExitCode run_s3_strip(const StripArguments& arguments) {
  for (const auto& location : arguments.inputs) {
    if (location.starts_with(kScheme) && !parse_s3_uri(location)) {
      std::cerr << "exifscrub: error: invalid S3 location '" << location << "'; expected s3://BUCKET/KEY\n";
      return ExitCode::Usage;
    }
  }
  if (arguments.output.starts_with(kScheme) && !parse_s3_uri(arguments.output)) {
    std::cerr << "exifscrub: error: invalid S3 location '" << arguments.output << "'; expected s3://BUCKET/KEY\n";
    return ExitCode::Usage;
  }
  auto config = s3::config_from_environment();
  if (!config.ok()) {
    std::cerr << "exifscrub: error: " << config.error().describe() << "\n";
    return ExitCode::Io;
  }

  s3::Client planner(config.value());
  auto plan = make_plan(planner, arguments);
  if (!plan.ok()) {
    std::cerr << "exifscrub: error: " << plan.error().message << "\n";
    return ExitCode::Usage;
  }

  const std::vector<Job>& jobs = plan.value().jobs;
  Progress progress(jobs.size(), arguments.quiet);
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    s3::Client client(config.value());
    for (std::size_t index = next++; index < jobs.size(); index = next++) {
      progress.record(jobs[index], run_job(client, jobs[index], arguments.scrub, !arguments.no_fsync));
    }
  };
  const std::size_t worker_count = std::min<std::size_t>(static_cast<std::size_t>(arguments.jobs), jobs.size());
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < worker_count; ++i) workers.emplace_back(work);
  for (auto& worker : workers) worker.join();

  progress.print_summary(plan.value().skipped);
  return progress.exit_code();
}

}  // namespace exifscrub::cli
