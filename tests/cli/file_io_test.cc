// Tests of the CLI's file I/O: atomic replacement and whole-file reads into
// private memory.
#include "cli/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "cli_test_support.h"

namespace exifscrub::cli {
namespace {

using testing::list_tree;
using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;

std::span<const std::uint8_t> as_span(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(AtomicFile, CommitReplacesDestination) {
  TempDir dir;
  write_bytes(dir / "out.jpg", {'o', 'l', 'd'});
  auto file = AtomicFile::create(dir / "out.jpg");
  ASSERT_TRUE(file.ok()) << file.error().message();
  ASSERT_TRUE(file.value().write(as_span("new")).ok());
  EXPECT_EQ(read_bytes(dir / "out.jpg"), (testing::Bytes{'o', 'l', 'd'}));

  ASSERT_TRUE(file.value().commit(true).ok());
  EXPECT_EQ(read_bytes(dir / "out.jpg"), (testing::Bytes{'n', 'e', 'w'}));
  EXPECT_EQ(list_tree(dir.path()), std::vector<std::string>{"out.jpg"});
}

TEST(AtomicFile, CommitWithoutSyncReplacesDestination) {
  TempDir dir;
  auto file = AtomicFile::create(dir / "out.jpg");
  ASSERT_TRUE(file.ok()) << file.error().message();
  ASSERT_TRUE(file.value().write(as_span("new")).ok());
  ASSERT_TRUE(file.value().commit(false).ok());
  EXPECT_EQ(read_bytes(dir / "out.jpg"), (testing::Bytes{'n', 'e', 'w'}));
  EXPECT_EQ(list_tree(dir.path()), std::vector<std::string>{"out.jpg"});
}

// Returns whether the folder's file system can create unnamed files (O_TMPFILE).
bool unnamed_files_work(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

TEST(AtomicFile, DroppedFileLeavesNothing) {
  TempDir dir;
  write_bytes(dir / "out.jpg", {'o', 'l', 'd'});
  {
    auto file = AtomicFile::create(dir / "out.jpg");
    ASSERT_TRUE(file.ok()) << file.error().message();
    ASSERT_TRUE(file.value().write(as_span("partial")).ok());
  }
  EXPECT_EQ(read_bytes(dir / "out.jpg"), (testing::Bytes{'o', 'l', 'd'}));
  EXPECT_EQ(list_tree(dir.path()), std::vector<std::string>{"out.jpg"});
}

TEST(AtomicFile, NoNameUntilCommit) {
  // A process killed while it writes leaves nothing: the file has no name.
  TempDir dir;
  if (!unnamed_files_work(dir.path())) GTEST_SKIP() << "this file system has no O_TMPFILE";
  auto file = AtomicFile::create(dir / "out.jpg");
  ASSERT_TRUE(file.ok()) << file.error().message();
  ASSERT_TRUE(file.value().write(as_span("partial")).ok());
  EXPECT_EQ(list_tree(dir.path()), std::vector<std::string>{});

  ASSERT_TRUE(file.value().commit(false).ok());
  EXPECT_EQ(list_tree(dir.path()), std::vector<std::string>{"out.jpg"});
  EXPECT_EQ(read_bytes(dir / "out.jpg"), (testing::Bytes{'p', 'a', 'r', 't', 'i', 'a', 'l'}));
}

TEST(AtomicFile, LongestNameIsWritten) {
  // The temporary name is cut to fit the 255-byte limit of a file name.
  TempDir dir;
  const std::string name = std::string(251, 'a') + ".jpg";
  auto file = AtomicFile::create(dir / name);
  ASSERT_TRUE(file.ok()) << file.error().message();
  ASSERT_TRUE(file.value().write(as_span("new")).ok());
  ASSERT_TRUE(file.value().commit(true).ok());
  EXPECT_EQ(list_tree(dir.path()), std::vector<std::string>{name});
}

TEST(AtomicFile, ReplacementKeepsModeAndOwner) {
  // Scrubbing a private photo in place must not make it readable by all.
  TempDir dir;
  write_bytes(dir / "out.jpg", {'o', 'l', 'd'});
  ASSERT_EQ(::chmod((dir / "out.jpg").c_str(), 0600), 0);
  const bool root = ::geteuid() == 0;
  if (root) ASSERT_EQ(::chown((dir / "out.jpg").c_str(), 1234, 5678), 0);

  auto file = AtomicFile::create(dir / "out.jpg");
  ASSERT_TRUE(file.ok()) << file.error().message();
  ASSERT_TRUE(file.value().write(as_span("new")).ok());
  ASSERT_TRUE(file.value().commit(false).ok());

  struct stat status {};
  ASSERT_EQ(::stat((dir / "out.jpg").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0600u);
  if (root) {
    EXPECT_EQ(status.st_uid, 1234u);
    EXPECT_EQ(status.st_gid, 5678u);
  }
  EXPECT_EQ(read_bytes(dir / "out.jpg"), (testing::Bytes{'n', 'e', 'w'}));
}

TEST(AtomicFile, MissingFolderIsError) {
  TempDir dir;
  auto file = AtomicFile::create(dir / "missing" / "out.jpg");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message(), "create temporary file failed: No such file or directory");
}

TEST(ReadInputFile, ReadsRegularFile) {
  TempDir dir;
  testing::Bytes content(100'000);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i * 7);
  write_bytes(dir / "in.jpg", content);

  auto input = read_input_file(dir / "in.jpg");
  ASSERT_TRUE(input.ok()) << input.error().message();
  const auto bytes = input.value().bytes();
  EXPECT_EQ(testing::Bytes(bytes.begin(), bytes.end()), content);
}

TEST(ReadInputFile, LaterChangesToFileDoNotShow) {
  // The bytes are a private copy: what was checked is what gets written,
  // whatever another process does to the file meanwhile.
  TempDir dir;
  write_bytes(dir / "in.jpg", testing::Bytes(3 * 4096, 0xAB));
  auto input = read_input_file(dir / "in.jpg");
  ASSERT_TRUE(input.ok()) << input.error().message();

  write_bytes(dir / "in.jpg", testing::Bytes(3 * 4096, 0xCD));
  ASSERT_EQ(::truncate((dir / "in.jpg").c_str(), 0), 0);
  const auto bytes = input.value().bytes();
  EXPECT_EQ(testing::Bytes(bytes.begin(), bytes.end()), testing::Bytes(3 * 4096, 0xAB));
}

TEST(ReadInputDescriptor, ReadsFromCurrentPosition) {
  // Standard input may be a regular file that something already read from.
  TempDir dir;
  testing::Bytes content(5 * 4096 + 17);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i * 7);
  write_bytes(dir / "in.jpg", content);
  const int fd = ::open((dir / "in.jpg").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::lseek(fd, 100, SEEK_SET), 100);

  auto input = read_input_descriptor(fd);
  ::close(fd);
  ASSERT_TRUE(input.ok()) << input.error().message();
  const auto bytes = input.value().bytes();
  EXPECT_EQ(testing::Bytes(bytes.begin(), bytes.end()), testing::Bytes(content.begin() + 100, content.end()));
}

TEST(LeasedInput, MapsFileBytes) {
  TempDir dir;
  testing::Bytes content(3 * 4096 + 5);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i * 3);
  write_bytes(dir / "in.jpg", content);
  auto input = LeasedInput::open(dir / "in.jpg");
  if (!input) GTEST_SKIP() << "no read lease on this file system (or leases are disabled)";
  EXPECT_EQ(testing::Bytes(input->bytes().begin(), input->bytes().end()), content);
  EXPECT_TRUE(input->unchanged());
}

TEST(LeasedInput, WriterWaitsAndIsNoticed) {
  // A writer cannot open the file while the lease holds, and its attempt
  // ends the guarantee that the bytes are unchanged.
  TempDir dir;
  write_bytes(dir / "in.jpg", testing::Bytes(4096, 0xAB));
  auto input = LeasedInput::open(dir / "in.jpg");
  if (!input) GTEST_SKIP() << "no read lease on this file system (or leases are disabled)";

  const int writer = ::open((dir / "in.jpg").c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  const int error = errno;
  if (writer >= 0) ::close(writer);
  EXPECT_EQ(writer, -1);
  EXPECT_EQ(error, EWOULDBLOCK);
  EXPECT_FALSE(input->unchanged());
}

TEST(LeasedInput, FileOpenForWritingIsNotLeased) {
  TempDir dir;
  write_bytes(dir / "in.jpg", testing::Bytes(4096, 0xAB));
  const int writer = ::open((dir / "in.jpg").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(writer, 0);
  EXPECT_FALSE(LeasedInput::open(dir / "in.jpg").has_value());
  ::close(writer);
}

TEST(LeasedInput, EmptyFileIsNotLeased) {
  TempDir dir;
  write_bytes(dir / "empty.jpg", {});
  EXPECT_FALSE(LeasedInput::open(dir / "empty.jpg").has_value());
}

TEST(OutputBuffer, GrowsPastExpectedSize) {
  // 3 MiB expected, 5 MiB appended in uneven pieces: the buffer moves to a
  // larger mapping once and keeps every byte in order.
  OutputBuffer buffer(3u << 20);
  testing::Bytes expected;
  for (std::size_t piece = 0; expected.size() < (5u << 20); ++piece) {
    testing::Bytes bytes(1000 + piece * 37 % 70000);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(piece + i);
    buffer.append(bytes);
    expected.insert(expected.end(), bytes.begin(), bytes.end());
  }
  const auto bytes = buffer.bytes();
  EXPECT_EQ(testing::Bytes(bytes.begin(), bytes.end()), expected);
}

TEST(OutputBuffer, EmptyAppendsLeaveItEmpty) {
  OutputBuffer buffer(0);
  buffer.append({});
  EXPECT_TRUE(buffer.bytes().empty());
  const testing::Bytes two = {0xFF, 0xD8};
  buffer.append(two);
  const auto bytes = buffer.bytes();
  EXPECT_EQ(testing::Bytes(bytes.begin(), bytes.end()), two);
}

TEST(ReadInputFile, EmptyFileIsEmpty) {
  TempDir dir;
  write_bytes(dir / "empty.jpg", {});
  auto input = read_input_file(dir / "empty.jpg");
  ASSERT_TRUE(input.ok()) << input.error().message();
  EXPECT_TRUE(input.value().bytes().empty());
}

TEST(ReadInputFile, FolderIsError) {
  TempDir dir;
  auto input = read_input_file(dir.path());
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.error().message(), "open failed: Is a directory");
}

TEST(ReadInputFile, MissingFileIsError) {
  TempDir dir;
  auto input = read_input_file(dir / "missing.jpg");
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.error().message(), "open failed: No such file or directory");
}

TEST(ReadInputFile, MovedBytesStayValid) {
  TempDir dir;
  write_bytes(dir / "in.jpg", {0xFF, 0xD8, 0xFF, 0xD9});
  auto input = read_input_file(dir / "in.jpg");
  ASSERT_TRUE(input.ok()) << input.error().message();
  InputBytes moved = std::move(input).value();
  EXPECT_EQ(testing::Bytes(moved.bytes().begin(), moved.bytes().end()),
            (testing::Bytes{0xFF, 0xD8, 0xFF, 0xD9}));
}

}  // namespace
}  // namespace exifscrub::cli
