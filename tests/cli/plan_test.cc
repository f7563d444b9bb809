// Tests of the strip planner on scratch folders, in process.
#include "cli/plan.h"

#include <gtest/gtest.h>

#include "cli_test_support.h"

namespace exifscrub::cli {
namespace {

using testing::TempDir;
using testing::write_bytes;
namespace fs = std::filesystem;

// Plans with paths relative to `dir`, as a user in that folder would type them.
class PlanStrip : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = fs::current_path();
    fs::current_path(dir_.path());
  }
  void TearDown() override { fs::current_path(previous_); }

  static void touch(const std::string& path) { write_bytes(path, {0xFF, 0xD8}); }

  static std::vector<std::string> pairs(const StripPlan& plan) {
    std::vector<std::string> result;
    for (const auto& job : plan.jobs) {
      result.push_back(job.name + " -> " + job.output.text);
    }
    return result;
  }

  static std::string usage_message(const std::vector<std::string>& inputs,
                                   const std::string& output) {
    const auto plan = plan_strip(inputs, output);
    EXPECT_FALSE(plan.ok());
    return plan.ok() ? "" : plan.error().message;
  }

  TempDir dir_;
  fs::path previous_;
};

TEST_F(PlanStrip, FileToFile) {
  touch("a.jpg");
  const auto plan = plan_strip({"a.jpg"}, "b.jpg");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(pairs(plan.value()), std::vector<std::string>{"a.jpg -> b.jpg"});
}

TEST_F(PlanStrip, FileIntoFolder) {
  touch("in/a.png");
  fs::create_directory("existing");
  auto plan = plan_strip({"in/a.png"}, "existing");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(pairs(plan.value()), std::vector<std::string>{"in/a.png -> existing/a.png"});

  plan = plan_strip({"in/a.png"}, "new/");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(pairs(plan.value()), std::vector<std::string>{"in/a.png -> new/a.png"});
}

TEST_F(PlanStrip, FolderMirrorsTree) {
  touch("photos/b.JPG");
  touch("photos/a.jpeg");
  touch("photos/sub/z.Jpg");
  touch("photos/sub/readme.md");
  touch("photos/noext");
  fs::create_symlink("b.JPG", "photos/link.jpg");
  ASSERT_EQ(::mkfifo("photos/pipe.jpg", 0600), 0);

  const auto plan = plan_strip({"photos/"}, "clean");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(pairs(plan.value()),
            (std::vector<std::string>{"photos/a.jpeg -> clean/a.jpeg", "photos/b.JPG -> clean/b.JPG",
                                      "photos/sub/z.Jpg -> clean/sub/z.Jpg"}));
  std::vector<std::string> skipped;
  for (const auto& skip : plan->skipped) skipped.push_back(skip.name + ": " + skip.reason);
  EXPECT_EQ(skipped, (std::vector<std::string>{
                         "photos/link.jpg: symbolic link, not followed",
                         "photos/noext: not a .jpg or .jpeg file",
                         "photos/pipe.jpg: not a regular file",
                         "photos/sub/readme.md: not a .jpg or .jpeg file"}));
  EXPECT_TRUE(plan->failures.empty());
}

TEST_F(PlanStrip, MissingInputIsFailure) {
  const auto plan = plan_strip({"nope.jpg"}, "out.jpg");
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->failures.size(), 1u);
  EXPECT_EQ(plan->failures[0].name, "nope.jpg");
  EXPECT_EQ(plan->failures[0].error.message(), "stat failed: No such file or directory");
  EXPECT_TRUE(plan->jobs.empty());
}

TEST_F(PlanStrip, SeveralInputsGoIntoFolder) {
  touch("a.jpg");
  touch("album/b.jpg");
  const auto plan = plan_strip({"a.jpg", "album/"}, "out");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(pairs(plan.value()),
            (std::vector<std::string>{"a.jpg -> out/a.jpg", "album/b.jpg -> out/album/b.jpg"}));
}

TEST_F(PlanStrip, SeveralInputsRejectFileOutput) {
  touch("a.jpg");
  touch("b.jpg");
  touch("out.jpg");
  EXPECT_EQ(usage_message({"a.jpg", "b.jpg"}, "out.jpg"),
            "several inputs need an output folder, but 'out.jpg' is a file; run 'exifscrub strip "
            "--help'");
}

TEST_F(PlanStrip, DuplicateDestinationsRejected) {
  touch("x/a.jpg");
  touch("y/a.jpg");
  EXPECT_EQ(usage_message({"x/a.jpg", "y/a.jpg"}, "out"),
            "inputs 'x/a.jpg' and 'y/a.jpg' would both be written to 'out/a.jpg'; run 'exifscrub "
            "strip --help'");
}

TEST_F(PlanStrip, OutputInsideInputRejected) {
  touch("photos/a.jpg");
  EXPECT_EQ(usage_message({"photos"}, "photos/sub/clean"),
            "output folder 'photos/sub/clean' is inside input folder 'photos'; run 'exifscrub "
            "strip --help'");
}

TEST_F(PlanStrip, FolderOntoItselfScrubsInPlace) {
  touch("photos/a.jpg");
  const auto plan = plan_strip({"photos"}, "photos");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(pairs(plan.value()), std::vector<std::string>{"photos/a.jpg -> photos/a.jpg"});
}

TEST_F(PlanStrip, FolderOntoFileRejected) {
  touch("photos/a.jpg");
  touch("out.jpg");
  EXPECT_EQ(usage_message({"photos"}, "out.jpg"),
            "output 'out.jpg' is a file, but input 'photos' is a folder; run 'exifscrub strip "
            "--help'");
}

TEST_F(PlanStrip, StandardStreams) {
  touch("a.jpg");
  auto plan = plan_strip({"-"}, "-");
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->jobs.size(), 1u);
  EXPECT_EQ(plan->jobs[0].input.kind, LocationKind::Stdio);
  EXPECT_EQ(plan->jobs[0].output.kind, LocationKind::Stdio);

  plan = plan_strip({"-"}, "out.jpg");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->jobs[0].output.kind, LocationKind::Local);

  EXPECT_EQ(usage_message({"-", "a.jpg"}, "out"),
            "standard input (-) must be the only input; run 'exifscrub strip --help'");
  fs::create_directory("folder");
  EXPECT_EQ(usage_message({"-"}, "folder"),
            "standard input (-) needs an output file name, not the folder 'folder'; run "
            "'exifscrub strip --help'");
  EXPECT_EQ(usage_message({"folder"}, "-"),
            "standard output (-o -) takes a single file as input; run 'exifscrub strip --help'");
}

TEST_F(PlanStrip, S3Rejected) {
  EXPECT_EQ(usage_message({"a.jpg"}, "s3://bucket/key.jpg"),
            "s3:// locations are not supported by this build yet; use local paths; run "
            "'exifscrub strip --help'");
}

TEST_F(PlanStrip, DeepNestingIsBounded) {
  std::string path = "deep";
  for (int level = 0; level <= kMaxFolderDepth + 1; ++level) path += "/d";
  fs::create_directories(path);
  const auto plan = plan_strip({"deep"}, "out");
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->failures.size(), 1u);
  EXPECT_EQ(plan->failures[0].error.message(), "open folder failed: nested deeper than 256 levels");
}

}  // namespace
}  // namespace exifscrub::cli
