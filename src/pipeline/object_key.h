// Which object keys the scrubber processes. Keys are compared as S3 stores
// them (already decoded from any event envelope).
#pragma once

#include <string_view>

namespace exifscrub::pipeline {

// True when the key ends in ".jpg" or ".jpeg" in any letter case
// ("IMG_0001.JPG", "a/b.JpEg"). Cameras write upper-case suffixes, so a
// case-sensitive check would silently skip their photos.
bool is_jpeg_key(std::string_view key);

}  // namespace exifscrub::pipeline
