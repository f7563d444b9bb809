// `exifscrub strip` when an input or the output is an s3:// location: one
// object, every .jpg/.jpeg under a prefix, or a local file or folder to or
// from S3. Objects are processed by a bounded pool of workers, each with its
// own S3 client; a progress bar is drawn when standard error is a terminal,
// and a summary (scrubbed, rejected with reasons, failed, bytes removed)
// closes the run.
//
// The bytes written for an object are the same as the local-file path
// writes: S3 to S3 goes through pipeline::scrub_object, which uses the same
// jpeg::scrub or its streaming equivalent with the same options.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/arguments.h"
#include "cli/exit_code.h"

namespace exifscrub::cli {

struct S3Uri {
  std::string bucket;
  std::string key;  // may be empty or end in '/': then it is a prefix
};

// Parses "s3://bucket" or "s3://bucket/key". Returns nullopt for anything
// else, including an empty bucket name.
std::optional<S3Uri> parse_s3_uri(std::string_view text);

// True when any input or the output is an s3:// location.
bool involves_s3(const StripArguments& arguments);

// Runs the strip command for arguments where involves_s3() is true.
ExitCode run_s3_strip(const StripArguments& arguments);

}  // namespace exifscrub::cli
