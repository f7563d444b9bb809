// Tests of the CLI's file I/O: atomic replacement and mapped inputs,
// including a file truncated while it is mapped.
#include "cli/file_io.h"

#include <gtest/gtest.h>
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

TEST(AtomicFile, DroppedFileLeavesNothing) {
  TempDir dir;
  write_bytes(dir / "out.jpg", {'o', 'l', 'd'});
  {
    auto file = AtomicFile::create(dir / "out.jpg");
    ASSERT_TRUE(file.ok()) << file.error().message();
    ASSERT_TRUE(file.value().write(as_span("partial")).ok());
    EXPECT_EQ(list_tree(dir.path()).size(), 2u);
  }
  EXPECT_EQ(read_bytes(dir / "out.jpg"), (testing::Bytes{'o', 'l', 'd'}));
  EXPECT_EQ(list_tree(dir.path()), std::vector<std::string>{"out.jpg"});
}

TEST(AtomicFile, MissingFolderIsError) {
  TempDir dir;
  auto file = AtomicFile::create(dir / "missing" / "out.jpg");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message(), "create temporary file failed: No such file or directory");
}

TEST(MapFile, MapsRegularFile) {
  TempDir dir;
  testing::Bytes content(100'000);
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<std::uint8_t>(i * 7);
  write_bytes(dir / "in.jpg", content);

  auto input = map_file(dir / "in.jpg");
  ASSERT_TRUE(input.ok()) << input.error().message();
  const auto bytes = input.value().bytes();
  EXPECT_EQ(testing::Bytes(bytes.begin(), bytes.end()), content);
}

TEST(MapFile, EmptyFileIsEmpty) {
  TempDir dir;
  write_bytes(dir / "empty.jpg", {});
  auto input = map_file(dir / "empty.jpg");
  ASSERT_TRUE(input.ok()) << input.error().message();
  EXPECT_TRUE(input.value().bytes().empty());
}

TEST(MapFile, FolderIsError) {
  TempDir dir;
  auto input = map_file(dir.path());
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.error().message(), "open failed: Is a directory");
}

TEST(MapFile, MissingFileIsError) {
  TempDir dir;
  auto input = map_file(dir / "missing.jpg");
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.error().message(), "open failed: No such file or directory");
}

TEST(MapFile, MovedMappingKeepsBytes) {
  TempDir dir;
  write_bytes(dir / "in.jpg", {0xFF, 0xD8, 0xFF, 0xD9});
  auto input = map_file(dir / "in.jpg");
  ASSERT_TRUE(input.ok()) << input.error().message();
  InputBytes moved = std::move(input).value();
  EXPECT_EQ(testing::Bytes(moved.bytes().begin(), moved.bytes().end()),
            (testing::Bytes{0xFF, 0xD8, 0xFF, 0xD9}));
}

TEST(MapFileDeathTest, TruncationWhileMappedExitsWithIoError) {
  TempDir dir;
  const auto path = dir / "shrinking.jpg";
  write_bytes(path, testing::Bytes(3 * 4096, 0xAB));
  EXPECT_EXIT(
      {
        auto input = map_file(path);
        if (!input.ok()) std::_Exit(100);
        if (::truncate(path.c_str(), 0) != 0) std::_Exit(101);
        // The last page no longer exists in the file, so reading it faults.
        volatile std::uint8_t last = input.value().bytes()[3 * 4096 - 1];
        static_cast<void>(last);
        std::_Exit(102);
      },
      ::testing::ExitedWithCode(3),
      "exifscrub: error: .*shrinking.jpg: the file was truncated while it was being read; no "
      "output was written for it");
}

}  // namespace
}  // namespace exifscrub::cli
