// Scrubs an image held in memory straight into a local file, with no output
// buffer: the StreamScrubber's output goes to a temporary file beside the
// destination, which replaces the destination only once the scrubber has
// finished and verified the whole output. The strip command uses it for
// local outputs; standard output cannot take back bytes already written, so
// it keeps the buffered jpeg::scrub().
//
// Does not apply orientations: an image that needs the lossless transform
// comes back as NeedsWholeImage before anything is written, and the caller
// scrubs it with jpeg::scrub().
#pragma once

#include <functional>
#include <optional>
#include <span>

#include "cli/file_io.h"
#include "jpeg/scrub.h"

namespace exifscrub::cli {

enum class FileScrubStatus {
  Written,          // the destination contains the scrubbed image; report is set
  Rejected,         // the input is invalid; rejection is set, nothing written
  NeedsWholeImage,  // the orientation must be applied; nothing written
  Failed,           // a system call failed; io_error is set, nothing written
  InputChanged,     // input_unchanged() returned false; nothing written
};

struct FileScrubResult {
  FileScrubStatus status = FileScrubStatus::Failed;
  jpeg::ScrubReport report;
  std::optional<jpeg::Error> rejection;
  std::optional<IoError> io_error;
};

// Scrubs input into file and commits it (with sync, see AtomicFile::commit)
// when the status is Written; on any
// other status the file is dropped, which removes the temporary file. The
// bytes written equal jpeg::scrub(input, options)->jpeg.
// When input_unchanged is set, it is called once the whole output is in the
// temporary file, before the commit. False means that the input may have
// changed under the scrubber (see LeasedInput), so nothing is written.
FileScrubResult scrub_to_file(std::span<const std::uint8_t> input, const jpeg::ScrubOptions& options,
                              AtomicFile file, bool sync, const std::function<bool()>& input_unchanged = {});

// Finishes a scrub whose orientation may still need the lossless transform
// (jpeg::apply_orientation) straight into file, so that the rotated image is
// never held in memory: peak memory is the transform's coefficients. Returns
// Written, Rejected (the transform failed, or its output did not verify) or
// Failed, and commits file only when Written.
FileScrubResult apply_orientation_to_file(jpeg::ScrubOutput scrubbed, const jpeg::ScrubOptions& options,
                                          AtomicFile file, bool sync);

}  // namespace exifscrub::cli
