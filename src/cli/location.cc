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

Result<Bytes, IoError> read_location(const Location& location) {
  switch (location.kind) {
    case LocationKind::Stdio:
      return read_descriptor(STDIN_FILENO);
    case LocationKind::Local:
      return read_file(location.text);
    case LocationKind::S3:
      break;
  }
  // TODO: read S3 objects through the pipeline once the CLI links it.
  return IoError{"read", ENOTSUP, ""};
}

Result<Done, IoError> write_location(const Location& location,
                                     std::span<const std::uint8_t> bytes) {
  switch (location.kind) {
    case LocationKind::Stdio:
      return write_descriptor(STDOUT_FILENO, bytes);
    case LocationKind::Local: {
      const std::filesystem::path path(location.text);
      if (path.has_parent_path()) {
        std::error_code error;
        std::filesystem::create_directories(path.parent_path(), error);
        if (error) return IoError{"create folder", error.value(), ""};
      }
      return write_file_atomic(path, bytes);
    }
    case LocationKind::S3:
      break;
  }
  // TODO: write S3 objects through the pipeline once the CLI links it.
  return IoError{"write", ENOTSUP, ""};
}

}  // namespace exifscrub::cli
