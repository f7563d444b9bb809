// Hand-written parsing: the two commands have a handful of options, and the
// messages name the command whose --help to read.
#include "cli/arguments.h"

#include <charconv>
#include <optional>

namespace exifscrub::cli {
namespace {

// Walks the arguments one at a time, splitting "--name=value" forms.
class ArgumentCursor {
 public:
  ArgumentCursor(std::span<const std::string> args, std::string_view command)
      : args_(args), command_(command) {}

  bool done() const { return index_ >= args_.size(); }
  const std::string& next() { return args_[index_++]; }

  // The value of an option, from "--name=value" or from the next argument.
  Result<std::string, UsageError> value(std::string_view name,
                                        const std::optional<std::string>& inline_value) {
    if (inline_value) return *inline_value;
    if (done()) return error("option " + std::string(name) + " requires a value");
    return next();
  }

  UsageError error(std::string message) const {
    return UsageError{message + "; run 'exifscrub " + std::string(command_) + " --help'"};
  }

 private:
  std::span<const std::string> args_;
  std::string_view command_;
  std::size_t index_ = 0;
};

struct OptionToken {
  std::string name;
  std::optional<std::string> inline_value;
};

OptionToken split_option(const std::string& arg) {
  const auto equals = arg.find('=');
  if (arg.rfind("--", 0) != 0 || equals == std::string::npos) return {arg, std::nullopt};
  return {arg.substr(0, equals), arg.substr(equals + 1)};
}

bool is_option(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

Result<jpeg::OrientationMode, UsageError> parse_orientation(const std::string& value,
                                                            const ArgumentCursor& cursor) {
  if (value == "apply") return jpeg::OrientationMode::Apply;
  if (value == "keep-tag") return jpeg::OrientationMode::KeepTag;
  if (value == "drop") return jpeg::OrientationMode::Drop;
  return cursor.error("invalid value '" + value +
                      "' for --orientation; expected apply, keep-tag or drop");
}

Result<std::uint64_t, UsageError> parse_max_pixels(const std::string& value,
                                                   const ArgumentCursor& cursor) {
  std::uint64_t pixels = 0;
  const char* end = value.data() + value.size();
  const auto [stop, status] = std::from_chars(value.data(), end, pixels);
  if (value.empty() || status != std::errc() || stop != end || pixels == 0) {
    return cursor.error("invalid value '" + value +
                        "' for --max-pixels; expected a whole number of pixels above 0");
  }
  return pixels;
}

// Applies an option that strip and inspect share. Returns false when the
// option is not one of them.
Result<bool, UsageError> apply_scrub_option(const OptionToken& token, ArgumentCursor& cursor,
                                            jpeg::ScrubOptions& options) {
  if (token.name == "--drop-icc") {
    if (token.inline_value) return cursor.error("option --drop-icc takes no value");
    options.keep_icc = false;
    return true;
  }
  if (token.name != "--orientation" && token.name != "--max-pixels") return false;

  auto value = cursor.value(token.name, token.inline_value);
  if (!value.ok()) return value.error();
  if (token.name == "--orientation") {
    auto mode = parse_orientation(value.value(), cursor);
    if (!mode.ok()) return mode.error();
    options.orientation = mode.value();
  } else {
    auto pixels = parse_max_pixels(value.value(), cursor);
    if (!pixels.ok()) return pixels.error();
    options.max_transform_pixels = pixels.value();
  }
  return true;
}

// Sets a flag that takes no value.
Result<bool, UsageError> apply_flag(const OptionToken& token, std::string_view name, bool& flag,
                                    const ArgumentCursor& cursor) {
  if (token.name != name) return false;
  if (token.inline_value) return cursor.error("option " + std::string(name) + " takes no value");
  flag = true;
  return true;
}

}  // namespace

Result<StripArguments, UsageError> parse_strip_arguments(std::span<const std::string> args) {
  StripArguments parsed;
  ArgumentCursor cursor(args, "strip");
  bool output_given = false;
  bool options_ended = false;

  while (!cursor.done()) {
    const std::string& arg = cursor.next();
    if (options_ended || !is_option(arg)) {
      parsed.inputs.push_back(arg);
      continue;
    }
    const OptionToken token = split_option(arg);
    if (token.name == "--") {
      options_ended = true;
    } else if (token.name == "-h" || token.name == "--help") {
      parsed.help = true;
    } else if (token.name == "-o" || token.name == "--output") {
      if (output_given) return cursor.error("option -o is given more than once");
      auto value = cursor.value(token.name, token.inline_value);
      if (!value.ok()) return value.error();
      parsed.output = value.value();
      output_given = true;
    } else if (token.name == "-j" || token.name == "--jobs") {
      auto value = cursor.value(token.name, token.inline_value);
      if (!value.ok()) return value.error();
      const std::string& text = value.value();
      const bool digits = !text.empty() && text.size() <= 3 &&
                          text.find_first_not_of("0123456789") == std::string::npos;
      const int jobs = digits ? std::stoi(text) : 0;
      if (jobs < 1 || jobs > kMaxJobs) {
        return cursor.error("invalid value '" + text + "' for --jobs; expected a whole number from 1 to " +
                            std::to_string(kMaxJobs));
      }
      parsed.jobs = jobs;
    } else {
      auto scrub = apply_scrub_option(token, cursor, parsed.scrub);
      if (!scrub.ok()) return scrub.error();
      auto quiet = apply_flag(token, "--quiet", parsed.quiet, cursor);
      if (!quiet.ok()) return quiet.error();
      auto json = apply_flag(token, "--json", parsed.json, cursor);
      if (!json.ok()) return json.error();
      auto no_fsync = apply_flag(token, "--no-fsync", parsed.no_fsync, cursor);
      if (!no_fsync.ok()) return no_fsync.error();
      if (!scrub.value() && !quiet.value() && !json.value() && !no_fsync.value()) {
        return cursor.error("unknown option '" + token.name + "'");
      }
    }
  }

  if (parsed.help) return parsed;
  if (parsed.inputs.empty()) return cursor.error("missing input: name a file, a folder or -");
  if (!output_given || parsed.output.empty()) {
    return cursor.error("missing output: add -o FILE, -o FOLDER or -o -");
  }
  return parsed;
}

Result<InspectArguments, UsageError> parse_inspect_arguments(std::span<const std::string> args) {
  InspectArguments parsed;
  ArgumentCursor cursor(args, "inspect");
  std::vector<std::string> inputs;
  bool options_ended = false;

  while (!cursor.done()) {
    const std::string& arg = cursor.next();
    if (options_ended || !is_option(arg)) {
      inputs.push_back(arg);
      continue;
    }
    const OptionToken token = split_option(arg);
    if (token.name == "--") {
      options_ended = true;
    } else if (token.name == "-h" || token.name == "--help") {
      parsed.help = true;
    } else {
      auto scrub = apply_scrub_option(token, cursor, parsed.scrub);
      if (!scrub.ok()) return scrub.error();
      auto json = apply_flag(token, "--json", parsed.json, cursor);
      if (!json.ok()) return json.error();
      if (!scrub.value() && !json.value()) {
        return cursor.error("unknown option '" + token.name + "'");
      }
    }
  }

  if (parsed.help) return parsed;
  if (inputs.empty()) return cursor.error("missing input: name a file or -");
  if (inputs.size() > 1) {
    return cursor.error("inspect takes one file, but " + std::to_string(inputs.size()) +
                        " were given");
  }
  parsed.input = inputs.front();
  return parsed;
}

}  // namespace exifscrub::cli
