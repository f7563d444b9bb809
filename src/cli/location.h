// The source or destination of one image, told apart by the form of the
// argument: "-" is standard input or output, "s3://bucket/key" is an S3
// object, and anything else is a local path.
//
// S3 locations are recognised here so that the command line can name them,
// but this build does not read or write them yet: the planner rejects them as
// a usage error. Adding them means a branch in read_location and
// write_location that calls the pipeline, and nothing else in the CLI.
#pragma once

#include <string>
#include <string_view>

#include "cli/file_io.h"

namespace exifscrub::cli {

enum class LocationKind {
  Stdio,  // "-": standard input when read, standard output when written
  Local,  // a path on the local file system
  S3,     // "s3://bucket/key"
};

struct Location {
  LocationKind kind = LocationKind::Local;
  std::string text;  // the argument as given, or the path derived from it
};

Location parse_location(std::string_view text);

// Reads the whole image (a local file with read_input_file). Requires a
// Stdio or Local location.
Result<InputBytes, IoError> read_location(const Location& location);

// Checks that a local output path may be replaced (it is absent, a regular
// file or a symbolic link, not a device or FIFO) and creates its missing
// parent folders.
Result<Done, IoError> prepare_local_output(const std::filesystem::path& path);

// Writes the image: standard output, or an atomic replacement of a local
// file after creating its missing parent folders. Requires a Stdio or Local
// location.
// With sync, a local file is flushed to disk (see write_file_atomic).
Result<Done, IoError> write_location(const Location& location, std::span<const std::uint8_t> bytes,
                                     bool sync = true);

}  // namespace exifscrub::cli
