// Test support: loads the local RGW's endpoint, credentials and bucket names
// from the file that scripts/local-rgw.sh writes ("export NAME=value" lines),
// so GoogleTest programs can be discovered without the server and run
// against it under CTest's rgw fixture.
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "s3/client.h"
#include "s3/credentials.h"

namespace exifscrub::s3::testing_support {

// The settings of the local RGW: EXIFSCRUB_RGW_ENV names the file (CTest
// sets it), else the compiled-in path.
struct RgwEnvironment {
  std::map<std::string, std::string> values;
  std::string source_path;

  std::optional<std::string> get(std::string_view name) const {
    const auto found = values.find(std::string(name));
    if (found == values.end()) return std::nullopt;
    return found->second;
  }
  EnvironmentLookup lookup() const {
    return [this](std::string_view name) { return get(name); };
  }
};

inline std::optional<RgwEnvironment> load_rgw_environment() {
  RgwEnvironment environment;
  const char* path = std::getenv("EXIFSCRUB_RGW_ENV");
  environment.source_path = path != nullptr ? path : EXIFSCRUB_RGW_ENV;
  std::ifstream in(environment.source_path);
  if (!in) return std::nullopt;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("export ")) line.erase(0, 7);
    const std::size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string value = line.substr(equals + 1);
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"')) {
      value = value.substr(1, value.size() - 2);
    }
    environment.values[line.substr(0, equals)] = value;
  }
  return environment;
}

}  // namespace exifscrub::s3::testing_support
