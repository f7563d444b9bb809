// Local file and stream I/O for the CLI: whole-file reads and atomic writes.
//
// An atomic write never leaves a partial file under the destination name: the
// bytes go to a temporary file in the destination folder, which is flushed to
// disk (fsync) and then renamed over the destination. Does not create folders
// and does not follow or resolve symbolic links itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "support/result.h"

namespace exifscrub::cli {

// A failed system call on a named file or stream.
struct IoError {
  std::string operation;   // "open", "read", "write", "fsync", "rename", ...
  int error_number = 0;    // errno of the failed call
  std::string reason;      // replaces strerror(error_number) when not empty
  // "<operation> failed: <reason>", for example "open failed: No such file or directory".
  std::string message() const;
};

using Bytes = std::vector<std::uint8_t>;

// Reads a whole regular file. A folder yields "open failed: Is a directory".
Result<Bytes, IoError> read_file(const std::filesystem::path& path);

// Largest input the command line reads into memory.
inline constexpr std::size_t kMaxInputBytes = std::size_t{1} << 30;

// Reads a file descriptor (standard input) until end of file, or only its
// first bytes when they do not start with SOI (FF D8). Fails with EFBIG past
// kMaxInputBytes.
Result<Bytes, IoError> read_descriptor(int fd);

// Writes bytes to a file descriptor (standard output), retrying short writes.
Result<Done, IoError> write_descriptor(int fd, std::span<const std::uint8_t> bytes);

// Replaces `path` atomically with `bytes`: a temporary file named
// ".<name>.exifscrub-<random>" in the same folder, created with mode 0666
// minus the umask, written, fsynced, renamed over `path`, then the folder is
// fsynced. On failure the temporary file is removed and `path` is untouched.
// NOTE: a process killed between creating and renaming the temporary file
// leaves it behind; such files are never mistaken for output, since the
// folder walk takes only names ending in .jpg or .jpeg.
Result<Done, IoError> write_file_atomic(const std::filesystem::path& path,
                                        std::span<const std::uint8_t> bytes);

}  // namespace exifscrub::cli
