#include <iostream>

#include "cli/commands.h"
#include "cli/location.h"
#include "cli/report.h"

namespace exifscrub::cli {

ExitCode run_inspect(const InspectArguments& arguments) {
  const Location location = parse_location(arguments.input);
  if (location.kind == LocationKind::S3) {
    // TODO: inspect S3 objects once the CLI links the pipeline.
    std::cerr << "exifscrub: error: s3:// locations are not supported by this build yet; use a "
                 "local path; run 'exifscrub inspect --help'\n";
    return ExitCode::Usage;
  }
  auto input = read_location(location);
  if (!input.ok()) {
    std::cerr << format_io_error(arguments.input, input.error(), kReadFix) << "\n";
    return ExitCode::Io;
  }

  auto report = jpeg::inspect(input.value().bytes(), arguments.scrub);
  if (!report.ok()) {
    std::cerr << format_rejection(arguments.input, report.error()) << "\n";
    if (arguments.json) {
      const nlohmann::json document = {{"input", arguments.input},
                                       {"status", "rejected"},
                                       {"error", error_to_json(report.error())}};
      std::cout << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    return ExitCode::Rejected;
  }

  if (arguments.json) {
    const nlohmann::json document = {{"input", arguments.input},
                                     {"status", "ok"},
                                     {"report", report_to_json(report.value())}};
    std::cout << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << format_inspect(arguments.input, report.value());
  }
  return ExitCode::Success;
}

}  // namespace exifscrub::cli
