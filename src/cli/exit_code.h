// The exit codes of the exifscrub binary, shared by every command. When one
// run meets several outcomes (a batch with a rejected file and an unreadable
// one), the highest code wins.
#pragma once

namespace exifscrub::cli {

enum class ExitCode : int {
  Success = 0,   // every input was scrubbed, inspected or skipped
  Rejected = 1,  // at least one input was rejected as malformed or unsupported
  Usage = 2,     // invalid command line; nothing was read or written
  Io = 3,        // reading an input or writing an output failed
};

inline ExitCode worst(ExitCode a, ExitCode b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

inline int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace exifscrub::cli
