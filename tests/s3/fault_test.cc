// The S3 client under injected faults: a proxy the test owns
// (tests/support/fault_proxy.py) sits between the client and the local RGW
// and replies to chosen requests with 503 SlowDown, 500, 403, connection
// resets, stalls, truncated or corrupted bodies. Asserts attempt counts and
// outcomes, never durations, and checks that nothing partial is stored.
// The same proxy also serves TLS, for the certificate checks.
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "s3/client.h"
#include "s3/config.h"
#include "s3/http.h"
#include "s3/object_writer.h"
#include "rgw_env.h"

extern char** environ;

namespace exifscrub::s3 {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  Bytes bytes(size);
  for (auto& byte : bytes) byte = static_cast<std::uint8_t>(random());
  return bytes;
}

// Starts fault_proxy.py and stops it (by its PID) when destroyed.
class FaultProxy {
 public:
  // extra_arguments are appended to the proxy's command line (--tls-cert ...).
  explicit FaultProxy(const std::string& upstream, std::vector<std::string> extra_arguments = {}) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    std::string script = EXIFSCRUB_FAULT_PROXY;
    std::string python = "python3";
    std::string upstream_flag = "--upstream";
    std::string upstream_value = upstream;
    std::vector<char*> argv = {python.data(), script.data(), upstream_flag.data(), upstream_value.data()};
    for (auto& argument : extra_arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);

    FILE* out = fdopen(pipe_fds[0], "r");
    if (out != nullptr && std::fscanf(out, "PORT %d", &port_) != 1) port_ = 0;
    if (out != nullptr) std::fclose(out);
  }

  ~FaultProxy() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  void plan(const std::vector<nlohmann::json>& actions) {
    control("POST", "/__fault__/plan", nlohmann::json(actions).dump());
  }
  nlohmann::json log() { return nlohmann::json::parse(control("GET", "/__fault__/log", "")); }
  void reset() { control("POST", "/__fault__/reset", ""); }

 private:
  std::string control(const std::string& method, const std::string& path, const std::string& body) {
    HttpTransport transport({});
    HttpRequest request;
    request.method = method;
    request.url = url() + path;
    request.body = std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
    request.send_body = method == "POST";
    request.headers = {{"Content-Type", "application/json"}};
    auto response = transport.perform(request, nullptr);
    return response ? response->body : std::string("null");
  }

  pid_t pid_ = -1;
  int port_ = 0;
};

class FaultTest : public testing::Test {
 protected:
  void SetUp() override {
    auto environment = testing_support::load_rgw_environment();
    ASSERT_TRUE(environment) << "local RGW settings not found; run the suite with ctest or set EXIFSCRUB_RGW_ENV";
    auto config = config_from_environment(environment->lookup());
    ASSERT_TRUE(config) << config.error().describe();
    direct_config_ = config.value();
    bucket_ = environment->get("DEST_BUCKET").value_or("photos-b");

    std::string upstream = direct_config_.endpoint.value_or("");
    upstream = upstream.substr(upstream.find("://") + 3);
    proxy_ = std::make_unique<FaultProxy>(upstream);
    ASSERT_NE(proxy_->port(), 0) << "fault proxy did not start; is python3 on PATH?";

    proxied_config_ = direct_config_;
    proxied_config_.endpoint = proxy_->url();
    proxied_config_.retry = {4, std::chrono::milliseconds(10), std::chrono::milliseconds(50),
                             std::chrono::milliseconds(30000)};
    proxied_config_.jitter_seed = 1;
    proxied_config_.low_speed_limit = 1000;
    proxied_config_.low_speed_time = std::chrono::seconds(1);
    proxied_config_.on_retry = [this](const RetryEvent& event) { retries_.push_back(event); };
    direct_ = std::make_unique<Client>(direct_config_);
    prefix_ = "fault-test-" + std::to_string(getpid()) + "-" +
              std::string(testing::UnitTest::GetInstance()->current_test_info()->name()) + "/";
  }

  Client proxied() { return Client(proxied_config_); }

  bool object_exists(const std::string& key) {
    auto head = direct_->head_object(bucket_, key);
    return head.ok() || head.error().kind != ErrorKind::NoSuchKey;
  }

  std::vector<std::string> logged_actions() {
    std::vector<std::string> actions;
    for (const auto& entry : proxy_->log()) actions.push_back(entry["method"].get<std::string>() + " " + entry["action"].get<std::string>());
    return actions;
  }

