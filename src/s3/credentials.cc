// Credential sources in the order the AWS SDKs use for a Lambda function:
// environment first, then the shared files.
#include "s3/credentials.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace exifscrub::s3 {
namespace {

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string value_or(const std::map<std::string, std::string>& keys, const std::string& key) {
  const auto found = keys.find(key);
  return found == keys.end() ? std::string() : found->second;
}

Credentials credentials_in(const std::map<std::string, std::string>& keys) {
  return {value_or(keys, "aws_access_key_id"), value_or(keys, "aws_secret_access_key"),
          value_or(keys, "aws_session_token")};
}

std::string file_path(const EnvironmentLookup& environment, std::string_view variable,
                      std::string_view default_name) {
  if (auto path = environment(variable)) return *path;
  const auto home = environment("HOME");
  return home ? *home + "/.aws/" + std::string(default_name) : std::string();
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Credentials& credentials) {
  return out << "Credentials{access_key_id=" << credentials.access_key_id
             << ", secret_access_key=<redacted>, session_token="
             << (credentials.session_token.empty() ? "<none>" : "<redacted>") << "}";
}

EnvironmentLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

std::optional<std::map<std::string, std::string>> find_ini_section(std::string_view text,
                                                                   std::string_view section) {
  std::optional<std::map<std::string, std::string>> found;
  bool inside = false;
  std::istringstream lines{std::string(text)};
  for (std::string raw; std::getline(lines, raw);) {
    const bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
    const std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      inside = trim(line.substr(1, line.size() - 2)) == section;
      if (inside && !found) found.emplace();
      continue;
    }
    const auto equals = line.find('=');
    if (!inside || indented || equals == std::string_view::npos) continue;
    (*found)[lower(trim(line.substr(0, equals)))] = std::string(trim(line.substr(equals + 1)));
  }
  return found;
}

ProfileSettings load_profile(const EnvironmentLookup& environment) {
  ProfileSettings settings;
  settings.profile = environment("AWS_PROFILE").value_or("default");

  std::map<std::string, std::string> merged;
  const std::string config_section =
      settings.profile == "default" ? "default" : "profile " + settings.profile;
  if (auto text = read_file(file_path(environment, "AWS_CONFIG_FILE", "config"))) {
    if (auto keys = find_ini_section(*text, config_section)) merged = std::move(*keys);
  }
  if (auto text = read_file(file_path(environment, "AWS_SHARED_CREDENTIALS_FILE", "credentials"))) {
    if (auto keys = find_ini_section(*text, settings.profile)) {
      for (auto& [key, value] : *keys) merged[key] = std::move(value);
    }
  }

  settings.credentials = credentials_in(merged);
  settings.region = value_or(merged, "region");
  settings.endpoint_url = value_or(merged, "endpoint_url");
  return settings;
}

std::optional<Credentials> resolve_credentials(const EnvironmentLookup& environment,
                                               const ProfileSettings& profile) {
  auto key = environment("AWS_ACCESS_KEY_ID");
  auto secret = environment("AWS_SECRET_ACCESS_KEY");
  if (key && secret) {
    return Credentials{*key, *secret, environment("AWS_SESSION_TOKEN").value_or("")};
  }
  if (!profile.credentials.empty()) return profile.credentials;
  return std::nullopt;
}

}  // namespace exifscrub::s3
