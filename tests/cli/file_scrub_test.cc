// Tests of scrub_to_file beyond what the strip command's tests reach: the
// check that the input did not change before the commit.
#include "cli/file_scrub.h"

#include <gtest/gtest.h>

#include "cli_test_support.h"

namespace exifscrub::cli {
namespace {

using testing::TempDir;

class ScrubToFile : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::tool_missing("cjpeg")) GTEST_SKIP() << "cjpeg is missing; run scripts/install-deps.sh test";
    testing::make_jpeg(dir_ / "in.jpg");
    input_ = testing::read_bytes(dir_ / "in.jpg");
  }

  TempDir dir_;
  testing::Bytes input_;
};

TEST_F(ScrubToFile, ChangedInputWritesNothing) {
  auto file = AtomicFile::create(dir_ / "out.jpg");
  ASSERT_TRUE(file.ok()) << file.error().message();
  int calls = 0;
  const FileScrubResult result = scrub_to_file(input_, jpeg::ScrubOptions{}, std::move(file).value(), false,
                                               [&calls] { return ++calls > 1; });
  EXPECT_EQ(result.status, FileScrubStatus::InputChanged);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(testing::list_tree(dir_.path()), std::vector<std::string>{"in.jpg"});
}

TEST_F(ScrubToFile, UnchangedInputIsWritten) {
  auto file = AtomicFile::create(dir_ / "out.jpg");
  ASSERT_TRUE(file.ok()) << file.error().message();
  const FileScrubResult result =
      scrub_to_file(input_, jpeg::ScrubOptions{}, std::move(file).value(), false, [] { return true; });
  ASSERT_EQ(result.status, FileScrubStatus::Written);
  const auto expected = jpeg::scrub(input_, jpeg::ScrubOptions{});
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(testing::read_bytes(dir_ / "out.jpg"), expected.value().jpeg);
}

}  // namespace
}  // namespace exifscrub::cli
