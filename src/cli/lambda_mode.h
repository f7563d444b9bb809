// The seam between the CLI and the AWS Lambda runtime: the same binary is
// packaged as the Lambda `bootstrap`.
#pragma once

#include <cstddef>
#include <string_view>

#include "cli/exit_code.h"

namespace exifscrub::cli {

// True when the process should run as the Lambda runtime: no arguments were
// given and either its program name (the basename of argv[0]) is "bootstrap"
// or AWS_LAMBDA_RUNTIME_API is set (runtime_api is non-null).
bool is_lambda_invocation(std::string_view program, std::size_t argument_count,
                          const char* runtime_api);

// Runs the Lambda runtime loop until the runtime ends the process.
ExitCode run_lambda_mode();

}  // namespace exifscrub::cli
