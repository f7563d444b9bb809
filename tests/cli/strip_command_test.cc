// End-to-end tests of `exifscrub strip` on generated files: the built binary
// runs as a subprocess, and exiftool checks what is left in the outputs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli_test_support.h"

namespace exifscrub::cli::testing {
namespace {

class StripCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"cjpeg", "exiftool"}) {
      if (tool_missing(tool)) {
        GTEST_SKIP() << tool << " is missing; run scripts/install-deps.sh test";
      }
    }
  }

  // A 67x45 photo with every kind of metadata and orientation 6, at `name`.
  fs::path tagged_photo(const std::string& name = "photo.jpg") {
    const fs::path path = dir_ / name;
    make_jpeg(path);
    tag_everything(path);
    return path;
  }

  TempDir dir_;
};

TEST_F(StripCommand, RemovesAllMetadata) {
  tagged_photo();
  const auto before = exiftool_tags(dir_ / "photo.jpg");
  ASSERT_EQ(before.at("EXIF:SerialNumber"), "SN-0042");
  ASSERT_EQ(before.at("EXIF:GPSLatitude"), 48.8584);
  ASSERT_TRUE(before.contains("XMP:Creator"));
  ASSERT_TRUE(before.contains("IPTC:By-line"));
  ASSERT_TRUE(before.contains("EXIF:ThumbnailImage"));
  ASSERT_TRUE(before.contains("File:Comment"));

  const auto result = run_exifscrub({"strip", "photo.jpg", "-o", "clean.jpg"}, dir_.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");

  const auto after = exiftool_tags(dir_ / "clean.jpg");
  EXPECT_EQ(unexpected_tags(after), std::set<std::string>{});
  EXPECT_FALSE(after.contains("File:Comment"));
  EXPECT_FALSE(after.contains("ExifTool:Warning"));
  EXPECT_TRUE(after.contains("ICC_Profile:ProfileCopyright"));
}

TEST_F(StripCommand, InputOpenForWritingIsCopied) {
  // No read lease can be had on a file another process has open for
  // writing, so the input is copied instead of mapped. The output must not
  // change.
  tagged_photo();
  const auto mapped = run_exifscrub({"strip", "photo.jpg", "-o", "mapped.jpg"}, dir_.path());
  ASSERT_EQ(mapped.exit_code, 0) << mapped.err;

  const int writer = ::open((dir_ / "photo.jpg").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(writer, 0);
  const auto copied = run_exifscrub({"strip", "photo.jpg", "-o", "copied.jpg"}, dir_.path());
  ::close(writer);
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_EQ(read_bytes(dir_ / "copied.jpg"), read_bytes(dir_ / "mapped.jpg"));
  EXPECT_EQ(unexpected_tags(exiftool_tags(dir_ / "copied.jpg")), std::set<std::string>{});
}

TEST_F(StripCommand, SpecialFileOutputIsNotReplaced) {
  tagged_photo();
  const fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(run_shell("mkfifo " + quote(fifo.string())), 0);

  const auto result = run_exifscrub({"strip", "photo.jpg", "-o", "pipe"}, dir_.path());

  EXPECT_EQ(result.exit_code, 3) << result.err;
  // One remedy only: the generic one for write errors does not apply.
  EXPECT_EQ(result.err,
            "exifscrub: error: pipe: write failed: the output exists and is not a regular file; "
            "remove or rename it, or choose another output\n");
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
}

TEST_F(StripCommand, AppliesOrientation) {
  tagged_photo();
  const auto result = run_exifscrub({"strip", "photo.jpg", "-o", "clean.jpg"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;

  // Rotating 67x45 by 90 degrees trims the 13 rows past the last whole
  // 16-pixel MCU row, which become columns.
  const auto after = exiftool_tags(dir_ / "clean.jpg");
  EXPECT_EQ(after.at("File:ImageWidth"), 32);
  EXPECT_EQ(after.at("File:ImageHeight"), 67);
  EXPECT_FALSE(after.contains("EXIF:Orientation"));
}

TEST_F(StripCommand, SummaryNamesRemovals) {
  tagged_photo();
  const auto result = run_exifscrub({"strip", "photo.jpg", "-o", "clean.jpg"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;

  const std::string& line = result.err;
  EXPECT_EQ(line.rfind("exifscrub: photo.jpg: removed ", 0), 0u) << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
  EXPECT_NE(line.find(" segments (APP1 Exif, "), std::string::npos) << line;
  EXPECT_NE(line.find("; orientation 6 applied, trimmed 13 columns and 0 rows; "),
            std::string::npos)
      << line;
  EXPECT_NE(line.find(" bytes\n"), std::string::npos) << line;
  EXPECT_NE(result.err.find("APP1 XMP"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("APP13 Photoshop"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("COM"), std::string::npos) << result.err;
}

TEST_F(StripCommand, KeepTagKeepsOnlyOrientation) {
  tagged_photo();
  const auto result = run_exifscrub(
      {"strip", "photo.jpg", "-o", "clean.jpg", "--orientation", "keep-tag"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;

  const auto after = exiftool_tags(dir_ / "clean.jpg");
  EXPECT_EQ(unexpected_tags(after, {"EXIF:Orientation"}), std::set<std::string>{});
  EXPECT_EQ(after.at("EXIF:Orientation"), 6);
  EXPECT_EQ(after.at("File:ImageWidth"), 67);
  EXPECT_EQ(after.at("File:ImageHeight"), 45);
  EXPECT_NE(result.err.find("; orientation 6 kept as a tag; "), std::string::npos) << result.err;
}

TEST_F(StripCommand, DropLeavesPixelsAndNoTag) {
  tagged_photo();
  const auto result =
      run_exifscrub({"strip", "photo.jpg", "-o", "clean.jpg", "--orientation=drop"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;

  const auto after = exiftool_tags(dir_ / "clean.jpg");
  EXPECT_EQ(unexpected_tags(after), std::set<std::string>{});
  EXPECT_EQ(after.at("File:ImageWidth"), 67);
  EXPECT_NE(result.err.find("; orientation 6 dropped; "), std::string::npos) << result.err;
}

TEST_F(StripCommand, DropIccRemovesProfile) {
  tagged_photo();
  const auto result =
      run_exifscrub({"strip", "photo.jpg", "-o", "clean.jpg", "--drop-icc"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;

  const auto after = exiftool_tags(dir_ / "clean.jpg");
  EXPECT_EQ(unexpected_tags(after), std::set<std::string>{});
  for (const auto& [key, value] : after.items()) {
    EXPECT_NE(key.rfind("ICC_Profile:", 0), 0u) << key;
  }
}

TEST_F(StripCommand, RejectedInputLeavesNoOutput) {
  tagged_photo();
  Bytes damaged = read_bytes(dir_ / "photo.jpg");
  damaged.resize(damaged.size() / 2);
  write_bytes(dir_ / "damaged.jpg", damaged);

  const auto result = run_exifscrub({"strip", "damaged.jpg", "-o", "out/clean.jpg"}, dir_.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err.rfind("exifscrub: error: damaged.jpg: rejected: ", 0), 0u) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "clean.jpg"));
  // No temporary file either: the output folder, if any, is empty.
  if (fs::exists(dir_ / "out")) {
    EXPECT_EQ(list_tree(dir_ / "out"), std::vector<std::string>{});
  }
}

TEST_F(StripCommand, ScanDamageLeavesNoTemporaryFile) {
  // The output folder exists, so the image streams into a temporary file
  // before the damage at the end of the scan is found.
  tagged_photo();
  Bytes damaged = read_bytes(dir_ / "photo.jpg");
  damaged.resize(damaged.size() - 2);  // no EOI
  write_bytes(dir_ / "damaged.jpg", damaged);
  fs::create_directories(dir_ / "out");

  const auto result = run_exifscrub({"strip", "damaged.jpg", "-o", "out/clean.jpg"}, dir_.path());

  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err.rfind("exifscrub: error: damaged.jpg: rejected: ", 0), 0u) << result.err;
  EXPECT_EQ(list_tree(dir_ / "out"), std::vector<std::string>{});
}

TEST_F(StripCommand, FileOutputEqualsStdoutOutput) {
  // A file output streams through a temporary file and standard output
  // takes the buffered path; both must write the same bytes and report.
  tagged_photo();
  for (const std::string mode : {"apply", "keep-tag", "drop"}) {
    SCOPED_TRACE(mode);
    const auto to_file = run_exifscrub(
        {"strip", "photo.jpg", "-o", "file.jpg", "--orientation", mode, "--json"}, dir_.path());
    const auto to_stdout = run_exifscrub(
        {"strip", "photo.jpg", "-o", "-", "--orientation", mode, "--json"}, dir_.path());
    ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
    ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;

    const Bytes file_bytes = read_bytes(dir_ / "file.jpg");
    EXPECT_EQ(file_bytes, Bytes(to_stdout.out.begin(), to_stdout.out.end()));
    auto file_report = nlohmann::json::parse(to_file.out).at("files").at(0).at("report");
    auto stdout_report = nlohmann::json::parse(to_stdout.err).at("files").at(0).at("report");
    EXPECT_EQ(file_report, stdout_report);
  }
}

TEST_F(StripCommand, LargeRotationToFileEqualsStdout) {
  // A rotated image of several hundred KiB streams from the transform through
  // the verifier into the temporary file in many pieces. Standard output
  // takes the buffered path, so the two must still write the same bytes.
  make_jpeg(dir_ / "large.jpg", 1200, 900);
  tag_everything(dir_ / "large.jpg");
  ASSERT_GT(fs::file_size(dir_ / "large.jpg"), 200'000u);
  fs::create_directories(dir_ / "out");

  const auto to_file = run_exifscrub({"strip", "large.jpg", "-o", "out/large.jpg", "--json"}, dir_.path());
  const auto to_stdout = run_exifscrub({"strip", "large.jpg", "-o", "-", "--json"}, dir_.path());
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(read_bytes(dir_ / "out" / "large.jpg"), Bytes(to_stdout.out.begin(), to_stdout.out.end()));
  const auto file_report = nlohmann::json::parse(to_file.out).at("files").at(0).at("report");
  EXPECT_EQ(file_report.at("orientation_applied"), 6);
  EXPECT_EQ(file_report, nlohmann::json::parse(to_stdout.err).at("files").at(0).at("report"));
  EXPECT_EQ(list_tree(dir_ / "out"), std::vector<std::string>{"large.jpg"});
}

TEST_F(StripCommand, FailedRotationLeavesNoTemporaryFile) {
  // Entropy-coded data that the walker accepts (no marker in it) but whose
  // Huffman codes libjpeg cannot decode: the transform fails while the
  // temporary file for the rotated image exists.
  make_jpeg(dir_ / "large.jpg", 1200, 900);
  tag_everything(dir_ / "large.jpg");
  Bytes damaged = read_bytes(dir_ / "large.jpg");
  const std::size_t middle = damaged.size() - damaged.size() / 4;
  std::fill(damaged.begin() + static_cast<std::ptrdiff_t>(middle),
            damaged.begin() + static_cast<std::ptrdiff_t>(middle + 4096), 0xFE);
  write_bytes(dir_ / "damaged.jpg", damaged);
  fs::create_directories(dir_ / "out");

  const auto result = run_exifscrub({"strip", "damaged.jpg", "-o", "out/clean.jpg"}, dir_.path());

  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err.rfind("exifscrub: error: damaged.jpg: rejected: lossless transform failed: ", 0), 0u)
      << result.err;
  EXPECT_EQ(list_tree(dir_ / "out"), std::vector<std::string>{});
}

TEST_F(StripCommand, LargeFileOutputEqualsStdoutOutput) {
  // A scan of several hundred KiB reaches the file writer in many slices,
  // which it joins into one write; the bytes must not change.
  make_jpeg(dir_ / "large.jpg", 1200, 900);
  tag_everything(dir_ / "large.jpg");
  ASSERT_GT(fs::file_size(dir_ / "large.jpg"), 200'000u);
  fs::create_directories(dir_ / "out");

  const auto to_file = run_exifscrub(
      {"strip", "large.jpg", "-o", "out/large.jpg", "--orientation", "drop"}, dir_.path());
  const auto to_stdout =
      run_exifscrub({"strip", "large.jpg", "-o", "-", "--orientation", "drop"}, dir_.path());
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_EQ(read_bytes(dir_ / "out" / "large.jpg"), Bytes(to_stdout.out.begin(), to_stdout.out.end()));
  EXPECT_EQ(unexpected_tags(exiftool_tags(dir_ / "out" / "large.jpg")), std::set<std::string>{});
}

TEST_F(StripCommand, NoFsyncWritesSameBytes) {
  tagged_photo();
  fs::create_directories(dir_ / "out");
  const auto durable = run_exifscrub({"strip", "photo.jpg", "-o", "durable.jpg"}, dir_.path());
  // Into an existing folder (streamed) and into a new one (buffered).
  const auto streamed =
      run_exifscrub({"strip", "photo.jpg", "-o", "out/fast.jpg", "--no-fsync"}, dir_.path());
  const auto buffered =
      run_exifscrub({"strip", "photo.jpg", "-o", "new/fast.jpg", "--no-fsync"}, dir_.path());
  ASSERT_EQ(durable.exit_code, 0) << durable.err;
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  ASSERT_EQ(buffered.exit_code, 0) << buffered.err;
  EXPECT_EQ(read_bytes(dir_ / "out" / "fast.jpg"), read_bytes(dir_ / "durable.jpg"));
  EXPECT_EQ(read_bytes(dir_ / "new" / "fast.jpg"), read_bytes(dir_ / "durable.jpg"));
}

TEST_F(StripCommand, RejectedInputKeepsExistingOutput) {
  write_bytes(dir_ / "garbage.jpg", Bytes{'n', 'o', 't', ' ', 'a', ' ', 'j', 'p', 'e', 'g'});
  write_bytes(dir_ / "clean.jpg", Bytes{'o', 'l', 'd'});

  const auto result = run_exifscrub({"strip", "garbage.jpg", "-o", "clean.jpg"}, dir_.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err.rfind("exifscrub: error: garbage.jpg: rejected: ", 0), 0u) << result.err;
  EXPECT_EQ(read_bytes(dir_ / "clean.jpg"), (Bytes{'o', 'l', 'd'}));
  EXPECT_EQ(list_tree(dir_.path()), (std::vector<std::string>{"clean.jpg", "garbage.jpg"}));
}

TEST_F(StripCommand, ReplacesExistingOutput) {
  tagged_photo();
  write_bytes(dir_ / "clean.jpg", Bytes{'o', 'l', 'd'});
  const auto result = run_exifscrub({"strip", "photo.jpg", "-o", "clean.jpg"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_GT(read_bytes(dir_ / "clean.jpg").size(), 1000u);
  EXPECT_EQ(list_tree(dir_.path()), (std::vector<std::string>{"clean.jpg", "photo.jpg"}));
}

TEST_F(StripCommand, ScrubsInPlace) {
  tagged_photo();
  const auto result = run_exifscrub({"strip", "photo.jpg", "-o", "photo.jpg"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(unexpected_tags(exiftool_tags(dir_ / "photo.jpg")), std::set<std::string>{});
}

TEST_F(StripCommand, StdinToStdout) {
  tagged_photo();
  const fs::path out = dir_ / "piped.jpg";
  const auto result = run_exifscrub({"strip", "-", "-o", "-"}, dir_.path(),
                                    (dir_ / "photo.jpg").string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  write_bytes(out, Bytes(result.out.begin(), result.out.end()));

  ASSERT_GE(result.out.size(), 4u);
  EXPECT_EQ(static_cast<unsigned char>(result.out[0]), 0xFF);
  EXPECT_EQ(static_cast<unsigned char>(result.out[1]), 0xD8);
  EXPECT_EQ(unexpected_tags(exiftool_tags(out)), std::set<std::string>{});
  EXPECT_EQ(result.err.rfind("exifscrub: -: removed ", 0), 0u) << result.err;
}

TEST_F(StripCommand, StdinPipeEqualsStdinFile) {
  // Standard input from a regular file is read in one piece of known size,
  // and from a pipe chunk by chunk. Both must give the same output.
  make_jpeg(dir_ / "large.jpg", 1200, 900);
  tag_everything(dir_ / "large.jpg");
  const auto from_file = run_exifscrub({"strip", "-", "-o", "-", "--json"}, dir_.path(),
                                       (dir_ / "large.jpg").string());
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;

  const std::string command = "cd " + quote(dir_.path().string()) + " && cat large.jpg | " +
                              quote(EXIFSCRUB_BINARY) + " strip - -o - --json > piped.jpg 2> piped.json";
  ASSERT_EQ(run_shell(command), 0);
  EXPECT_EQ(read_bytes(dir_ / "piped.jpg"), Bytes(from_file.out.begin(), from_file.out.end()));
  EXPECT_EQ(nlohmann::json::parse(read_text(dir_ / "piped.json")).at("files").at(0).at("report"),
            nlohmann::json::parse(from_file.err).at("files").at(0).at("report"));
}

TEST_F(StripCommand, FileToStdoutWithJsonOnStderr) {
  tagged_photo();
  const auto result = run_exifscrub({"strip", "photo.jpg", "-o", "-", "--json"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(static_cast<unsigned char>(result.out.at(0)), 0xFF);
  const auto report = nlohmann::json::parse(result.err);
  EXPECT_EQ(report.at("files").at(0).at("status"), "scrubbed");
}

TEST_F(StripCommand, MirrorsFolderTree) {
  make_jpeg(dir_ / "photos" / "a.jpg");
  make_jpeg(dir_ / "photos" / "sub" / "deeper" / "B.JPG");
  make_jpeg(dir_ / "photos" / "sub" / "c.JpEg");
  tag_everything(dir_ / "photos" / "sub" / "deeper" / "B.JPG");
  write_bytes(dir_ / "photos" / "notes.txt", Bytes{'h', 'i'});
  fs::create_symlink("a.jpg", dir_ / "photos" / "link.jpg");
  fs::create_directory_symlink("sub", dir_ / "photos" / "linked-folder");

  const auto result = run_exifscrub({"strip", "photos", "-o", "clean"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;

  EXPECT_EQ(list_tree(dir_ / "clean"),
            (std::vector<std::string>{"a.jpg", "sub/", "sub/c.JpEg", "sub/deeper/",
                                      "sub/deeper/B.JPG"}));
  EXPECT_EQ(unexpected_tags(exiftool_tags(dir_ / "clean" / "sub" / "deeper" / "B.JPG")),
            std::set<std::string>{});
  EXPECT_NE(result.err.find("exifscrub: photos/link.jpg: skipped: symbolic link, not followed\n"),
            std::string::npos) << result.err;
  EXPECT_NE(result.err.find(
                "exifscrub: photos/linked-folder: skipped: symbolic link, not followed\n"),
            std::string::npos) << result.err;
  EXPECT_NE(result.err.find("exifscrub: photos/notes.txt: skipped: not a .jpg or .jpeg file\n"),
            std::string::npos) << result.err;
  EXPECT_NE(result.err.find("exifscrub: photos/sub/deeper/B.JPG: removed "), std::string::npos)
      << result.err;
}

TEST_F(StripCommand, FolderWithRejectedFileContinues) {
  make_jpeg(dir_ / "photos" / "good.jpg");
  write_bytes(dir_ / "photos" / "bad.jpg", Bytes{0xFF, 0xD8, 0xFF});

  const auto result = run_exifscrub({"strip", "photos", "-o", "clean"}, dir_.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("exifscrub: error: photos/bad.jpg: rejected: "), std::string::npos)
      << result.err;
  EXPECT_EQ(list_tree(dir_ / "clean"), std::vector<std::string>{"good.jpg"});
}

TEST_F(StripCommand, SeveralInputsIntoFolder) {
  make_jpeg(dir_ / "one.jpg");
  make_jpeg(dir_ / "album" / "two.jpeg");
  const auto result = run_exifscrub({"strip", "one.jpg", "album", "-o", "clean"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(list_tree(dir_ / "clean"),
            (std::vector<std::string>{"album/", "album/two.jpeg", "one.jpg"}));
}

TEST_F(StripCommand, FileIntoExistingFolder) {
  make_jpeg(dir_ / "one.jpg");
  fs::create_directory(dir_ / "clean");
  const auto result = run_exifscrub({"strip", "one.jpg", "-o", "clean"}, dir_.path());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(list_tree(dir_ / "clean"), std::vector<std::string>{"one.jpg"});
}

TEST_F(StripCommand, MissingInputIsIoError) {
  const auto result = run_exifscrub({"strip", "nope.jpg", "-o", "clean.jpg"}, dir_.path());
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err,
            "exifscrub: error: nope.jpg: stat failed: No such file or directory; check that the "
            "file exists and is readable\n");
}

TEST_F(StripCommand, UnwritableOutputIsIoError) {
  make_jpeg(dir_ / "one.jpg");
  write_bytes(dir_ / "file", Bytes{'x'});
  const auto result = run_exifscrub({"strip", "one.jpg", "-o", "file/clean.jpg"}, dir_.path());
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err,
            "exifscrub: error: file/clean.jpg: create folder failed: Not a directory; check that "
            "the output folder is writable and has free space\n");
}

TEST_F(StripCommand, IoErrorOutranksRejection) {
  write_bytes(dir_ / "bad.jpg", Bytes{'x'});
  const auto result = run_exifscrub({"strip", "bad.jpg", "nope.jpg", "-o", "clean"}, dir_.path());
  EXPECT_EQ(result.exit_code, 3);
}

TEST_F(StripCommand, OutputInsideInputIsUsageError) {
  make_jpeg(dir_ / "photos" / "a.jpg");
  const auto result = run_exifscrub({"strip", "photos", "-o", "photos/clean"}, dir_.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "exifscrub: error: output folder 'photos/clean' is inside input folder 'photos'; run "
            "'exifscrub strip --help'\n");
  EXPECT_FALSE(fs::exists(dir_ / "photos" / "clean"));
}

TEST_F(StripCommand, TooLargeForRotationIsRejected) {
  tagged_photo();
  const auto result = run_exifscrub(
      {"strip", "photo.jpg", "-o", "clean.jpg", "--max-pixels", "1000"}, dir_.path());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("exceeds the transform limit of 1000 pixels"), std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir_ / "clean.jpg"));
}

TEST_F(StripCommand, QuietPrintsNothingOnSuccess) {
  tagged_photo();
  const auto result =
      run_exifscrub({"strip", "photo.jpg", "-o", "clean.jpg", "--quiet"}, dir_.path());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out, "");
}

TEST_F(StripCommand, JsonReportsEachFile) {
  tagged_photo("photos/a.jpg");
  write_bytes(dir_ / "photos" / "b.jpg", Bytes{'x'});
  write_bytes(dir_ / "photos" / "c.txt", Bytes{'x'});

  const auto result = run_exifscrub({"strip", "photos", "-o", "clean", "--json"}, dir_.path());
  EXPECT_EQ(result.exit_code, 1);
  const auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report.at("orientation_mode"), "apply");
  EXPECT_EQ(report.at("keep_icc"), true);
  EXPECT_EQ(report.at("max_pixels"), 100000000);
  const auto& files = report.at("files");
  ASSERT_EQ(files.size(), 3u);

  EXPECT_EQ(files[0].at("input"), "photos/c.txt");
  EXPECT_EQ(files[0].at("status"), "skipped");
  EXPECT_EQ(files[1].at("input"), "photos/a.jpg");
  EXPECT_EQ(files[1].at("status"), "scrubbed");
  EXPECT_EQ(files[1].at("output"), "clean/a.jpg");
  EXPECT_EQ(files[1].at("report").at("orientation"), 6);
  EXPECT_EQ(files[1].at("report").at("orientation_applied"), 6);
  EXPECT_EQ(files[1].at("report").at("trimmed_columns"), 13);
  EXPECT_EQ(files[1].at("report").at("width"), 32);
  EXPECT_EQ(files[2].at("input"), "photos/b.jpg");
  EXPECT_EQ(files[2].at("status"), "rejected");
  EXPECT_EQ(files[2].at("error").at("kind"), "not_jpeg");
}

}  // namespace
}  // namespace exifscrub::cli::testing
