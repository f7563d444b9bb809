#include "cli/location.h"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace exifscrub::cli {

Location parse_location(std::string_view text) {
  if (text == "-") return {LocationKind::Stdio, std::string(text)};
  if (text.rfind("s3://", 0) == 0) return {LocationKind::S3, std::string(text)};
  return {LocationKind::Local, std::string(text)};
}

Result<InputBytes, IoError> read_location(const Location& location) {
  switch (location.kind) {
    case LocationKind::Stdio:
      return read_input_descriptor(STDIN_FILENO);
    case LocationKind::Local:
      return read_input_file(location.text);
    case LocationKind::S3:
      break;
  }
  // S3 locations never reach here: strip hands them to run_s3_strip, and
  // inspect rejects them as a usage error.
  return IoError{"read", ENOTSUP, "", ""};
}

Result<Done, IoError> prepare_local_output(const std::filesystem::path& path) {
  // The atomic rename would replace a device or FIFO with a regular
  // file (as root, "-o /dev/null" would replace the device).
  std::error_code status_error;
  const auto type = std::filesystem::symlink_status(path, status_error).type();
  if (!status_error && type != std::filesystem::file_type::regular &&
      type != std::filesystem::file_type::symlink && type != std::filesystem::file_type::not_found) {
    return IoError{"write", 0, "the output exists and is not a regular file",
                   "remove or rename it, or choose another output"};
  }
  if (path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) return IoError{"create folder", error.value(), "", ""};
  }
  return Done{};
}

Result<Done, IoError> write_location(const Location& location, std::span<const std::uint8_t> bytes,
                                     bool sync) {
  switch (location.kind) {
    case LocationKind::Stdio:
      return write_descriptor(STDOUT_FILENO, bytes);
    case LocationKind::Local: {
      const std::filesystem::path path(location.text);
      auto prepared = prepare_local_output(path);
      if (!prepared.ok()) return prepared.error();
      return write_file_atomic(path, bytes, sync);
    }
    case LocationKind::S3:
      break;
  }
  // S3 locations never reach here: strip hands them to run_s3_strip.
  return IoError{"write", ENOTSUP, "", ""};
}

}  // namespace exifscrub::cli