  Result<Bytes> get_all(Client& client, const std::string& key) {
    Bytes received;
    auto result = client.get_object(bucket_, key, [&](std::span<const std::uint8_t> chunk) {
      received.insert(received.end(), chunk.begin(), chunk.end());
      return true;
    });
    if (!result) return result.error();
    return received;
  }

  ClientConfig direct_config_;
  ClientConfig proxied_config_;
  std::unique_ptr<Client> direct_;
  std::unique_ptr<FaultProxy> proxy_;
  std::vector<RetryEvent> retries_;
  std::string bucket_;
  std::string prefix_;
};

nlohmann::json status(int code, const std::string& s3_code) {
  return {{"action", "status"}, {"status", code}, {"code", s3_code}};
}

TEST_F(FaultTest, TwoSlowDownsThenSuccess) {
  const std::string key = prefix_ + "object";
  proxy_->plan({status(503, "SlowDown"), status(503, "SlowDown")});
  Client client = proxied();
  auto put = client.put_object(bucket_, key, random_bytes(1000, 1), {});
  ASSERT_TRUE(put) << put.error().describe();

  ASSERT_EQ(retries_.size(), 2U);
  EXPECT_EQ(retries_[0].failed_attempt, 1);
  EXPECT_EQ(retries_[1].failed_attempt, 2);
  EXPECT_EQ(retries_[0].error.kind, ErrorKind::SlowDown);
  EXPECT_EQ(retries_[0].operation, "PutObject");
  EXPECT_EQ(logged_actions(), (std::vector<std::string>{"PUT status", "PUT status", "PUT pass"}));
  ASSERT_TRUE(direct_->delete_object(bucket_, key));
}

TEST_F(FaultTest, PersistentInternalErrorStopsAtMaxAttempts) {
  const std::string key = prefix_ + "object";
  proxy_->plan(std::vector<nlohmann::json>(10, status(500, "InternalError")));
  Client client = proxied();
  auto put = client.put_object(bucket_, key, random_bytes(1000, 2), {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::InternalError);
  EXPECT_EQ(put.error().http_status, 500);
  EXPECT_TRUE(put.error().retryable);
  EXPECT_EQ(put.error().request_id, "fault-proxy-4");  // the 4th request seen by the proxy
  EXPECT_EQ(retries_.size(), 3U);
  EXPECT_EQ(proxy_->log().size(), 4U);
  EXPECT_FALSE(object_exists(key));
}

TEST_F(FaultTest, TotalTimeBudgetStopsRetries) {
  proxied_config_.retry = {50, std::chrono::milliseconds(100), std::chrono::milliseconds(100),
                           std::chrono::milliseconds(250)};
  proxy_->plan(std::vector<nlohmann::json>(60, status(500, "InternalError")));
  Client client = proxied();
  auto head = client.head_object(bucket_, prefix_ + "object");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().kind, ErrorKind::InternalError);
  // Delays of at most 100 ms within a 250 ms budget allow a few attempts, far
  // fewer than max_attempts.
  EXPECT_GE(proxy_->log().size(), 3U);
  EXPECT_LT(proxy_->log().size(), 50U);
  EXPECT_EQ(retries_.size() + 1, proxy_->log().size());
}

TEST_F(FaultTest, RequestTimeoutAndThrottlingAreRetried) {
  const std::string key = prefix_ + "object";
  proxy_->plan({status(400, "RequestTimeout"), status(400, "ThrottlingException")});
  Client client = proxied();
  auto put = client.put_object(bucket_, key, random_bytes(100, 12), {});
  ASSERT_TRUE(put) << put.error().describe();
  ASSERT_EQ(retries_.size(), 2U);
  EXPECT_EQ(retries_[0].error.kind, ErrorKind::RequestTimeout);
  EXPECT_EQ(retries_[1].error.kind, ErrorKind::Throttling);
  ASSERT_TRUE(direct_->delete_object(bucket_, key));
}

