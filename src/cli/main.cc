// Entry point of the exifscrub binary: the local CLI (strip, inspect) and,
// under the name `bootstrap`, the AWS Lambda runtime. Dispatches only.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/help.h"
#include "cli/lambda_mode.h"

namespace exifscrub::cli {
namespace {

ExitCode usage_error(const std::string& message) {
  std::cerr << "exifscrub: error: " << message << "\n";
  return ExitCode::Usage;
}

ExitCode print_help(std::string_view text) {
  std::cout << text;
  return ExitCode::Success;
}

ExitCode run_command(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << main_help();
    return ExitCode::Usage;
  }
  const std::string& command = args.front();
  const std::span<const std::string> rest(args.data() + 1, args.size() - 1);

  if (command == "-h" || command == "--help") return print_help(main_help());
  if (command == "-V" || command == "--version") {
    std::cout << version_text() << "\n";
    return ExitCode::Success;
  }
  if (command == "help") {
    if (rest.empty()) return print_help(main_help());
    if (rest.front() == "strip") return print_help(strip_help());
    if (rest.front() == "inspect") return print_help(inspect_help());
    return usage_error("unknown command '" + rest.front() + "'; run 'exifscrub --help'");
  }
  if (command == "strip") {
    auto parsed = parse_strip_arguments(rest);
    if (!parsed.ok()) return usage_error(parsed.error().message);
    if (parsed->help) return print_help(strip_help());
    return run_strip(parsed.value());
  }
  if (command == "inspect") {
    auto parsed = parse_inspect_arguments(rest);
    if (!parsed.ok()) return usage_error(parsed.error().message);
    if (parsed->help) return print_help(inspect_help());
    return run_inspect(parsed.value());
  }
  return usage_error("unknown command '" + command + "'; run 'exifscrub --help'");
}

}  // namespace
}  // namespace exifscrub::cli

int main(int argc, char** argv) {
  using namespace exifscrub::cli;
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (is_lambda_invocation(argc > 0 ? argv[0] : "", args.size(),
                             std::getenv("AWS_LAMBDA_RUNTIME_API"))) {
      return to_int(run_lambda_mode());
    }
    return to_int(run_command(args));
  } catch (const std::bad_alloc&) {
    std::cerr << "exifscrub: error: out of memory; process fewer or smaller files at once\n";
  } catch (const std::exception& error) {
    // The library reports expected failures as values; this is the last line
    // of defence for a file system call that throws.
    std::cerr << "exifscrub: error: " << error.what() << "\n";
  }
  return to_int(ExitCode::Io);
}
