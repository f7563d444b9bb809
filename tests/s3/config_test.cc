// Configuration from the environment and the shared AWS files (written to
// a temporary folder per test), and the endpoint rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "s3/config.h"
#include "s3/credentials.h"

namespace exifscrub::s3 {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("exifscrub-config-test-" + std::to_string(getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / ".aws");
    variables_["HOME"] = dir_.string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / ".aws" / name) << text;
  }
  EnvironmentLookup lookup() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      const auto found = variables_.find(std::string(name));
      if (found == variables_.end()) return std::nullopt;
      return found->second;
    };
  }

  fs::path dir_;
  std::map<std::string, std::string> variables_;
};

TEST_F(ConfigTest, EnvironmentCredentialsWin) {
  write("credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  variables_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  variables_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  variables_["AWS_SESSION_TOKEN"] = "envtoken";
  auto config = config_from_environment(lookup());
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->credentials.access_key_id, "ENVKEY");
  EXPECT_EQ(config->credentials.secret_access_key, "envsecret");
  EXPECT_EQ(config->credentials.session_token, "envtoken");
  EXPECT_EQ(config->region, "us-east-1");
  EXPECT_FALSE(config->endpoint);
  EXPECT_FALSE(config->path_style);
}

TEST_F(ConfigTest, SharedCredentialsFileDefaultProfile) {
  write("credentials",
        "# comment\n[other]\naws_access_key_id = OTHER\naws_secret_access_key = x\n\n"
        "[default]\naws_access_key_id=FILEKEY  \naws_secret_access_key = file/secret+1\n"
        "aws_session_token = tok\n  nested = ignored\n");
  auto config = config_from_environment(lookup());
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->credentials.access_key_id, "FILEKEY");
  EXPECT_EQ(config->credentials.secret_access_key, "file/secret+1");
  EXPECT_EQ(config->credentials.session_token, "tok");
}

TEST_F(ConfigTest, NamedProfileFromConfigFile) {
  write("config",
        "[default]\nregion = us-west-2\n\n[profile dev]\nregion = eu-central-1\n"
        "aws_access_key_id = DEVKEY\naws_secret_access_key = devsecret\n"
        "endpoint_url = http://127.0.0.1:9000\ns3 =\n  addressing_style = virtual\n");
  variables_["AWS_PROFILE"] = "dev";
  auto config = config_from_environment(lookup());
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->credentials.access_key_id, "DEVKEY");
  EXPECT_EQ(config->region, "eu-central-1");
  EXPECT_EQ(config->endpoint, "http://127.0.0.1:9000");
  EXPECT_TRUE(config->path_style);
}

TEST_F(ConfigTest, CredentialsFileOverridesConfigFileKeys) {
  write("config", "[profile dev]\naws_access_key_id = CONFIGKEY\naws_secret_access_key = a\n");
  write("credentials", "[dev]\naws_access_key_id = CREDKEY\naws_secret_access_key = b\n");
  variables_["AWS_PROFILE"] = "dev";
  auto config = config_from_environment(lookup());
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->credentials.access_key_id, "CREDKEY");
  EXPECT_EQ(config->credentials.secret_access_key, "b");
}

TEST_F(ConfigTest, FileLocationsFromEnvironment) {
  std::ofstream(dir_ / "creds.ini") << "[default]\naws_access_key_id = ELSEWHERE\naws_secret_access_key = s\n";
  std::ofstream(dir_ / "config.ini") << "[default]\nregion = ap-southeast-2\n";
  variables_["AWS_SHARED_CREDENTIALS_FILE"] = (dir_ / "creds.ini").string();
  variables_["AWS_CONFIG_FILE"] = (dir_ / "config.ini").string();
  auto config = config_from_environment(lookup());
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->credentials.access_key_id, "ELSEWHERE");
  EXPECT_EQ(config->region, "ap-southeast-2");
}

TEST_F(ConfigTest, RegionPrecedence) {
  write("credentials", "[default]\naws_access_key_id = K\naws_secret_access_key = S\n");
  write("config", "[default]\nregion = eu-west-1\n");
  variables_["AWS_DEFAULT_REGION"] = "eu-west-2";
  EXPECT_EQ(config_from_environment(lookup())->region, "eu-west-2");
  variables_["AWS_REGION"] = "eu-west-3";
  EXPECT_EQ(config_from_environment(lookup())->region, "eu-west-3");
}

TEST_F(ConfigTest, S3EndpointOverridesGeneralEndpoint) {
  variables_["AWS_ACCESS_KEY_ID"] = "K";
  variables_["AWS_SECRET_ACCESS_KEY"] = "S";
  variables_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1111";
  EXPECT_EQ(config_from_environment(lookup())->endpoint, "http://127.0.0.1:1111");
  variables_["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:2222";
  EXPECT_EQ(config_from_environment(lookup())->endpoint, "http://127.0.0.1:2222");
}

TEST_F(ConfigTest, MissingCredentialsAreReported) {
  variables_["AWS_PROFILE"] = "absent";
  auto config = config_from_environment(lookup());
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::InvalidConfiguration);
  EXPECT_EQ(config.error().code, "MissingCredentials");
  EXPECT_EQ(config.error().message,
            "no AWS credentials found for profile 'absent'; set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY or add the profile to the shared credentials file");
}

