// Help and version texts of the exifscrub binary.
#pragma once

#include <string_view>

namespace exifscrub::cli {

std::string_view main_help();
std::string_view strip_help();
std::string_view inspect_help();
// "exifscrub <version>".
std::string_view version_text();

}  // namespace exifscrub::cli
