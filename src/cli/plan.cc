#include "cli/plan.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <map>
#include <system_error>

namespace exifscrub::cli {
namespace {

namespace fs = std::filesystem;

UsageError usage(std::string message) {
  return UsageError{message + "; run 'exifscrub strip --help'"};
}

bool has_jpeg_extension(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".jpg" || extension == ".jpeg";
}

std::string join_name(const std::string& folder, const std::string& child) {
  if (!folder.empty() && folder.back() == '/') return folder + child;
  return folder + "/" + child;
}

// Reads one folder's entries sorted by name, so reports come in a stable order.
Result<std::vector<fs::directory_entry>, IoError> list_folder(const fs::path& folder) {
  std::vector<fs::directory_entry> entries;
  std::error_code error;
  fs::directory_iterator iterator(folder, error);
  if (error) return IoError{"open folder", error.value(), "", ""};
  for (; iterator != fs::directory_iterator(); iterator.increment(error)) {
    if (error) return IoError{"read folder", error.value(), "", ""};
    entries.push_back(*iterator);
  }
  if (error) return IoError{"read folder", error.value(), "", ""};
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return entries;
}

// Adds a job or a skip notice for every entry of `folder`, recursing into
// subfolders but never through symbolic links.
void plan_folder(const fs::path& folder, const std::string& name, const fs::path& destination,
                 int depth, StripPlan& plan) {
  if (depth > kMaxFolderDepth) {
    plan.failures.push_back({name, IoError{"open folder", ELOOP,
                                           "nested deeper than " +
                                               std::to_string(kMaxFolderDepth) + " levels",
                                           "scrub the deeper folders on their own"}});
    return;
  }
  auto entries = list_folder(folder);
  if (!entries.ok()) {
    plan.failures.push_back({name, entries.error()});
    return;
  }
  for (const auto& entry : entries.value()) {
    const std::string filename = entry.path().filename().string();
    const std::string entry_name = join_name(name, filename);
    std::error_code error;
    const auto status = entry.symlink_status(error);
    if (error) {
      plan.failures.push_back({entry_name, IoError{"stat", error.value(), "", ""}});
    } else if (fs::is_symlink(status)) {
      plan.skipped.push_back({entry_name, "symbolic link, not followed"});
    } else if (fs::is_directory(status)) {
      plan_folder(entry.path(), entry_name, destination / filename, depth + 1, plan);
    } else if (!fs::is_regular_file(status)) {
      plan.skipped.push_back({entry_name, "not a regular file"});
    } else if (!has_jpeg_extension(entry.path())) {
      plan.skipped.push_back({entry_name, "not a .jpg or .jpeg file"});
    } else {
      plan.jobs.push_back({{LocationKind::Local, entry.path().string()},
                           {LocationKind::Local, (destination / filename).string()},
                           entry_name});
    }
  }
}

bool is_folder(const std::string& path) {
  std::error_code error;
  return fs::is_directory(path, error);
}

bool names_folder(const std::string& output) {
  return output.back() == '/' || is_folder(output);
}

// True when `inner` lies strictly inside `outer`, after resolving both.
bool is_strictly_inside(const fs::path& inner, const fs::path& outer) {
  std::error_code error;
  const fs::path resolved_inner = fs::weakly_canonical(fs::absolute(inner), error);
  const fs::path resolved_outer = fs::weakly_canonical(fs::absolute(outer), error);
  if (resolved_inner == resolved_outer) return false;
  const auto [stop, unused] = std::mismatch(resolved_outer.begin(), resolved_outer.end(),
                                            resolved_inner.begin(), resolved_inner.end());
  return stop == resolved_outer.end();
}

// Plans one operand whose destination is `destination` (a file path, or the
// mirror folder for a folder operand).
Result<Done, UsageError> plan_operand(const std::string& input, const fs::path& destination,
                                      StripPlan& plan) {
  struct stat status {};
  if (::stat(input.c_str(), &status) != 0) {
    plan.failures.push_back({input, IoError{"stat", errno, "", ""}});
    return Done{};
  }
  if (!S_ISDIR(status.st_mode)) {
    plan.jobs.push_back({{LocationKind::Local, input},
                         {LocationKind::Local, destination.string()}, input});
    return Done{};
  }
  if (is_strictly_inside(destination, input)) {
    return usage("output folder '" + destination.string() + "' is inside input folder '" + input +
                 "'");
  }
  if (fs::exists(destination) && !is_folder(destination.string())) {
    return usage("output '" + destination.string() + "' is a file, but input '" + input +
                 "' is a folder");
  }
  plan_folder(input, input, destination, 0, plan);
  return Done{};
}

Result<Done, UsageError> check_stdio(const std::vector<std::string>& inputs,
                                     const std::string& output) {
  const bool stdin_named = std::find(inputs.begin(), inputs.end(), "-") != inputs.end();
  if (stdin_named && inputs.size() > 1) {
    return usage("standard input (-) must be the only input");
  }
  if (stdin_named && output != "-" && names_folder(output)) {
    return usage("standard input (-) needs an output file name, not the folder '" + output + "'");
  }
  if (output == "-" && (inputs.size() > 1 || is_folder(inputs.front()))) {
    return usage("standard output (-o -) takes a single file as input");
  }
  return Done{};
}

Result<Done, UsageError> check_unique_destinations(const StripPlan& plan) {
  std::map<std::string, std::string> sources;
  for (const auto& job : plan.jobs) {
    if (job.output.kind == LocationKind::Stdio) continue;
    const std::string key = fs::absolute(job.output.text).lexically_normal().string();
    const auto [existing, inserted] = sources.emplace(key, job.name);
    if (!inserted) {
      return usage("inputs '" + existing->second + "' and '" + job.name +
                   "' would both be written to '" + job.output.text + "'");
    }
  }
  return Done{};
}

}  // namespace

Result<StripPlan, UsageError> plan_strip(const std::vector<std::string>& inputs,
                                         const std::string& output) {
  const auto is_s3 = [](const std::string& text) {
    return parse_location(text).kind == LocationKind::S3;
  };
  if (is_s3(output) || std::any_of(inputs.begin(), inputs.end(), is_s3)) {
    // TODO: accept s3:// sources and destinations once the CLI links the pipeline.
    return usage("s3:// locations are not supported by this build yet; use local paths");
  }
  auto stdio = check_stdio(inputs, output);
  if (!stdio.ok()) return stdio.error();

  StripPlan plan;
  if (inputs.size() == 1) {
    const std::string& input = inputs.front();
    if (input == "-") {
      plan.jobs.push_back({parse_location("-"), parse_location(output), "-"});
      return plan;
    }
    if (output == "-") {
      plan.jobs.push_back({parse_location(input), parse_location("-"), input});
      return plan;
    }
    const bool into_folder = !is_folder(input) && names_folder(output);
    const fs::path destination =
        into_folder ? fs::path(output) / fs::path(input).filename() : fs::path(output);
    auto planned = plan_operand(input, destination, plan);
    if (!planned.ok()) return planned.error();
  } else {
    if (fs::exists(output) && !is_folder(output)) {
      return usage("several inputs need an output folder, but '" + output + "' is a file");
    }
    for (const auto& input : inputs) {
      const fs::path name = fs::path(input).lexically_normal().filename();
      const fs::path base = name.empty() ? fs::path(input).lexically_normal().parent_path().filename() : name;
      auto planned = plan_operand(input, fs::path(output) / base, plan);
      if (!planned.ok()) return planned.error();
    }
  }

  auto unique = check_unique_destinations(plan);
  if (!unique.ok()) return unique.error();
  return plan;
}

}  // namespace exifscrub::cli
