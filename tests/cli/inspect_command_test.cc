// End-to-end tests of `exifscrub inspect` on generated files.
#include <gtest/gtest.h>

#include "cli_test_support.h"

namespace exifscrub::cli::testing {
namespace {

class InspectCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"cjpeg", "exiftool"}) {
      if (tool_missing(tool)) {
        GTEST_SKIP() << tool << " is missing; run scripts/install-deps.sh test";
      }
    }
    make_jpeg(dir_ / "photo.jpg");
    tag_everything(dir_ / "photo.jpg");
  }

  TempDir dir_;
};

TEST_F(InspectCommand, ListsEverySegment) {
  const auto result = run_exifscrub({"inspect", "photo.jpg"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");

  const auto size = fs::file_size(dir_ / "photo.jpg");
  EXPECT_EQ(result.out.rfind("photo.jpg: " + std::to_string(size) +
                                 " bytes, 67x45 pixels, orientation 6; ",
                             0),
            0u)
      << result.out;
  EXPECT_NE(result.out.find("    offset  marker       size  action   segment                reason\n"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("         0  FFD8            2  keep     SOI "), std::string::npos)
      << result.out;
  for (const char* row : {"  FFE1 ", "  drop     APP1 Exif ", "  drop     APP1 XMP ",
                          "  drop     APP13 Photoshop ", "  drop     COM ",
                          "  keep     APP2 ICC_PROFILE ", "  keep     SOF0 ", "  keep     EOI "}) {
    EXPECT_NE(result.out.find(row), std::string::npos) << row << "\n" << result.out;
  }
}

TEST_F(InspectCommand, JsonListsSegments) {
  const auto result = run_exifscrub({"inspect", "photo.jpg", "--json"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto document = nlohmann::json::parse(result.out);
  EXPECT_EQ(document.at("input"), "photo.jpg");
  EXPECT_EQ(document.at("status"), "ok");
  const auto& report = document.at("report");
  EXPECT_EQ(report.at("orientation"), 6);
  EXPECT_EQ(report.at("bytes_in"), fs::file_size(dir_ / "photo.jpg"));
  const auto& segments = report.at("segments");
  ASSERT_FALSE(segments.empty());
  EXPECT_EQ(segments.front().at("offset"), 0);
  EXPECT_EQ(segments.front().at("marker"), "FFD8");
  EXPECT_EQ(segments.front().at("action"), "keep");
  bool found_exif = false;
  for (const auto& segment : segments) {
    if (segment.at("name") == "APP1" && segment.at("identifier") == "Exif") {
      found_exif = true;
      EXPECT_EQ(segment.at("marker"), "FFE1");
      EXPECT_EQ(segment.at("action"), "drop");
    }
  }
  EXPECT_TRUE(found_exif);
}

TEST_F(InspectCommand, DropIccShowsProfileDropped) {
  const auto result = run_exifscrub({"inspect", "photo.jpg", "--drop-icc"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("  drop     APP2 ICC_PROFILE "), std::string::npos) << result.out;
}

TEST_F(InspectCommand, ReadsStandardInput) {
  const auto result = run_exifscrub({"inspect", "-"}, dir_.path(), (dir_ / "photo.jpg").string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.rfind("-: ", 0), 0u) << result.out;
}

TEST_F(InspectCommand, RejectedFileExitsOne) {
  write_bytes(dir_ / "text.jpg", Bytes{'h', 'e', 'l', 'l', 'o'});
  const auto result = run_exifscrub({"inspect", "text.jpg"}, dir_.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err.rfind("exifscrub: error: text.jpg: rejected: ", 0), 0u) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

TEST_F(InspectCommand, RejectedFileJsonNamesKind) {
  write_bytes(dir_ / "text.jpg", Bytes{'h', 'e', 'l', 'l', 'o'});
  const auto result = run_exifscrub({"inspect", "text.jpg", "--json"}, dir_.path());
  EXPECT_EQ(result.exit_code, 1);
  const auto document = nlohmann::json::parse(result.out);
  EXPECT_EQ(document.at("status"), "rejected");
  EXPECT_EQ(document.at("error").at("kind"), "not_jpeg");
  EXPECT_EQ(document.at("error").at("offset"), 0);
}

TEST_F(InspectCommand, MissingFileIsIoError) {
  const auto result = run_exifscrub({"inspect", "nope.jpg"}, dir_.path());
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err,
            "exifscrub: error: nope.jpg: open failed: No such file or directory; check that the "
            "file exists and is readable\n");
}

TEST_F(InspectCommand, FolderIsIoError) {
  fs::create_directory(dir_ / "folder");
  const auto result = run_exifscrub({"inspect", "folder"}, dir_.path());
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err,
            "exifscrub: error: folder: open failed: Is a directory; check that the file exists "
            "and is readable\n");
}

TEST_F(InspectCommand, TwoFilesIsUsageError) {
  const auto result = run_exifscrub({"inspect", "a.jpg", "b.jpg"}, dir_.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "exifscrub: error: inspect takes one file, but 2 were given; run 'exifscrub inspect "
            "--help'\n");
}

}  // namespace
}  // namespace exifscrub::cli::testing