TEST_F(FaultTest, ForbiddenIsNeverRetried) {
  proxy_->plan({status(403, "AccessDenied")});
  Client client = proxied();
  auto put = client.put_object(bucket_, prefix_ + "object", random_bytes(10, 3), {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::AccessDenied);
  EXPECT_FALSE(put.error().retryable);
  EXPECT_TRUE(retries_.empty());
  EXPECT_EQ(proxy_->log().size(), 1U);
  EXPECT_FALSE(object_exists(prefix_ + "object"));
}

TEST_F(FaultTest, ConnectionResetIsRetried) {
  const std::string key = prefix_ + "object";
  const Bytes body = random_bytes(5000, 4);
  ASSERT_TRUE(direct_->put_object(bucket_, key, body, {}));
  proxy_->plan({{{"action", "reset"}}});
  Client client = proxied();
  auto got = get_all(client, key);
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_EQ(got.value(), body);
  ASSERT_EQ(retries_.size(), 1U);
  EXPECT_EQ(retries_[0].error.kind, ErrorKind::Network);
  ASSERT_TRUE(direct_->delete_object(bucket_, key));
}

TEST_F(FaultTest, StallHitsLowSpeedTimeoutThenResumes) {
  const std::string key = prefix_ + "object";
  const Bytes body = random_bytes(64 * 1024, 5);
  auto put = direct_->put_object(bucket_, key, body, {});
  ASSERT_TRUE(put);
  // libcurl 7.88 averages the transfer speed over a window of about five
  // seconds, so the 32 KiB burst hides the stall for that long. The proxy
  // therefore stalls well past it.
  proxy_->plan({{{"action", "stall"}, {"seconds", 15}}});
  Client client = proxied();
  auto got = get_all(client, key);
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_TRUE(got.value() == body);
  ASSERT_EQ(retries_.size(), 1U);
  EXPECT_EQ(retries_[0].error.kind, ErrorKind::Timeout) << retries_[0].error.describe();

  // The second request resumes after the 32 KiB already delivered, pinned to the same ETag.
  const auto log = proxy_->log();
  ASSERT_EQ(log.size(), 2U);
  EXPECT_EQ(log[1]["range"], "bytes=32768-");
  EXPECT_EQ(log[1]["if_match"], put->etag);
  ASSERT_TRUE(direct_->delete_object(bucket_, key));
}

TEST_F(FaultTest, TruncatedResponseResumes) {
  const std::string key = prefix_ + "object";
  const Bytes body = random_bytes(10000, 6);
  ASSERT_TRUE(direct_->put_object(bucket_, key, body, {}));
  proxy_->plan({{{"action", "truncate"}}});
  Client client = proxied();
  auto got = get_all(client, key);
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_TRUE(got.value() == body);
  ASSERT_EQ(retries_.size(), 1U);
  EXPECT_EQ(retries_[0].error.kind, ErrorKind::Network);
  EXPECT_EQ(proxy_->log()[1]["range"], "bytes=5000-");
  ASSERT_TRUE(direct_->delete_object(bucket_, key));
}

TEST_F(FaultTest, CorruptResponseIsChecksumMismatch) {
  const std::string key = prefix_ + "object";
  ASSERT_TRUE(direct_->put_object(bucket_, key, random_bytes(10000, 7), {}));
  proxy_->plan({{{"action", "corrupt_response"}}});
  Client client = proxied();
  auto got = get_all(client, key);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::ChecksumMismatch);
  EXPECT_EQ(got.error().code, "ChecksumMismatch");
  ASSERT_TRUE(direct_->delete_object(bucket_, key));
}

