// The sink of the StreamScrubber receives many small pieces (segment headers,
// kept tables, held-back bytes) from the scrubber's own buffers, and the scan
// data as consecutive slices of the input. Small pieces are copied into a
// buffer, because the scrubber reuses its buffers after the call. Slices of
// the input stay valid until the scrub ends, so consecutive ones are joined
// without a copy and written with one call. For a 4 MB photo that is one
// write of the whole scan instead of a copy and hundreds of writes.
#include "cli/file_scrub.h"

#include <cstring>
#include <functional>
#include <utility>
#include <vector>

namespace exifscrub::cli {
namespace {

constexpr std::size_t kGatherSize = 64 * 1024;

// Writes the scrubber's output to an AtomicFile in order and keeps the first
// error, since the sink itself cannot return one.
class GatheringWriter {
 public:
  GatheringWriter(AtomicFile& file, std::span<const std::uint8_t> input)
      : file_(file), input_(input) {
    buffer_.reserve(kGatherSize);
  }

  void write(std::span<const std::uint8_t> bytes) {
    if (error_ || bytes.empty()) return;
    if (inside_input(bytes)) {
      flush_buffer();
      if (!run_.empty() && run_.data() + run_.size() == bytes.data()) {
        run_ = std::span<const std::uint8_t>(run_.data(), run_.size() + bytes.size());
      } else {
        flush_run();
        run_ = bytes;
      }
      return;
    }
    if (continues_run(bytes)) {
      run_ = std::span<const std::uint8_t>(run_.data(), run_.size() + bytes.size());
      return;
    }
    flush_run();
    if (buffer_.size() + bytes.size() > kGatherSize) flush_buffer();
    if (bytes.size() >= kGatherSize) {
      keep(file_.write(bytes));
      return;
    }
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  }

  // Writes what is pending; call before committing.
  void flush() {
    flush_run();
    flush_buffer();
  }

  const std::optional<IoError>& error() const { return error_; }

 private:
  // Compared as addresses with std::less, which gives a total order even
  // for pointers into different objects.
  bool inside_input(std::span<const std::uint8_t> bytes) const {
    const std::less<const std::uint8_t*> before;
    return !before(bytes.data(), input_.data()) &&
           !before(input_.data() + input_.size(), bytes.data() + bytes.size());
  }

  // Whether a copied piece has the same bytes as the input right after the
  // pending run. The scrubber passes on the last two bytes of each slice from
  // a copy of its own, because it keeps them back until it knows whether they
  // end the image. Without this every slice would end the run. Writing the
  // input's bytes instead writes the same output.
  bool continues_run(std::span<const std::uint8_t> bytes) const {
    if (run_.empty()) return false;
    const std::uint8_t* next = run_.data() + run_.size();
    const std::size_t left = static_cast<std::size_t>(input_.data() + input_.size() - next);
    return bytes.size() <= left && std::memcmp(next, bytes.data(), bytes.size()) == 0;
  }

  void flush_run() {
    if (error_ || run_.empty()) return;
    keep(file_.write(run_));
    run_ = {};
  }

  void flush_buffer() {
    if (error_ || buffer_.empty()) return;
    keep(file_.write(buffer_));
    buffer_.clear();
  }

  void keep(const Result<Done, IoError>& status) {
    if (!status.ok()) error_ = status.error();
  }

  AtomicFile& file_;
  std::span<const std::uint8_t> input_;
  std::span<const std::uint8_t> run_;  // consecutive input slices not written yet
  std::vector<std::uint8_t> buffer_;   // copied pieces not written yet
  std::optional<IoError> error_;
};

FileScrubResult failed(IoError error) {
  FileScrubResult result;
  result.status = FileScrubStatus::Failed;
  result.io_error = std::move(error);
  return result;
}

// Writes what the writer still holds and commits the file: the end of both
// scrubs once the whole output has verified.
FileScrubResult commit(GatheringWriter& writer, AtomicFile& file, bool sync, jpeg::ScrubReport report) {
  writer.flush();
  if (writer.error()) return failed(*writer.error());
  auto committed = file.commit(sync);
  if (!committed.ok()) return failed(committed.error());
  FileScrubResult result;
  result.status = FileScrubStatus::Written;
  result.report = std::move(report);
  return result;
}

}  // namespace

FileScrubResult scrub_to_file(std::span<const std::uint8_t> input, const jpeg::ScrubOptions& options,
                              AtomicFile file, bool sync, const std::function<bool()>& input_unchanged) {
  GatheringWriter writer(file, input);
  jpeg::StreamScrubber scrubber(options, [&writer](std::span<const std::uint8_t> bytes) {
    writer.write(bytes);
  });

  jpeg::Status status = scrubber.write(input);
  if (status.ok()) status = scrubber.finish();
  FileScrubResult result;
  if (!status.ok()) {
    // The AtomicFile's destructor removes the temporary file.
    result.status = scrubber.requires_whole_image() ? FileScrubStatus::NeedsWholeImage
                                                    : FileScrubStatus::Rejected;
    if (result.status == FileScrubStatus::Rejected) result.rejection = status.error();
    return result;
  }

  writer.flush();
  if (input_unchanged && !writer.error() && !input_unchanged()) {
    result.status = FileScrubStatus::InputChanged;
    return result;
  }
  return commit(writer, file, sync, scrubber.report());
}

FileScrubResult apply_orientation_to_file(jpeg::ScrubOutput scrubbed, const jpeg::ScrubOptions& options,
                                          AtomicFile file, bool sync) {
  // No slice of an input outlives a call here, so the writer copies every piece.
  GatheringWriter writer(file, {});
  auto report = jpeg::apply_orientation(std::move(scrubbed), options,
                                        [&writer](std::span<const std::uint8_t> bytes) { writer.write(bytes); });
  FileScrubResult result;
  if (!report.ok()) {
    // The AtomicFile's destructor removes the temporary file.
    result.status = FileScrubStatus::Rejected;
    result.rejection = report.error();
    return result;
  }
  return commit(writer, file, sync, std::move(report).value());
}

}  // namespace exifscrub::cli
