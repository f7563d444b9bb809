// Command-line parsing for `exifscrub strip` and `exifscrub inspect`.
//
// Parses only: it touches no file and prints nothing. Options may come before
// or after the operands, as `--name value` or `--name=value`; `--` ends the
// options, so a file named `-x` can follow it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jpeg/scrub.h"
#include "support/result.h"

namespace exifscrub::cli {

// An invalid command line; message names the option or operand at fault.
struct UsageError {
  std::string message;
};

struct StripArguments {
  bool help = false;
  std::vector<std::string> inputs;  // files, folders or "-" for standard input
  std::string output;               // file, folder or "-" for standard output
  jpeg::ScrubOptions scrub;
  bool quiet = false;  // no per-file summary and no skip notices; errors still print
  bool json = false;   // one JSON report instead of the per-file summaries
  int jobs = 4;        // objects processed at once when S3 locations are involved
  bool no_fsync = false;  // skip the fsync of each written file and its folder
};

// Upper bound of --jobs: each job holds one object and one S3 connection.
inline constexpr int kMaxJobs = 64;

struct InspectArguments {
  bool help = false;
  std::string input;  // a file or "-" for standard input
  jpeg::ScrubOptions scrub;
  bool json = false;
};

// Parses the arguments after `strip`. Requires at least one input and -o,
// unless --help is given.
Result<StripArguments, UsageError> parse_strip_arguments(std::span<const std::string> args);

// Parses the arguments after `inspect`. Requires exactly one input, unless
// --help is given.
Result<InspectArguments, UsageError> parse_inspect_arguments(std::span<const std::string> args);

}  // namespace exifscrub::cli