TEST_F(FaultTest, CorruptRequestBodyIsRejected) {
  const std::string key = prefix_ + "object";
  proxy_->plan({{{"action", "corrupt_request"}}});
  Client client = proxied();
  auto put = client.put_object(bucket_, key, random_bytes(10000, 8), {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::ChecksumMismatch);
  EXPECT_EQ(put.error().code, "XAmzContentSHA256Mismatch");
  EXPECT_EQ(put.error().http_status, 400);
  EXPECT_TRUE(retries_.empty());
  EXPECT_FALSE(object_exists(key));
}

TEST_F(FaultTest, ContentMd5CatchesCorruptionWithUnsignedPayload) {
  const std::string key = prefix_ + "object";
  proxied_config_.unsigned_payload = true;
  proxy_->plan({{{"action", "corrupt_request"}}});
  Client client = proxied();
  auto put = client.put_object(bucket_, key, random_bytes(10000, 8), {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::ChecksumMismatch);
  EXPECT_EQ(put.error().code, "BadDigest");
  EXPECT_FALSE(object_exists(key));
}

TEST_F(FaultTest, TruncatedRequestBodyIsRejected) {
  const std::string key = prefix_ + "object";
  proxy_->plan({{{"action", "truncate_request"}}});
  Client client = proxied();
  auto put = client.put_object(bucket_, key, random_bytes(10000, 9), {});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, ErrorKind::ChecksumMismatch);
  EXPECT_FALSE(object_exists(key));
}

TEST_F(FaultTest, FailedMultipartUploadIsAborted) {
  const std::string key = prefix_ + "large";
  // CreateMultipartUpload and part 1 pass; part 2 is refused.
  proxy_->plan({{{"action", "pass"}}, {{"action", "pass"}}, status(403, "AccessDenied")});
  Client client = proxied();
  const Bytes body = random_bytes(12 * 1024 * 1024, 10);
  auto writer = client.start_upload(bucket_, key, {}, kMinPartSize);
  auto written = writer->write(body);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().kind, ErrorKind::AccessDenied);
  auto finished = writer->finish();
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().kind, ErrorKind::AccessDenied);

  EXPECT_EQ(logged_actions(),
            (std::vector<std::string>{"POST pass", "PUT pass", "PUT status", "DELETE pass"}));
  auto pending = direct_->list_multipart_uploads(bucket_, prefix_);
  ASSERT_TRUE(pending) << pending.error().describe();
  EXPECT_TRUE(pending->empty());
  EXPECT_FALSE(object_exists(key));
}

TEST_F(FaultTest, DestroyedWriterAbortsUpload) {
  const std::string key = prefix_ + "abandoned";
  Client client = proxied();
  {
    auto writer = client.start_upload(bucket_, key, {}, kMinPartSize);
    ASSERT_TRUE(writer->write(random_bytes(kMinPartSize + 10, 11)));
    EXPECT_EQ(writer->parts_uploaded(), 1);
  }
  EXPECT_EQ(logged_actions(), (std::vector<std::string>{"POST pass", "PUT pass", "DELETE pass"}));
  auto pending = direct_->list_multipart_uploads(bucket_, prefix_);
  ASSERT_TRUE(pending);
  EXPECT_TRUE(pending->empty());
  EXPECT_FALSE(object_exists(key));
}

TEST_F(FaultTest, TraceIdIsSentOnEveryRequest) {
  Client client = proxied();
  client.set_trace_id("Root=1-5759e988-bd862e3fe1be46a994272793");
  (void)client.head_object(bucket_, prefix_ + "a");
  (void)client.list_objects_v2(bucket_, prefix_);
  const auto log = proxy_->log();
  ASSERT_EQ(log.size(), 2U);
  for (const auto& entry : log) EXPECT_EQ(entry["trace_id"], "Root=1-5759e988-bd862e3fe1be46a994272793");
}

TEST_F(FaultTest, ClientReusesItsConnection) {
  Client client = proxied();
  (void)client.head_object(bucket_, prefix_ + "a");
  (void)client.head_object(bucket_, prefix_ + "b");
  (void)client.list_objects_v2(bucket_, prefix_);
  const auto log = proxy_->log();
  ASSERT_EQ(log.size(), 3U);
  EXPECT_EQ(log[0]["connection"], log[1]["connection"]);
  EXPECT_EQ(log[1]["connection"], log[2]["connection"]);
}

