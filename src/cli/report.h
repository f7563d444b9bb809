// Text and JSON renderings of scrub and inspect results, and the one-line
// error messages. Formats only: callers choose the stream.
//
// Never renders metadata values or image bytes; segment names, identifiers,
// offsets and sizes are the only facts about an input that appear.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/file_io.h"
#include "jpeg/scrub.h"

namespace exifscrub::cli {

// "exifscrub: NAME: removed 3 segments (APP1 Exif, APP13 Photoshop, COM;
// 51234 bytes); orientation 6 applied, trimmed 3 columns and 0 rows; 81234
// -> 30000 bytes".
std::string format_summary(const std::string& name, const jpeg::ScrubReport& report,
                           jpeg::OrientationMode mode);

// "exifscrub: error: NAME: rejected: <message>; <fix>".
std::string format_rejection(const std::string& name, const jpeg::Error& error);

// "exifscrub: error: NAME: <operation> failed: <reason>; <fix>".
std::string format_io_error(const std::string& name, const IoError& error, std::string_view fix);

// Fixes for I/O errors, by direction.
inline constexpr std::string_view kReadFix = "check that the file exists and is readable";
inline constexpr std::string_view kWriteFix =
    "check that the output folder is writable and has free space";

// The segment table that `exifscrub inspect` prints.
std::string format_inspect(const std::string& name, const jpeg::ScrubReport& report);

// Stable snake_case names used in JSON: "keep", "rewrite", "drop"; "apply",
// "keep_tag", "drop".
std::string_view action_name(jpeg::SegmentAction action);
std::string_view orientation_mode_name(jpeg::OrientationMode mode);

nlohmann::json report_to_json(const jpeg::ScrubReport& report);
nlohmann::json error_to_json(const jpeg::Error& error);
nlohmann::json io_error_to_json(const IoError& error, std::string_view fix);

}  // namespace exifscrub::cli
