#include "cli/report.h"

#include <cstdio>
#include <map>
#include <vector>

namespace exifscrub::cli {
namespace {

std::string segment_label(const jpeg::SegmentInfo& segment) {
  std::string label(segment.name);
  if (!segment.identifier.empty()) label.append(" ").append(segment.identifier);
  return label;
}

std::string marker_hex(std::uint8_t marker) {
  char text[8];
  std::snprintf(text, sizeof text, "FF%02X", static_cast<unsigned>(marker));
  return text;
}

// "APP1 Exif, APP1 XMP x2, COM", in order of first appearance.
std::string list_labels(const std::vector<std::string>& labels) {
  std::vector<std::string> order;
  std::map<std::string, int> counts;
  for (const auto& label : labels) {
    if (counts[label]++ == 0) order.push_back(label);
  }
  std::string text;
  for (const auto& label : order) {
    if (!text.empty()) text += ", ";
    text += label;
    if (counts[label] > 1) text += " x" + std::to_string(counts[label]);
  }
  return text;
}

std::string describe_removals(const jpeg::ScrubReport& report) {
  std::vector<std::string> dropped;
  std::vector<std::string> rewritten;
  std::uint64_t dropped_bytes = 0;
  for (const auto& segment : report.segments) {
    if (segment.action == jpeg::SegmentAction::Drop) {
      dropped.push_back(segment_label(segment));
      dropped_bytes += segment.size;
    } else if (segment.action == jpeg::SegmentAction::Rewrite) {
      rewritten.push_back(segment_label(segment));
    }
  }
  std::string text = dropped.empty() ? "removed nothing"
                                     : "removed " + std::to_string(dropped.size()) +
                                           (dropped.size() == 1 ? " segment (" : " segments (") +
                                           list_labels(dropped) + "; " +
                                           std::to_string(dropped_bytes) + " bytes)";
  if (!rewritten.empty()) text += ", rewrote " + list_labels(rewritten);
  return text;
}

std::string describe_orientation(const jpeg::ScrubReport& report, jpeg::OrientationMode mode) {
  if (!report.orientation) return "no orientation tag";
  const std::string value = "orientation " + std::to_string(*report.orientation);
  if (report.orientation_applied != 0) {
    std::string text = value + " applied";
    if (report.trimmed_columns != 0 || report.trimmed_rows != 0) {
      text += ", trimmed " + std::to_string(report.trimmed_columns) + " columns and " +
              std::to_string(report.trimmed_rows) + " rows";
    }
    return text;
  }
  switch (mode) {
    case jpeg::OrientationMode::KeepTag: return value + " kept as a tag";
    case jpeg::OrientationMode::Drop: return value + " dropped";
    case jpeg::OrientationMode::Apply: break;
  }
  return value + ", already upright";
}

}  // namespace

std::string format_summary(const std::string& name, const jpeg::ScrubReport& report,
                           jpeg::OrientationMode mode) {
  return "exifscrub: " + name + ": " + describe_removals(report) + "; " +
         describe_orientation(report, mode) + "; " + std::to_string(report.bytes_in) + " -> " +
         std::to_string(report.bytes_out) + " bytes";
}

std::string format_rejection(const std::string& name, const jpeg::Error& error) {
  return "exifscrub: error: " + name + ": " + error.describe();
}

std::string format_io_error(const std::string& name, const IoError& error, std::string_view fix) {
  return "exifscrub: error: " + name + ": " + error.message() + "; " +
         (error.fix.empty() ? std::string(fix) : error.fix);
}

std::string format_inspect(const std::string& name, const jpeg::ScrubReport& report) {
  std::string text = name + ": " + std::to_string(report.bytes_in) + " bytes";
  if (report.width != 0) {
    text += ", " + std::to_string(report.width) + "x" + std::to_string(report.height) + " pixels";
  }
  text += report.orientation ? ", orientation " + std::to_string(*report.orientation)
                             : ", no orientation tag";
  text += "; " + std::to_string(report.bytes_out) + " bytes after scrubbing\n";

  char line[160];
  std::snprintf(line, sizeof line, "%10s  %-6s %10s  %-8s %-22s %s\n", "offset", "marker", "size",
                "action", "segment", "reason");
  text += line;
  for (const auto& segment : report.segments) {
    std::snprintf(line, sizeof line, "%10llu  %-6s %10llu  %-8s %-22s ",
                  static_cast<unsigned long long>(segment.offset),
                  segment.marker == 0 ? "-" : marker_hex(segment.marker).c_str(),
                  static_cast<unsigned long long>(segment.size),
                  std::string(action_name(segment.action)).c_str(),
                  segment_label(segment).c_str());
    text += line;
    text.append(segment.reason).append("\n");
  }
  return text;
}

std::string_view action_name(jpeg::SegmentAction action) {
  switch (action) {
    case jpeg::SegmentAction::Keep: return "keep";
    case jpeg::SegmentAction::Rewrite: return "rewrite";
    case jpeg::SegmentAction::Drop: return "drop";
  }
  return "unknown";
}

std::string_view orientation_mode_name(jpeg::OrientationMode mode) {
  switch (mode) {
    case jpeg::OrientationMode::Apply: return "apply";
    case jpeg::OrientationMode::KeepTag: return "keep_tag";
    case jpeg::OrientationMode::Drop: return "drop";
  }
  return "unknown";
}

nlohmann::json report_to_json(const jpeg::ScrubReport& report) {
  nlohmann::json segments = nlohmann::json::array();
  for (const auto& segment : report.segments) {
    segments.push_back({{"offset", segment.offset},
                        {"marker", marker_hex(segment.marker)},
                        {"size", segment.size},
                        {"name", segment.name},
                        {"identifier", segment.identifier},
                        {"action", action_name(segment.action)},
                        {"reason", segment.reason}});
  }
  return {{"bytes_in", report.bytes_in},
          {"bytes_out", report.bytes_out},
          {"segments_removed", report.segments_removed},
          {"orientation", report.orientation ? nlohmann::json(*report.orientation) : nullptr},
          {"orientation_applied", report.orientation_applied},
          {"trimmed_columns", report.trimmed_columns},
          {"trimmed_rows", report.trimmed_rows},
          {"width", report.width},
          {"height", report.height},
          {"segments", segments}};
}

nlohmann::json error_to_json(const jpeg::Error& error) {
  return {{"kind", jpeg::error_kind_name(error.kind)},
          {"offset", error.offset},
          {"marker", error.marker ? nlohmann::json(marker_hex(*error.marker)) : nullptr},
          {"message", error.message},
          {"description", error.describe()}};
}

nlohmann::json io_error_to_json(const IoError& error, std::string_view fix) {
  return {{"kind", "io_error"},
          {"message", error.message()},
          {"fix", error.fix.empty() ? std::string(fix) : error.fix}};
}

}  // namespace exifscrub::cli
