// Turns the operands of `exifscrub strip` into a list of jobs, one per image:
// where to read it, where to write it and the name to report it under.
//
// Folders are walked recursively into a mirror tree with the same relative
// paths. Only files ending in .jpg or .jpeg (in any case) are taken from a
// folder. Other files, symbolic links (never followed) and special files are
// listed as skipped. A file named on the command line is taken whatever its
// name. Planning reads folder listings only, never file contents, and writes
// nothing.
#pragma once

#include <string>
#include <vector>

#include "cli/arguments.h"
#include "cli/file_io.h"
#include "cli/location.h"

namespace exifscrub::cli {

struct StripJob {
  Location input;
  Location output;
  std::string name;  // the input as the user sees it: the operand, or folder/relative/path
};

// A file left alone, and why ("not a .jpg or .jpeg file").
struct SkippedFile {
  std::string name;
  std::string reason;
};

// An input that could not be listed or found.
struct PlanFailure {
  std::string name;
  IoError error;
};

struct StripPlan {
  std::vector<StripJob> jobs;
  std::vector<SkippedFile> skipped;
  std::vector<PlanFailure> failures;
};

// Folder nesting below this depth is reported as a failure, which bounds the
// recursion on pathological trees.
inline constexpr int kMaxFolderDepth = 256;

// Plans the jobs for `strip INPUT... -o OUTPUT`.
//
// One input file goes to OUTPUT, or into OUTPUT when it is an existing folder
// or ends with "/". One input folder is mirrored into OUTPUT. Several inputs
// go into the folder OUTPUT, each under its own file or folder name. "-"
// stands for standard input (only as the single input) and for standard
// output (only for a single file or standard input).
//
// Returns a UsageError for combinations that cannot work: an output folder
// inside an input folder, two inputs with the same destination, or S3
// locations. Inputs that do not exist are failures in the plan.
Result<StripPlan, UsageError> plan_strip(const std::vector<std::string>& inputs,
                                         const std::string& output);

}  // namespace exifscrub::cli