// TLS between the client and S3: the proxy serves TLS with a certificate made
// for the test, so peer verification meets a real handshake against the RGW.
class TlsTest : public testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "the openssl tool is missing; run scripts/install-deps.sh test";
    }
    auto environment = testing_support::load_rgw_environment();
    ASSERT_TRUE(environment) << "local RGW settings not found; run the suite with ctest or set EXIFSCRUB_RGW_ENV";
    auto config = config_from_environment(environment->lookup());
    ASSERT_TRUE(config) << config.error().describe();
    direct_config_ = config.value();
    bucket_ = environment->get("DEST_BUCKET").value_or("photos-b");
    key_ = "tls-test-" + std::to_string(getpid()) + "-" +
           std::string(testing::UnitTest::GetInstance()->current_test_info()->name()) + ".jpg";

    folder_ = std::filesystem::temp_directory_path() / ("s3-tls-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(folder_);
    certificate_ = (folder_ / "server.crt").string();
    key_file_ = (folder_ / "server.key").string();
    // Valid for "localhost" only, so a request to 127.0.0.1 fails the name check.
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout '" + key_file_ +
        "' -out '" + certificate_ + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;

    std::string upstream = direct_config_.endpoint.value_or("");
    upstream = upstream.substr(upstream.find("://") + 3);
    proxy_ = std::make_unique<FaultProxy>(
        upstream, std::vector<std::string>{"--tls-cert", certificate_, "--tls-key", key_file_});
    ASSERT_NE(proxy_->port(), 0) << "TLS proxy did not start; is python3 on PATH?";
  }

  void TearDown() override {
    if (!folder_.empty()) std::filesystem::remove_all(folder_);
    if (!bucket_.empty()) Client(direct_config_).delete_object(bucket_, key_);
  }

  // The client's settings for the TLS endpoint, without retries.
  ClientConfig tls_config(const std::string& host, const std::string& ca_bundle) const {
    ClientConfig config = direct_config_;
    config.endpoint = "https://" + host + ":" + std::to_string(proxy_->port());
    config.ca_bundle = ca_bundle;
    config.retry = {1, std::chrono::milliseconds(10), std::chrono::milliseconds(10),
                    std::chrono::milliseconds(30000)};
    return config;
  }

  bool object_exists() {
    auto head = Client(direct_config_).head_object(bucket_, key_);
    return head.ok() || head.error().kind != ErrorKind::NoSuchKey;
  }

  ClientConfig direct_config_;
  std::string bucket_, key_;
  std::filesystem::path folder_;
  std::string certificate_, key_file_;
  std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(TlsTest, TrustedCertificateRoundTrips) {
  Client client(tls_config("localhost", certificate_));
  const Bytes body = random_bytes(300'000, 11);
  auto put = client.put_object(bucket_, key_, body, {});
  ASSERT_TRUE(put.ok()) << put.error().describe();

  Bytes received;
  auto got = client.get_object(bucket_, key_, [&](std::span<const std::uint8_t> chunk) {
    received.insert(received.end(), chunk.begin(), chunk.end());
    return true;
  });
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_EQ(received, body);
}

TEST_F(TlsTest, UntrustedCertificateIsRejected) {
  // The system CA bundle does not contain the test's self-signed certificate.
  Client client(tls_config("localhost", ""));
  auto put = client.put_object(bucket_, key_, random_bytes(1000, 12), {});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().kind, ErrorKind::InvalidConfiguration) << put.error().describe();
  EXPECT_EQ(put.error().code, "CURLE_60") << put.error().describe();
  EXPECT_NE(put.error().message.find("self-signed certificate"), std::string::npos)
      << put.error().describe();
  EXPECT_FALSE(object_exists());
}

TEST_F(TlsTest, WrongHostNameIsRejected) {
  // Trusted certificate, but issued for localhost while the URL names 127.0.0.1.
  Client client(tls_config("127.0.0.1", certificate_));
  auto put = client.put_object(bucket_, key_, random_bytes(1000, 13), {});
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().kind, ErrorKind::InvalidConfiguration) << put.error().describe();
  EXPECT_EQ(put.error().code, "CURLE_60") << put.error().describe();
  EXPECT_FALSE(object_exists());
}

TEST_F(TlsTest, CaBundleComesFromEnvironment) {
  for (const char* variable : {"AWS_CA_BUNDLE", "SSL_CERT_FILE"}) {
    SCOPED_TRACE(variable);
    const std::string certificate = certificate_;
    auto config = config_from_environment([&](std::string_view name) -> std::optional<std::string> {
      if (name == variable) return certificate;
      if (name == "AWS_ENDPOINT_URL") return "https://localhost:" + std::to_string(proxy_->port());
      if (name == "AWS_ACCESS_KEY_ID") return direct_config_.credentials.access_key_id;
      if (name == "AWS_SECRET_ACCESS_KEY") return direct_config_.credentials.secret_access_key;
      if (name == "AWS_REGION") return direct_config_.region;
      return std::nullopt;
    });
    ASSERT_TRUE(config) << config.error().describe();
    EXPECT_EQ(config.value().ca_bundle, certificate_);
    Client client(config.value());
    auto put = client.put_object(bucket_, key_, random_bytes(1000, 14), {});
    ASSERT_TRUE(put.ok()) << put.error().describe();
  }
}

}  // namespace
}  // namespace exifscrub::s3
