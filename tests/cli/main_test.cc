// Tests of the binary's entry point: help and version texts, command dispatch,
// exit codes for usage errors and the Lambda hook.
#include <gtest/gtest.h>

#include "cli_test_support.h"

namespace exifscrub::cli::testing {
namespace {

class MainEntry : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(MainEntry, HelpPrintsUsage) {
  for (const char* flag : {"--help", "-h", "help"}) {
    const auto result = run_exifscrub({flag}, dir_.path());
    EXPECT_EQ(result.exit_code, 0) << flag;
    EXPECT_EQ(result.out.rfind("usage: exifscrub <command> [options]\n", 0), 0u) << flag;
    EXPECT_NE(result.out.find("\n  strip "), std::string::npos);
    EXPECT_NE(result.out.find("\n  inspect "), std::string::npos);
    EXPECT_NE(result.out.find("\n  3  I/O error"), std::string::npos);
    EXPECT_EQ(result.err, "") << flag;
  }
}

TEST_F(MainEntry, StripHelpDocumentsOptions) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"strip", "--help"}, {"strip", "-h"}, {"help", "strip"}, {"strip", "x", "--help"}}) {
    const auto result = run_exifscrub(args, dir_.path());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out.rfind("usage: exifscrub strip INPUT... -o OUTPUT [options]\n", 0), 0u);
    for (const char* option : {"--output", "--orientation", "--drop-icc", "--max-pixels",
                               "--quiet", "--json"}) {
      EXPECT_NE(result.out.find(option), std::string::npos) << option;
    }
  }
}

TEST_F(MainEntry, InspectHelpDocumentsOptions) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"inspect", "--help"},
                                                                {"help", "inspect"}}) {
    const auto result = run_exifscrub(args, dir_.path());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out.rfind("usage: exifscrub inspect FILE [options]\n", 0), 0u);
    EXPECT_NE(result.out.find("--json"), std::string::npos);
  }
}

TEST_F(MainEntry, VersionPrintsNumber) {
  for (const char* flag : {"--version", "-V"}) {
    const auto result = run_exifscrub({flag}, dir_.path());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, std::string("exifscrub ") + EXIFSCRUB_VERSION + "\n");
  }
}

TEST_F(MainEntry, NoArgumentsIsUsageError) {
  const auto result = run_exifscrub({}, dir_.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err.rfind("usage: exifscrub <command> [options]\n", 0), 0u);
}

TEST_F(MainEntry, UnknownCommandIsUsageError) {
  const auto result = run_exifscrub({"frobnicate"}, dir_.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "exifscrub: error: unknown command 'frobnicate'; run 'exifscrub --help'\n");
}

TEST_F(MainEntry, UnknownOptionIsUsageError) {
  const auto result = run_exifscrub({"strip", "a.jpg", "-o", "b.jpg", "--fast"}, dir_.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "exifscrub: error: unknown option '--fast'; run 'exifscrub strip --help'\n");
}

// Lambda mode logs JSON lines (Lambda collects both standard streams) and
// exits with 3 when it cannot start. The CLI's usage text never appears.
std::string expect_lambda_mode(const RunResult& result) {
  const std::string logs = result.out + result.err;
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(logs.rfind("{\"timestamp\":", 0), 0u) << logs;
  EXPECT_NE(logs.find("\"level\":\"error\""), std::string::npos) << logs;
  EXPECT_EQ(logs.find("usage: exifscrub"), std::string::npos) << logs;
  return logs;
}

TEST_F(MainEntry, BootstrapNameEntersLambdaMode) {
  fs::create_symlink(EXIFSCRUB_BINARY, dir_ / "bootstrap");
  const auto result = run_exifscrub({}, dir_.path(), "/dev/null",
                                    "env -u AWS_LAMBDA_RUNTIME_API ",
                                    (dir_ / "bootstrap").string());
  const std::string logs = expect_lambda_mode(result);
  EXPECT_NE(logs.find("AWS_LAMBDA_RUNTIME_API is not set"), std::string::npos) << logs;
}

TEST_F(MainEntry, RuntimeApiWithoutArgumentsEntersLambdaMode) {
  // DEST_BUCKET is unset, so the runtime stops at its configuration check
  // and at most reports an init error to the loopback address given.
  const auto result = run_exifscrub(
      {}, dir_.path(), "/dev/null", "env -u DEST_BUCKET AWS_LAMBDA_RUNTIME_API=127.0.0.1:9 ");
  const std::string logs = expect_lambda_mode(result);
  EXPECT_NE(logs.find("DEST_BUCKET is not set"), std::string::npos) << logs;
}

TEST_F(MainEntry, RuntimeApiWithCommandRunsCommand) {
  const auto result = run_exifscrub({"--version"}, dir_.path(), "/dev/null",
                                    "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001 ");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, std::string("exifscrub ") + EXIFSCRUB_VERSION + "\n");
}

}  // namespace
}  // namespace exifscrub::cli::testing
