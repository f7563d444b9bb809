#include "cli/lambda_mode.h"

#include <iostream>

namespace exifscrub::cli {

bool is_lambda_invocation(std::string_view program, std::size_t argument_count,
                          const char* runtime_api) {
  const auto slash = program.rfind('/');
  const std::string_view basename = slash == std::string_view::npos ? program
                                                                    : program.substr(slash + 1);
  if (basename == "bootstrap") return true;
  return runtime_api != nullptr && argument_count == 0;
}

ExitCode run_lambda_mode() {
  // TODO: call lambda::run_runtime_loop() here and link exifscrub::lambda
  // into the exifscrub target; nothing else in the CLI needs to change.
  std::cerr << "exifscrub: error: this build does not include the Lambda runtime; run "
               "'exifscrub --help' for the local commands\n";
  return ExitCode::Usage;
}

}  // namespace exifscrub::cli
