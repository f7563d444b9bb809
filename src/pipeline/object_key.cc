#include "pipeline/object_key.h"

#include <algorithm>
#include <cctype>

namespace exifscrub::pipeline {
namespace {

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char expected, char actual) {
                      return expected == std::tolower(static_cast<unsigned char>(actual));
                    });
}

}  // namespace

bool is_jpeg_key(std::string_view key) {
  return ends_with_ignoring_case(key, ".jpg") || ends_with_ignoring_case(key, ".jpeg");
}

}  // namespace exifscrub::pipeline
