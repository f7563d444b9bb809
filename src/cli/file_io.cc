// POSIX calls rather than iostreams, because atomic replacement needs fsync
// on the file and on its folder, and errno is the only precise error source.
#include "cli/file_io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <random>
#include <utility>


namespace exifscrub::cli {
namespace {

constexpr std::size_t kChunkSize = 1 << 16;
constexpr int kTemporaryNameAttempts = 16;

// Closes a descriptor on scope exit unless released.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  int get() const { return fd_; }
  // Gives up ownership without closing.
  int release() { return std::exchange(fd_, -1); }
  // Closes now and reports the result, since close can report a delayed write error.
  int close() {
    const int status = ::close(fd_);
    fd_ = -1;
    return status;
  }

 private:
  int fd_;
};

IoError last_error(std::string operation) { return IoError{std::move(operation), errno, "", ""}; }

std::string random_suffix() {
  std::random_device device;
  std::uniform_int_distribution<std::uint32_t> distribution;
  char text[9];
  std::snprintf(text, sizeof text, "%08x", distribution(device));
  return text;
}

// Creates a temporary file next to `path`; O_EXCL keeps it from reusing a name.
std::filesystem::path folder_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

// ".<name>.exifscrub-<8 hex digits>" in the destination's folder, with <name>
// cut short where the whole would pass the 255-byte limit of a file name.
std::filesystem::path temporary_name(const std::filesystem::path& path) {
  constexpr std::size_t kNameMax = 255;
  const std::string suffix = ".exifscrub-" + random_suffix();
  // Built with += because GCC 12 reports a false -Wrestrict for the
  // equivalent chain of operator+.
  std::string name = ".";
  name += path.filename().string().substr(0, kNameMax - 1 - suffix.size());
  name += suffix;
  return folder_of(path) / name;
}

// Creates a named temporary file next to `path`; O_EXCL keeps it from reusing a name.
Result<std::filesystem::path, IoError> create_temporary(const std::filesystem::path& path,
                                                        int& fd) {
  for (int attempt = 0; attempt < kTemporaryNameAttempts; ++attempt) {
    auto temporary = temporary_name(path);
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return temporary;
    if (errno != EEXIST) return last_error("create temporary file");
  }
  return IoError{"create temporary file", EEXIST, "", ""};
}

// Creates a file with no name in the destination's folder (O_TMPFILE), so
// that a process killed before the commit leaves nothing behind. Returns -1
// where the kernel or the file system cannot, or where /proc, which the
// commit needs to give the file a name, is missing.
int create_unnamed(const std::filesystem::path& path) {
#if defined(O_TMPFILE)
  if (::access("/proc/self/fd", X_OK) != 0) return -1;
  return ::open(folder_of(path).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
#else
  static_cast<void>(path);
  return -1;
#endif
}

// Gives the unnamed file open as fd a temporary name next to `path`.
Result<std::filesystem::path, IoError> link_unnamed(int fd, const std::filesystem::path& path) {
  const std::string source = "/proc/self/fd/" + std::to_string(fd);
  for (int attempt = 0; attempt < kTemporaryNameAttempts; ++attempt) {
    auto temporary = temporary_name(path);
    if (::linkat(AT_FDCWD, source.c_str(), AT_FDCWD, temporary.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      return temporary;
    }
    if (errno != EEXIST) return last_error("link temporary file");
  }
  return IoError{"link temporary file", EEXIST, "", ""};
}

Result<Done, IoError> sync_folder(const std::filesystem::path& path) {
  const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  Descriptor fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return last_error("open folder");
  if (::fsync(fd.get()) != 0) return last_error("fsync folder");
  return Done{};
}


// Appends what fd holds up to end of file to bytes. The loop ends at end of
// file, on an error, or at the size limit. With stop_without_soi it also ends
// once the first two bytes are not SOI: the scrubber rejects the input from
// those bytes alone, so /dev/zero is not read forever.
Result<Done, IoError> append_to_end(int fd, Bytes& bytes, bool stop_without_soi) {
  while (true) {
    if (stop_without_soi && bytes.size() >= 2 && (bytes[0] != 0xFF || bytes[1] != 0xD8)) {
      return Done{};
    }
    if (bytes.size() > kMaxInputBytes) {
      return IoError{"read", EFBIG, "the input is larger than the command line's limit of 1 GiB",
                   "the command line reads images of up to 1 GiB"};
    }
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + kChunkSize);
    const ssize_t count = ::read(fd, bytes.data() + old_size, kChunkSize);
    if (count < 0 && errno == EINTR) {
      bytes.resize(old_size);
      continue;
    }
    if (count < 0) return last_error("read");
    bytes.resize(old_size + static_cast<std::size_t>(count));
    if (count == 0) return Done{};
  }
}

// Reads up to size bytes into data, stopping early only at end of file.
// Returns the number of bytes read.
Result<std::size_t, IoError> read_up_to(int fd, std::uint8_t* data, std::size_t size) {
  std::size_t filled = 0;
  while (filled < size) {
    const ssize_t count = ::read(fd, data + filled, size - filled);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return last_error("read");
    if (count == 0) break;
    filled += static_cast<std::size_t>(count);
  }
  return filled;
}

// Appends what follows a file's expected end, if anything: one read of a byte
// finds end of file in the common case, without growing bytes (which would
// copy it).
Result<Done, IoError> append_growth(int fd, Bytes& bytes) {
  std::uint8_t probe = 0;
  ssize_t count = 0;
  do {
    count = ::read(fd, &probe, 1);
  } while (count < 0 && errno == EINTR);
  if (count < 0) return last_error("read");
  if (count == 0) return Done{};
  bytes.push_back(probe);
  return append_to_end(fd, bytes, false);
}

// Reads a regular file of known size into one buffer sized once, instead of
// growing it chunk by chunk (each growth copies and zero-fills). A file that
// grew since fstat is read on to its end; one that shrank is returned as read.
Result<Bytes, IoError> read_regular_file(int fd, std::size_t size) {
  if (size > kMaxInputBytes) {
    return IoError{"read", EFBIG, "the input is larger than the command line's limit of 1 GiB",
                   "the command line reads images of up to 1 GiB"};
  }
  Bytes bytes(size);
  auto filled = read_up_to(fd, bytes.data(), size);
  if (!filled.ok()) return filled.error();
  bytes.resize(filled.value());
  if (filled.value() < size) return bytes;

  auto grown = append_growth(fd, bytes);
  if (!grown.ok()) return grown.error();
  return bytes;
}

constexpr std::size_t kHugePage = std::size_t{2} << 20;  // x86-64 and arm64 with 4 KiB pages

std::size_t round_up(std::size_t value, std::size_t unit) { return (value + unit - 1) / unit * unit; }

// Returns anonymous memory for at least size bytes, aligned to 2 MiB and
// marked for transparent huge pages, or nullptr. Its length is
// round_up(size, kHugePage).
void* map_huge_pages(std::size_t size) {
  const std::size_t length = round_up(size, kHugePage);
  void* base = ::mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<std::uintptr_t>(base);
  const std::uintptr_t aligned = round_up(start, kHugePage);
  // Unmaps the unaligned head and the tail beyond length.
  if (aligned > start) ::munmap(base, aligned - start);
  const std::size_t tail = start + length + kHugePage - (aligned + length);
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + length), tail);
  ::madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

}  // namespace

