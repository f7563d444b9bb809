// The sink of the StreamScrubber receives many small pieces (segment headers,
// kept tables) and a few large ones (scan data, as views into the input), so
// small pieces are gathered in a buffer and large ones are written directly.
#include "cli/file_scrub.h"

#include <utility>
#include <vector>

namespace exifscrub::cli {
namespace {

constexpr std::size_t kGatherSize = 64 * 1024;

// Writes the scrubber's output to an AtomicFile and keeps the first error,
// since the sink itself cannot return one.
class GatheringWriter {
 public:
  explicit GatheringWriter(AtomicFile& file) : file_(file) { buffer_.reserve(kGatherSize); }

  void write(std::span<const std::uint8_t> bytes) {
    if (error_) return;
    if (buffer_.size() + bytes.size() <= kGatherSize) {
      buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
      return;
    }
    flush();
    if (error_) return;
    if (bytes.size() < kGatherSize) {
      buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
      return;
    }
    keep(file_.write(bytes));
  }

  void flush() {
    if (error_ || buffer_.empty()) return;
    keep(file_.write(buffer_));
    buffer_.clear();
  }

  const std::optional<IoError>& error() const { return error_; }

 private:
  void keep(const Result<Done, IoError>& status) {
    if (!status.ok()) error_ = status.error();
  }

  AtomicFile& file_;
  std::vector<std::uint8_t> buffer_;
  std::optional<IoError> error_;
};

FileScrubResult failed(IoError error) {
  FileScrubResult result;
  result.status = FileScrubStatus::Failed;
  result.io_error = std::move(error);
  return result;
}

}  // namespace

FileScrubResult scrub_to_file(std::span<const std::uint8_t> input, const jpeg::ScrubOptions& options,
                              AtomicFile file, bool sync) {
  GatheringWriter writer(file);
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
  if (writer.error()) return failed(*writer.error());
  auto committed = file.commit(sync);
  if (!committed.ok()) return failed(committed.error());
  result.status = FileScrubStatus::Written;
  result.report = scrubber.report();
  return result;
}

}  // namespace exifscrub::cli
