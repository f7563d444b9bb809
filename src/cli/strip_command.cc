#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <system_error>

#include "cli/commands.h"
#include "cli/file_scrub.h"
#include "cli/plan.h"
#include "cli/report.h"
#include "cli/s3_strip.h"

namespace exifscrub::cli {
namespace {

// The state of one strip run: its options, the JSON entries and the streams.
class StripRun {
 public:
  explicit StripRun(const StripArguments& arguments) : arguments_(arguments) {}

  void report_skip(const SkippedFile& skipped) {
    if (arguments_.json) {
      files_.push_back({{"input", skipped.name}, {"status", "skipped"}, {"reason", skipped.reason}});
    } else if (!arguments_.quiet) {
      std::cerr << "exifscrub: " << skipped.name << ": skipped: " << skipped.reason << "\n";
    }
  }

  // Prints the error against `path` (the input, or the output that failed)
  // and records it under the input's name.
  ExitCode report_io_error(const std::string& input, const std::string& path,
                           const IoError& error, std::string_view fix) {
    std::cerr << format_io_error(path, error, fix) << "\n";
    if (arguments_.json) {
      files_.push_back({{"input", input},
                        {"status", "failed"},
                        {"path", path},
                        {"error", io_error_to_json(error, fix)}});
    }
    return ExitCode::Io;
  }

  ExitCode run_job(const StripJob& job) {
    if (auto streamed = try_streaming_leased(job)) return *streamed;

    auto input = read_location(job.input);
    if (!input.ok()) return report_io_error(job.name, job.name, input.error(), kReadFix);

    if (auto streamed = try_streaming(job, input.value().bytes())) return *streamed;
    return run_buffered(job, std::move(input).value());
  }

  // Scrubs into memory before writing: for standard output, a missing output
  // folder, or an orientation to apply. The orientation comes second, after
  // the input is released, because the lossless transform needs the most
  // memory.
  ExitCode run_buffered(const StripJob& job, InputBytes input) {
    jpeg::ScrubOptions without_transform = arguments_.scrub;
    if (without_transform.orientation == jpeg::OrientationMode::Apply) {
      without_transform.orientation = jpeg::OrientationMode::Drop;
    }
    // The same engine as jpeg::scrub(), into memory that costs a few page
    // faults instead of one per 4 KiB.
    std::optional<OutputBuffer> output(std::in_place, input.bytes().size() + kOutputSlack);
    jpeg::StreamScrubber scrubber(without_transform,
                                  [&output](std::span<const std::uint8_t> bytes) { output->append(bytes); });
    jpeg::Status status = scrubber.write(input.bytes());
    if (status.ok()) status = scrubber.finish();
    if (!status.ok()) return report_rejection(job, status.error());
    input = InputBytes(Bytes{});

    if (!jpeg::needs_transform(scrubber.report(), arguments_.scrub)) {
      auto written = write_location(job.output, output->bytes(), !arguments_.no_fsync);
      if (!written.ok()) return report_io_error(job.name, job.output.text, written.error(), kWriteFix);
      return report_scrubbed(job, scrubber.report());
    }
    const std::span<const std::uint8_t> first_pass = output->bytes();
    jpeg::ScrubOutput scrubbed{Bytes(first_pass.begin(), first_pass.end()), scrubber.report()};
    output.reset();
    return rotate(job, std::move(scrubbed));
  }

  // Applies the orientation to a scrubbed image and writes the result: into a
  // temporary file as it is produced when the output folder exists, else
  // from memory.
  ExitCode rotate(const StripJob& job, jpeg::ScrubOutput scrubbed) {
    if (auto file = streaming_output(job)) {
      // Never NeedsWholeImage: the whole image is in hand.
      return *report_streamed(
          job, apply_orientation_to_file(std::move(scrubbed), arguments_.scrub, std::move(*file), !arguments_.no_fsync));
    }
    auto rotated = jpeg::apply_orientation(std::move(scrubbed), arguments_.scrub);
    if (!rotated.ok()) return report_rejection(job, rotated.error());
    auto written = write_location(job.output, rotated->jpeg, !arguments_.no_fsync);
    if (!written.ok()) return report_io_error(job.name, job.output.text, written.error(), kWriteFix);
    return report_scrubbed(job, rotated->report);
  }

  // Scrubs into an existing folder through scrub_to_file, which needs no
  // output buffer. Returns std::nullopt when the job needs the buffered path
  // instead: standard output, an orientation to apply, or a missing folder
  // (created only once an image has passed, so a rejected input creates
  // nothing). An output that may not be replaced, or a temporary file that
  // cannot be created, also goes there, because the buffered path reports
  // the rejection first, if any, and the write error otherwise.
  std::optional<ExitCode> try_streaming(const StripJob& job, std::span<const std::uint8_t> input) {
    auto file = streaming_output(job);
    if (!file) return std::nullopt;
    return report_streamed(job, scrub_to_file(input, arguments_.scrub, std::move(*file), !arguments_.no_fsync));
  }

