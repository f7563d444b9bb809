// The commands of the exifscrub binary. Each parses nothing: it receives
// parsed arguments, does the work, prints to standard error (and to standard
// output for reports and images) and returns the exit code.
#pragma once

#include "cli/arguments.h"
#include "cli/exit_code.h"

namespace exifscrub::cli {

// Scrubs every planned input. A rejected or unreadable input does not stop the
// others; the exit code is the worst outcome.
ExitCode run_strip(const StripArguments& arguments);

// Prints every segment of one input with what scrubbing would do to it.
ExitCode run_inspect(const InspectArguments& arguments);

}  // namespace exifscrub::cli
