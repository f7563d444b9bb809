#include "pipeline/object_key.h"

#include <gtest/gtest.h>

namespace exifscrub::pipeline {
namespace {

TEST(ObjectKey, AcceptsJpegSuffixesInAnyCase) {
  for (const char* key : {"a.jpg", "a.JPG", "a.Jpg", "a.jpeg", "a.JPEG", "deep/path/IMG 0001 (1).JpEg",
                          ".jpg", "x+y%20z.jpg"}) {
    EXPECT_TRUE(is_jpeg_key(key)) << key;
  }
}

TEST(ObjectKey, RejectsOtherSuffixes) {
  for (const char* key : {"", "jpg", "a.png", "a.jpg.txt", "a.jpe", "a.jfif", "a.jpgx", "folder.jpg/",
                          "a_jpg", "a.heic"}) {
    EXPECT_FALSE(is_jpeg_key(key)) << key;
  }
}

}  // namespace
}  // namespace exifscrub::pipeline
