// AWS credentials and where they come from: the environment (what Lambda
// sets) and the shared credentials and config files. Parsing only; does not
// call STS, IMDS, SSO or a credential_process.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace exifscrub::s3 {

// An access key pair and optional session token. operator<< prints only the
// access key id, so logging a Credentials does not leak the secret or token.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

std::ostream& operator<<(std::ostream& out, const Credentials& credentials);

// Looks up an environment variable; tests pass a map instead of getenv.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view)>;

// Returns a lookup over the process environment (getenv; empty counts as unset).
EnvironmentLookup process_environment();

// Returns the keys of one INI section ("default", "profile dev"). Keys and
// values are trimmed, keys lower-cased; lines starting with '#' or ';' are
// comments; indented lines (nested settings such as "s3 =") are ignored.
// Returns nullopt when the section is absent.
std::optional<std::map<std::string, std::string>> find_ini_section(std::string_view text,
                                                                   std::string_view section);

// The settings of one profile, merged from the credentials and config files.
struct ProfileSettings {
  std::string profile;       // the profile name that was read
  Credentials credentials;   // empty when neither file has keys for it
  std::string region;        // empty when the profile sets none
  std::string endpoint_url;  // the profile's endpoint_url, or empty
};

// Reads profile AWS_PROFILE (default "default") from AWS_SHARED_CREDENTIALS_FILE
// (default $HOME/.aws/credentials) and AWS_CONFIG_FILE (default
// $HOME/.aws/config, section "[profile NAME]" or "[default]"). Keys in the
// credentials file win over keys in the config file. Missing files are not an
// error: the result is simply empty.
ProfileSettings load_profile(const EnvironmentLookup& environment);

// Returns credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN when both keys are set, else the profile's, else nullopt.
std::optional<Credentials> resolve_credentials(const EnvironmentLookup& environment,
                                               const ProfileSettings& profile);

}  // namespace exifscrub::s3
