// Local file and stream I/O for the CLI: whole-file reads and atomic writes.
//
// An atomic write never leaves a partial file under the destination name: the
// bytes go to a temporary file in the destination folder, which is flushed to
// disk (fsync) and then renamed over the destination. Does not create folders
// and does not follow or resolve symbolic links itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
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
  std::string fix;         // what to do, when this failure has its own remedy
  // "<operation> failed: <reason>", for example "open failed: No such file or directory".
  std::string message() const;
};

using Bytes = std::vector<std::uint8_t>;

// Reads a whole regular file. A folder yields "open failed: Is a directory".
Result<Bytes, IoError> read_file(const std::filesystem::path& path);

// The bytes of one input, in memory of the process's own (never a mapping of
// the input file, which another process could change between the checks
// and the write). Move-only.
class InputBytes {
 public:
  explicit InputBytes(Bytes bytes);
  ~InputBytes();
  InputBytes(InputBytes&& other) noexcept;
  InputBytes& operator=(InputBytes&& other) noexcept;
  InputBytes(const InputBytes&) = delete;
  InputBytes& operator=(const InputBytes&) = delete;

  std::span<const std::uint8_t> bytes() const;

 private:
  friend Result<InputBytes, IoError> read_input_descriptor(int fd);
  // Takes ownership of mapping_size bytes of anonymous memory from mmap, of
  // which the first size are the input.
  InputBytes(const std::uint8_t* mapping, std::size_t mapping_size, std::size_t size);

  Bytes owned_;
  const std::uint8_t* mapping_ = nullptr;
  std::size_t mapping_size_ = 0;
  std::size_t size_ = 0;
};

// Reads a whole regular file into anonymous memory aligned for transparent
// huge pages, which where the kernel grants them cost one page fault per
// 2 MiB instead of one per 4 KiB. A file
// that changes size while it is read comes back as what was read. Streams
// and empty files are read as read_descriptor does. Errors as read_file,
// plus EFBIG past kMaxInputBytes.
Result<InputBytes, IoError> read_input_file(const std::filesystem::path& path);

// The same for an open descriptor such as standard input, which stays open.
// A regular file is read from the descriptor's current offset into memory
// aligned for huge pages. Anything else is read as read_descriptor does.
Result<InputBytes, IoError> read_input_descriptor(int fd);

// A regular local input mapped into memory under a read lease
// (fcntl F_SETLEASE), which saves copying it. While the lease holds, no
// process can open the file for writing or truncate it. The kernel makes
// such a call wait until the lease is given up, or for up to
// /proc/sys/fs/lease-break-time seconds (45 by default), and then breaks the
// lease. unchanged() reports whether the lease still holds. If it does after
// the bytes were used, they did not change meanwhile. Move-only.
class LeasedInput {
 public:
  // Opens and maps path when it is a regular file of 1 byte to
  // kMaxInputBytes that no process has open for writing, and a lease can be
  // taken on it (the file's owner or CAP_LEASE, a local file system).
  // Returns std::nullopt otherwise; read_input_file then copies the file or
  // reports why it cannot.
  static std::optional<LeasedInput> open(const std::filesystem::path& path);
  ~LeasedInput();
  LeasedInput(LeasedInput&& other) noexcept;
  LeasedInput& operator=(LeasedInput&&) = delete;
  LeasedInput(const LeasedInput&) = delete;
  LeasedInput& operator=(const LeasedInput&) = delete;

  std::span<const std::uint8_t> bytes() const { return {mapping_, size_}; }
  // True while the lease holds: no process has asked to open the file for
  // writing or to truncate it since open().
  bool unchanged() const;

 private:
  LeasedInput(int fd, const std::uint8_t* mapping, std::size_t size)
      : fd_(fd), mapping_(mapping), size_(size) {}

  int fd_ = -1;
  const std::uint8_t* mapping_ = nullptr;
  std::size_t size_ = 0;
};

// A growing output buffer in anonymous memory aligned for transparent huge
// pages, for output that must be complete before it is written (standard
// output): with huge pages a 4 MB image costs a few page faults instead of
// about 1,000.
// Falls back to ordinary memory when the mapping fails. Move-only.
class OutputBuffer {
 public:
  // Reserves room for `expected` bytes; more may be appended.
  explicit OutputBuffer(std::size_t expected);
  ~OutputBuffer();
  OutputBuffer(OutputBuffer&& other) noexcept;
  OutputBuffer& operator=(OutputBuffer&&) = delete;
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  void append(std::span<const std::uint8_t> bytes);
  std::span<const std::uint8_t> bytes() const;

 private:
  std::uint8_t* mapping_ = nullptr;
  std::size_t mapping_size_ = 0;
  std::size_t size_ = 0;
  Bytes fallback_;  // used once a mapping fails
};

// Largest input the command line reads into memory.
inline constexpr std::size_t kMaxInputBytes = std::size_t{1} << 30;

// Reads a file descriptor (standard input) until end of file, or only its
// first bytes when they do not start with SOI (FF D8). Fails with EFBIG past
// kMaxInputBytes.
Result<Bytes, IoError> read_descriptor(int fd);

// Writes bytes to a file descriptor (standard output), retrying short writes.
Result<Done, IoError> write_descriptor(int fd, std::span<const std::uint8_t> bytes);

// A file being replaced atomically: bytes go to a temporary file in the
// destination's folder, created with mode 0666 minus the umask. Where the file
// system allows it, that file has no name until commit() (O_TMPFILE). A
// process killed while it writes then leaves nothing behind. Elsewhere it is
// named ".<name>.exifscrub-<random>" from the start. commit() makes it the
// destination, with the permissions (and, where the process may set it, the
// owner) of the regular file it replaces. Destroying an uncommitted
// AtomicFile removes the temporary file, so a failure at any step leaves
// the destination untouched. Move-only.
class AtomicFile {
 public:
  static Result<AtomicFile, IoError> create(const std::filesystem::path& path);
  ~AtomicFile();
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes, retrying short writes.
  Result<Done, IoError> write(std::span<const std::uint8_t> bytes);
  // Renames the file over the destination. With sync, the file is flushed to
  // disk (fsync) before and the folder entry after, so the new content
  // survives a power loss. On failure the temporary file is removed.
  Result<Done, IoError> commit(bool sync);

 private:
  AtomicFile(std::filesystem::path path, std::filesystem::path temporary, int fd);

  std::filesystem::path path_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  bool committed_ = false;
};

// Replaces `path` atomically with `bytes`: a temporary file named
// ".<name>.exifscrub-<random>" in the same folder, created with mode 0666
// minus the umask, written, fsynced, renamed over `path`, then the folder is
// fsynced (both fsyncs only with sync). On failure the temporary file is
// removed and `path` is untouched.
// NOTE: a process killed between naming and renaming the temporary file
// leaves it behind: for an instant where O_TMPFILE works (ext4, XFS, Btrfs,
// tmpfs), for the whole write elsewhere. Such files are never mistaken for
// output, since the folder walk takes only names ending in .jpg or .jpeg.
Result<Done, IoError> write_file_atomic(const std::filesystem::path& path,
                                        std::span<const std::uint8_t> bytes, bool sync = true);

}  // namespace exifscrub::cli