TEST_F(ConfigTest, InvalidEndpointIsReported) {
  variables_["AWS_ACCESS_KEY_ID"] = "K";
  variables_["AWS_SECRET_ACCESS_KEY"] = "S";
  variables_["AWS_ENDPOINT_URL_S3"] = "127.0.0.1:7480";
  auto config = config_from_environment(lookup());
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, "InvalidEndpoint");
  EXPECT_EQ(config.error().message,
            "endpoint '127.0.0.1:7480' is not an http:// or https:// URL; fix AWS_ENDPOINT_URL_S3 "
            "or AWS_ENDPOINT_URL");
}

TEST_F(ConfigTest, CaBundleFromEnvironment) {
  variables_["SSL_CERT_FILE"] = "/tmp/b.pem";
  EXPECT_EQ(find_ca_bundle(lookup()), "/tmp/b.pem");
  variables_["AWS_CA_BUNDLE"] = "/tmp/a.pem";
  EXPECT_EQ(find_ca_bundle(lookup()), "/tmp/a.pem");
}

TEST_F(ConfigTest, CaBundleFallsBackToSystemPath) {
  const std::string found = find_ca_bundle(lookup());
  if (fs::exists("/etc/ssl/certs/ca-certificates.crt")) {
    EXPECT_EQ(found, "/etc/ssl/certs/ca-certificates.crt");
  } else if (fs::exists("/etc/pki/tls/certs/ca-bundle.crt")) {
    EXPECT_EQ(found, "/etc/pki/tls/certs/ca-bundle.crt");
  } else {
    EXPECT_EQ(found, "");
  }
}

TEST(BuildTarget, AwsVirtualHostedStyle) {
  ClientConfig config;
  config.region = "eu-west-1";
  const auto target = build_target(config, "photos-a", "2024/a b+c.jpg", {});
  EXPECT_EQ(target.host, "photos-a.s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(target.path, "/2024/a%20b%2Bc.jpg");
  EXPECT_EQ(target.url, "https://photos-a.s3.eu-west-1.amazonaws.com/2024/a%20b%2Bc.jpg");
}

TEST(BuildTarget, DottedBucketFallsBackToPathStyle) {
  ClientConfig config;
  const auto target = build_target(config, "my.photos", "k", {});
  EXPECT_EQ(target.host, "s3.us-east-1.amazonaws.com");
  EXPECT_EQ(target.url, "https://s3.us-east-1.amazonaws.com/my.photos/k");
}

TEST(BuildTarget, ChinaRegionsUseTheirDomain) {
  ClientConfig config;
  config.region = "cn-north-1";
  EXPECT_EQ(build_target(config, "b-1", "k", {}).host, "b-1.s3.cn-north-1.amazonaws.com.cn");
}

TEST(BuildTarget, CustomEndpointPathStyleWithQuery) {
  ClientConfig config;
  config.endpoint = "http://127.0.0.1:7480/";
  config.path_style = true;
  const auto target = build_target(config, "photos-b", "", {{"prefix", "a/b"}, {"list-type", "2"}});
  EXPECT_EQ(target.host, "127.0.0.1:7480");
  EXPECT_EQ(target.path, "/photos-b");
  EXPECT_EQ(target.url, "http://127.0.0.1:7480/photos-b?list-type=2&prefix=a%2Fb");
}

TEST(BuildTarget, VirtualHostedBucketLevelPathIsSlash) {
  ClientConfig config;
  EXPECT_EQ(build_target(config, "photos-a", "", {}).path, "/");
}

TEST(IsVirtualHostCompatible, ChecksDnsLabelRules) {
  EXPECT_TRUE(is_virtual_host_compatible("photos-a"));
  EXPECT_FALSE(is_virtual_host_compatible("my.photos"));
  EXPECT_FALSE(is_virtual_host_compatible("Photos"));
  EXPECT_FALSE(is_virtual_host_compatible("ab"));
  EXPECT_FALSE(is_virtual_host_compatible("-ab"));
  EXPECT_FALSE(is_virtual_host_compatible(std::string(64, 'a')));
}

TEST(FindIniSection, ReturnsNulloptForAbsentSection) {
  EXPECT_FALSE(find_ini_section("[a]\nk=v\n", "b"));
  auto section = find_ini_section("[a]\nK = v\r\n; comment\n[b]\nk=w\n", "a");
  ASSERT_TRUE(section);
  EXPECT_EQ(section->at("k"), "v");
  EXPECT_EQ(section->size(), 1U);
}

}  // namespace
}  // namespace exifscrub::s3