  // The same for a local input mapped under a read lease instead of copied.
  // Returns std::nullopt, and the input is then copied, when no lease can be
  // had or when someone asked to write to the file before the commit.
  std::optional<ExitCode> try_streaming_leased(const StripJob& job) {
    if (job.input.kind != LocationKind::Local) return std::nullopt;
    auto input = LeasedInput::open(job.input.text);
    if (!input) return std::nullopt;
    auto file = streaming_output(job);
    if (!file) return std::nullopt;
    const FileScrubResult result = scrub_to_file(input->bytes(), arguments_.scrub, std::move(*file),
                                                 !arguments_.no_fsync, [&input] { return input->unchanged(); });
    if (result.status == FileScrubStatus::InputChanged) return std::nullopt;
    return report_streamed(job, result);
  }

  // The temporary file for a local output whose folder exists, or
  // std::nullopt when the output needs the buffered path (see try_streaming).
  std::optional<AtomicFile> streaming_output(const StripJob& job) {
    if (job.output.kind != LocationKind::Local) return std::nullopt;
    const std::filesystem::path path(job.output.text);
    std::error_code error;
    if (path.has_parent_path() && !std::filesystem::is_directory(path.parent_path(), error)) {
      return std::nullopt;
    }
    if (!prepare_local_output(path).ok()) return std::nullopt;
    auto file = AtomicFile::create(path);
    if (!file.ok()) return std::nullopt;
    return std::move(file).value();
  }

  // Reports a streamed scrub; std::nullopt for NeedsWholeImage, where the
  // caller goes on with the buffered path.
  std::optional<ExitCode> report_streamed(const StripJob& job, const FileScrubResult& result) {
    switch (result.status) {
      case FileScrubStatus::Written:
        return report_scrubbed(job, result.report);
      case FileScrubStatus::Rejected:
        return report_rejection(job, *result.rejection);
      case FileScrubStatus::Failed:
        return report_io_error(job.name, job.output.text, *result.io_error, kWriteFix);
      case FileScrubStatus::NeedsWholeImage:
      case FileScrubStatus::InputChanged:
        break;
    }
    return std::nullopt;
  }

  ExitCode report_rejection(const StripJob& job, const jpeg::Error& error) {
    std::cerr << format_rejection(job.name, error) << "\n";
    if (arguments_.json) {
      files_.push_back({{"input", job.name}, {"status", "rejected"}, {"error", error_to_json(error)}});
    }
    return ExitCode::Rejected;
  }

  ExitCode report_scrubbed(const StripJob& job, const jpeg::ScrubReport& report) {
    if (arguments_.json) {
      files_.push_back({{"input", job.name},
                        {"output", job.output.text},
                        {"status", "scrubbed"},
                        {"report", report_to_json(report)}});
    } else if (!arguments_.quiet) {
      std::cerr << format_summary(job.name, report, arguments_.scrub.orientation) << "\n";
    }
    return ExitCode::Success;
  }

  // The JSON report goes to standard output, unless the image does.
  void print_json(bool image_on_stdout) const {
    const nlohmann::json document = {
        {"orientation_mode", orientation_mode_name(arguments_.scrub.orientation)},
        {"keep_icc", arguments_.scrub.keep_icc},
        {"max_pixels", arguments_.scrub.max_transform_pixels},
        {"files", files_}};
    // File names need not be UTF-8; invalid bytes become U+FFFD so the
    // report is still valid JSON.
    (image_on_stdout ? std::cerr : std::cout)
        << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }

 private:
  // Room beyond the input's size for the output: scrubbing only removes bytes,
  // except for the orientation segment that keep-tag writes (36 bytes).
  static constexpr std::size_t kOutputSlack = 4096;

  const StripArguments& arguments_;
  nlohmann::json files_ = nlohmann::json::array();
};

}  // namespace

ExitCode run_strip(const StripArguments& arguments) {
  if (involves_s3(arguments)) return run_s3_strip(arguments);
  auto plan = plan_strip(arguments.inputs, arguments.output);
  if (!plan.ok()) {
    std::cerr << "exifscrub: error: " << plan.error().message << "\n";
    return ExitCode::Usage;
  }
  const bool image_on_stdout = arguments.output == "-";
  if (image_on_stdout && ::isatty(STDOUT_FILENO)) {
    std::cerr << "exifscrub: error: standard output is a terminal; redirect it to a file or "
                 "use -o FILE\n";
    return ExitCode::Usage;
  }

  StripRun run(arguments);
  ExitCode code = ExitCode::Success;
  for (const auto& skipped : plan->skipped) run.report_skip(skipped);
  for (const auto& failure : plan->failures) {
    code = worst(code, run.report_io_error(failure.name, failure.name, failure.error, kReadFix));
  }
  for (const auto& job : plan->jobs) code = worst(code, run.run_job(job));

  if (arguments.json) run.print_json(image_on_stdout);
  return code;
}

}  // namespace exifscrub::cli