InputBytes::InputBytes(Bytes bytes) : owned_(std::move(bytes)) {}

InputBytes::InputBytes(const std::uint8_t* mapping, std::size_t mapping_size, std::size_t size)
    : mapping_(mapping), mapping_size_(mapping_size), size_(size) {}

InputBytes::~InputBytes() {
  if (mapping_ != nullptr) ::munmap(const_cast<std::uint8_t*>(mapping_), mapping_size_);
}

InputBytes::InputBytes(InputBytes&& other) noexcept
    : owned_(std::move(other.owned_)),
      mapping_(std::exchange(other.mapping_, nullptr)),
      mapping_size_(std::exchange(other.mapping_size_, 0)),
      size_(std::exchange(other.size_, 0)) {}

InputBytes& InputBytes::operator=(InputBytes&& other) noexcept {
  std::swap(owned_, other.owned_);
  std::swap(mapping_, other.mapping_);
  std::swap(mapping_size_, other.mapping_size_);
  std::swap(size_, other.size_);
  return *this;
}

namespace {

// Returns whether every page of the mapping is in memory, as MAP_POPULATE
// leaves them unless reading one failed.
bool all_resident(void* mapping, std::size_t size) {
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((size + page - 1) / page);
  if (::mincore(mapping, size, resident.data()) != 0) return false;
  return std::all_of(resident.begin(), resident.end(), [](unsigned char state) { return (state & 1) != 0; });
}

}  // namespace

std::optional<LeasedInput> LeasedInput::open(const std::filesystem::path& path) {
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  // A lease breaker makes the kernel send the holder SIGIO, which would end
  // the process. unchanged() reads the lease's state instead.
  ::signal(SIGIO, SIG_IGN);
  if (::fcntl(fd.get(), F_SETLEASE, F_RDLCK) != 0) return std::nullopt;
  // The size counts only from here: before the lease, a writer could still change it.
  struct stat status {};
  const bool usable = ::fstat(fd.get(), &status) == 0 && S_ISREG(status.st_mode) && status.st_size > 0 &&
                      static_cast<std::uint64_t>(status.st_size) <= kMaxInputBytes;
  void* mapping = MAP_FAILED;
  if (usable) {
    mapping = ::mmap(nullptr, static_cast<std::size_t>(status.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                     fd.get(), 0);
  }
  if (mapping == MAP_FAILED) {
    ::fcntl(fd.get(), F_SETLEASE, F_UNLCK);
    return std::nullopt;
  }
  LeasedInput input(fd.release(), static_cast<const std::uint8_t*>(mapping),
                    static_cast<std::size_t>(status.st_size));
  // A page that could not be read (a disk error) would end the process with
  // SIGBUS when touched, where read() reports EIO: copy such a file instead.
  if (!all_resident(mapping, input.size_)) return std::nullopt;
  return input;
}

LeasedInput::~LeasedInput() {
  if (mapping_ != nullptr) ::munmap(const_cast<std::uint8_t*>(mapping_), size_);
  if (fd_ >= 0) {
    ::fcntl(fd_, F_SETLEASE, F_UNLCK);
    ::close(fd_);
  }
}

LeasedInput::LeasedInput(LeasedInput&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      mapping_(std::exchange(other.mapping_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

bool LeasedInput::unchanged() const { return ::fcntl(fd_, F_GETLEASE) == F_RDLCK; }

OutputBuffer::OutputBuffer(std::size_t expected) {
  void* memory = map_huge_pages(std::max<std::size_t>(expected, 1));
  if (memory == nullptr) return;
  mapping_ = static_cast<std::uint8_t*>(memory);
  mapping_size_ = round_up(std::max<std::size_t>(expected, 1), kHugePage);
}

OutputBuffer::~OutputBuffer() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
}

OutputBuffer::OutputBuffer(OutputBuffer&& other) noexcept
    : mapping_(std::exchange(other.mapping_, nullptr)),
      mapping_size_(std::exchange(other.mapping_size_, 0)),
      size_(std::exchange(other.size_, 0)),
      fallback_(std::move(other.fallback_)) {}

void OutputBuffer::append(std::span<const std::uint8_t> bytes) {
  if (mapping_ != nullptr && size_ + bytes.size() > mapping_size_) {
    // Grows into a mapping twice as large, or moves to ordinary memory.
    const std::size_t new_size = std::max(2 * mapping_size_, size_ + bytes.size());
    void* memory = map_huge_pages(new_size);
    if (memory == nullptr) {
      fallback_.assign(mapping_, mapping_ + size_);
    } else {
      std::memcpy(memory, mapping_, size_);
    }
    ::munmap(mapping_, mapping_size_);
    mapping_ = static_cast<std::uint8_t*>(memory);
    mapping_size_ = memory == nullptr ? 0 : round_up(new_size, kHugePage);
  }
  if (mapping_ == nullptr) {
    fallback_.insert(fallback_.end(), bytes.begin(), bytes.end());
    size_ = fallback_.size();
    return;
  }
  if (bytes.empty()) return;
  std::memcpy(mapping_ + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

std::span<const std::uint8_t> OutputBuffer::bytes() const {
  if (mapping_ == nullptr) return fallback_;
  return {mapping_, size_};
}

std::span<const std::uint8_t> InputBytes::bytes() const {
  if (mapping_ != nullptr) return {mapping_, size_};
  return owned_;
}

Result<InputBytes, IoError> read_input_file(const std::filesystem::path& path) {
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return last_error("open");
  return read_input_descriptor(fd.get());
}

Result<InputBytes, IoError> read_input_descriptor(int fd) {
  struct stat status {};
  if (::fstat(fd, &status) != 0) return last_error("stat");
  if (S_ISDIR(status.st_mode)) return IoError{"open", EISDIR, "", ""};
  // Standard input may already have been read from: what is left counts.
  const off_t offset = S_ISREG(status.st_mode) ? ::lseek(fd, 0, SEEK_CUR) : 0;
  const auto size = static_cast<std::size_t>(status.st_size - std::clamp<off_t>(offset, 0, status.st_size));
  if (!S_ISREG(status.st_mode) || size == 0) {
    auto bytes = read_descriptor(fd);
    if (!bytes.ok()) return bytes.error();
    return InputBytes(std::move(bytes).value());
  }
  if (size > kMaxInputBytes) {
    return IoError{"read", EFBIG, "the input is larger than the command line's limit of 1 GiB",
                   "the command line reads images of up to 1 GiB"};
  }

  // Private memory, never a mapping of the file: another process may change
  // the file while it is scrubbed, and the bytes checked must be the bytes
  // written. Transparent huge pages, where the kernel allows them on
  // request, cost one page fault per 2 MiB instead of one per 4 KiB.
  void* memory = map_huge_pages(size);
  if (memory == nullptr) {
    auto bytes = read_regular_file(fd, size);
    if (!bytes.ok()) return bytes.error();
    return InputBytes(std::move(bytes).value());
  }
  InputBytes input(static_cast<const std::uint8_t*>(memory), round_up(size, kHugePage), size);
  auto* data = static_cast<std::uint8_t*>(memory);
  auto filled = read_up_to(fd, data, size);
  if (!filled.ok()) return filled.error();
  Bytes grown;
  auto growth = append_growth(fd, grown);
  if (!growth.ok()) return growth.error();
  if (filled.value() == size && grown.empty()) return input;

  // The file shrank or grew while it was read: take its bytes as they are
  // now, in a buffer of its own.
  Bytes bytes(data, data + filled.value());
  bytes.insert(bytes.end(), grown.begin(), grown.end());
  return InputBytes(std::move(bytes));
}

std::string IoError::message() const {
  return operation + " failed: " + (reason.empty() ? std::strerror(error_number) : reason);
}

Result<Bytes, IoError> read_file(const std::filesystem::path& path) {
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return last_error("open");
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) return last_error("stat");
  if (S_ISDIR(status.st_mode)) return IoError{"open", EISDIR, "", ""};
  if (!S_ISREG(status.st_mode)) return read_descriptor(fd.get());
  return read_regular_file(fd.get(), static_cast<std::size_t>(status.st_size));
}

Result<Bytes, IoError> read_descriptor(int fd) {
  Bytes bytes;
  auto status = append_to_end(fd, bytes, true);
  if (!status.ok()) return status.error();
  return bytes;
}

Result<Done, IoError> write_descriptor(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t count = ::write(fd, bytes.data(), bytes.size());
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return last_error("write");
    bytes = bytes.subspan(static_cast<std::size_t>(count));
  }
  return Done{};
}

AtomicFile::AtomicFile(std::filesystem::path path, std::filesystem::path temporary, int fd)
    : path_(std::move(path)), temporary_(std::move(temporary)), fd_(fd) {}

Result<AtomicFile, IoError> AtomicFile::create(const std::filesystem::path& path) {
  const int unnamed = create_unnamed(path);
  if (unnamed >= 0) return AtomicFile(path, {}, unnamed);
  // Any failure is tried again with a named file, which reports it if it
  // is not about O_TMPFILE.
  int fd = -1;
  auto temporary = create_temporary(path, fd);
  if (!temporary.ok()) return temporary.error();
  return AtomicFile(path, std::move(temporary).value(), fd);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temporary_.empty()) ::unlink(temporary_.c_str());
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temporary_(std::exchange(other.temporary_, {})),
      fd_(std::exchange(other.fd_, -1)),
      committed_(other.committed_) {}

Result<Done, IoError> AtomicFile::write(std::span<const std::uint8_t> bytes) {
  return write_descriptor(fd_, bytes);
}

Result<Done, IoError> AtomicFile::commit(bool sync) {
  // A file replaced in place keeps its permissions, and its owner where the
  // process may set it: a private photo must not become readable by all.
  struct stat existing {};
  if (::lstat(path_.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) {
    // chown first: it clears the set-user-ID and set-group-ID bits.
    if (::fchown(fd_, existing.st_uid, existing.st_gid) != 0 && errno != EPERM) return last_error("chown");
    if (::fchmod(fd_, existing.st_mode & 07777) != 0) return last_error("chmod");
  }
  if (sync && ::fsync(fd_) != 0) return last_error("fsync");
  if (temporary_.empty()) {
    // An unnamed file gets its temporary name only now, just before the rename.
    auto named = link_unnamed(fd_, path_);
    if (!named.ok()) return named.error();
    temporary_ = std::move(named).value();
  }
  const int status = ::close(fd_);
  fd_ = -1;
  if (status != 0) return last_error("close");
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) return last_error("rename");
  committed_ = true;
  // The rename is durable only once the folder entry is on disk.
  if (!sync) return Done{};
  return sync_folder(path_);
}

Result<Done, IoError> write_file_atomic(const std::filesystem::path& path,
                                        std::span<const std::uint8_t> bytes, bool sync) {
  auto file = AtomicFile::create(path);
  if (!file.ok()) return file.error();
  auto written = file.value().write(bytes);
  if (!written.ok()) return written.error();
  return file.value().commit(sync);
}

}  // namespace exifscrub::cli
