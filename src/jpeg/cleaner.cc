// The copy loop; see cleaner.h for the decisions it takes beyond the policy.
#include "jpeg/cleaner.h"

#include <algorithm>

#include "jpeg/exif.h"
#include "jpeg/markers.h"

namespace exifscrub::jpeg {

namespace {

constexpr std::string_view kSecondJfif = "a second JFIF segment; only the first is kept";
constexpr std::string_view kSupersededAdobe =
    "an earlier Adobe segment; decoders use the last one, which is kept";
constexpr std::string_view kBadIccNumbering =
    "ICC_PROFILE chunk numbering is not 1 to N with one N; decoders ignore such a profile";
constexpr std::string_view kNotIccProfile =
    "ICC_PROFILE chunks do not hold an ICC profile (size field, 'acsp' signature or tag table "
    "invalid), so they could carry other data";
constexpr std::string_view kTrailer =
    "data after EOI (trailer, MPF secondary images, appended video)";

// True when the chunks number exactly 1..N, each once, all declaring the same N.
bool icc_numbering_valid(std::vector<IccChunk> chunks) {
  if (chunks.empty() || chunks.size() > 255) return false;
  std::sort(chunks.begin(), chunks.end(),
            [](const IccChunk& a, const IccChunk& b) { return a.sequence < b.sequence; });
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].count != chunks.size() || chunks[i].sequence != i + 1) return false;
  }
  return true;
}

// An ICC profile split over the payloads of its APP2 chunks, read in place so
// that a profile of several megabytes is not gathered just to be checked.
class ChunkedProfile {
 public:
  void append(Bytes part) {
    if (part.empty()) return;
    parts_.push_back(part);
    starts_.push_back(size_);
    size_ += part.size();
  }

  std::size_t size() const { return size_; }

  // Requires at < size().
  std::uint8_t at(std::size_t at) const {
    const auto next = std::upper_bound(starts_.begin(), starts_.end(), at);
    const std::size_t part = static_cast<std::size_t>(next - starts_.begin()) - 1;
    return parts_[part][at - starts_[part]];
  }

  // Requires at + 4 <= size().
  std::uint32_t u32(std::size_t at) const {
    return static_cast<std::uint32_t>(this->at(at)) << 24 | static_cast<std::uint32_t>(this->at(at + 1)) << 16 |
           static_cast<std::uint32_t>(this->at(at + 2)) << 8 | static_cast<std::uint32_t>(this->at(at + 3));
  }

 private:
  std::vector<Bytes> parts_;
  std::vector<std::size_t> starts_;
  std::size_t size_ = 0;
};

// True when profile is an ICC profile by the ICC.1 header and tag table
// rules: its size field equals its length, bytes 36-39 are "acsp", and every
// tag of the table lies inside the profile. A payload that is not a profile
// (another JPEG with EXIF and GPS, say) is not kept under the ICC label.
bool icc_profile_valid(const ChunkedProfile& profile) {
  constexpr std::size_t kHeaderSize = 128;
  if (profile.size() < kHeaderSize + 4 || profile.u32(0) != profile.size()) return false;
  if (profile.at(36) != 'a' || profile.at(37) != 'c' || profile.at(38) != 's' || profile.at(39) != 'p') {
    return false;
  }
  const std::uint64_t tag_count = profile.u32(kHeaderSize);
  if (kHeaderSize + 4 + 12 * tag_count > profile.size()) return false;
  for (std::uint64_t i = 0; i < tag_count; ++i) {
    const std::size_t entry = kHeaderSize + 4 + 12 * static_cast<std::size_t>(i);
    const std::uint64_t offset = profile.u32(entry + 4);
    const std::uint64_t size = profile.u32(entry + 8);
    if (offset + size > profile.size()) return false;
  }
  return true;
}

}  // namespace

Cleaner::Cleaner(const ScrubOptions& options, SegmentWriter::Sink sink)
    : options_(options), writer_(std::move(sink)) {}

Status Cleaner::on_segment(const Segment& segment) {
  const std::string_view identifier =
      marker::is_app(segment.code) ? identify_app(segment.code, segment.payload()) : "";
  const PolicyDecision decision = decide(segment.code, identifier, segment.payload(),
                                         PolicyContext{options_.keep_icc, !scan_started_});
  read_frame_and_orientation(segment, identifier);

  if (decision.action == SegmentAction::Drop) {
    record(segment, identifier, decision);
    return Done{};
  }
  if (!scan_started_) return keep_in_header(segment, identifier, decision);

  record(segment, identifier, decision);
  if (segment.code == marker::kSos) sos_index_ = report_.segments.size() - 1;
  return writer_.write(segment.bytes);
}

Status Cleaner::on_scan_data(std::uint64_t /*offset*/, Bytes data) {
  if (sos_index_) report_.segments[*sos_index_].size += data.size();
  return writer_.write(data);
}

Status Cleaner::on_trailer(std::uint64_t offset, Bytes data) {
  if (!trailer_index_) {
    report_.segments.push_back(SegmentInfo{offset, 0, 0, "trailer", "", SegmentAction::Drop, kTrailer});
    ++report_.segments_removed;
    trailer_index_ = report_.segments.size() - 1;
  }
  report_.segments[*trailer_index_].size += data.size();
  return Done{};
}

SegmentInfo& Cleaner::record(const Segment& segment, std::string_view identifier,
                             PolicyDecision decision) {
  report_.segments.push_back(SegmentInfo{segment.offset, segment.code, segment.bytes.size(),
                                         marker::name(segment.code), identifier, decision.action,
                                         decision.reason});
  if (decision.action == SegmentAction::Drop) ++report_.segments_removed;
  return report_.segments.back();
}

void Cleaner::mark_dropped(std::size_t info_index, std::string_view reason) {
  SegmentInfo& info = report_.segments[info_index];
  if (info.action != SegmentAction::Drop) ++report_.segments_removed;
  info.action = SegmentAction::Drop;
  info.reason = reason;
}

void Cleaner::read_frame_and_orientation(const Segment& segment, std::string_view identifier) {
  if (marker::is_sof(segment.code)) {
    // The walker has already accepted this header, so parsing cannot fail here.
    Result<FrameHeader> frame = parse_frame_header(segment.code, segment.offset, segment.payload());
    if (frame) {
      report_.width = frame->width;
      report_.height = frame->height;
    }
  }
  // Viewers read the orientation from the first EXIF segment before the image data.
  if (segment.code == marker::kApp1 && identifier == "Exif" && !scan_started_ && !exif_seen_) {
    exif_seen_ = true;
    exif_offset_ = segment.offset;
    report_.orientation = read_exif_orientation(segment.payload());
  }
}

Status Cleaner::keep_in_header(const Segment& segment, std::string_view identifier,
                               PolicyDecision decision) {
  if (writer_.header_bytes() + icc_bytes_ + segment.bytes.size() > kMaxHeaderBytes) {
    return segment_error(ErrorKind::TooLarge, segment.code, segment.offset,
                         "the segments before the first scan exceed " +
                             std::to_string(kMaxHeaderBytes) + " bytes");
  }
  if (segment.code == marker::kSos) {
    record(segment, identifier, decision);
    sos_index_ = report_.segments.size() - 1;
    return finish_header(segment);
  }

  const bool rewrite = decision.action == SegmentAction::Rewrite;
  const std::vector<std::uint8_t> rewritten =
      rewrite ? rewrite_segment(segment.code, segment.payload()) : std::vector<std::uint8_t>{};
  const Bytes kept = rewrite ? Bytes(rewritten) : segment.bytes;

  if (segment.code == marker::kApp0) {
    if (jfif_index_) {
      record(segment, identifier, {SegmentAction::Drop, kSecondJfif});
      return Done{};
    }
    record(segment, identifier, decision);
    jfif_index_ = report_.segments.size() - 1;
    writer_.add_header(HeaderGroup::Jfif, kept);
  } else if (segment.code == marker::kApp14) {
    if (adobe_index_) mark_dropped(*adobe_index_, kSupersededAdobe);
    record(segment, identifier, decision);
    adobe_index_ = report_.segments.size() - 1;
    writer_.add_header(HeaderGroup::Adobe, kept);
  } else if (segment.code == marker::kApp2) {
    record(segment, identifier, decision);
    icc_.push_back(IccSegment{report_.segments.size() - 1, *parse_icc_chunk(segment.payload()),
                              std::vector<std::uint8_t>(kept.begin(), kept.end())});
    icc_bytes_ += kept.size();
  } else {
    record(segment, identifier, decision);
    writer_.add_header(segment.code == marker::kSoi ? HeaderGroup::Soi : HeaderGroup::Body, kept);
  }
  return Done{};
}

Status Cleaner::finish_header(const Segment& first_sos) {
  if (Status allowed = check_orientation(); !allowed) {
    requires_whole_image_ = true;
    return allowed;
  }

  place_icc_chunks();
  if (options_.orientation == OrientationMode::KeepTag && report_.orientation) {
    writer_.add_header(HeaderGroup::Exif, build_orientation_exif(*report_.orientation));
  }
  writer_.add_header(HeaderGroup::Body, first_sos.bytes);
  scan_started_ = true;
  return writer_.flush_header();
}

Status Cleaner::check_orientation() const {
  const bool needs_transform = report_.orientation && *report_.orientation >= 2;
  if (options_.orientation != OrientationMode::Apply || !needs_transform) return Done{};
  return segment_error(ErrorKind::UnsupportedFeature, marker::kApp1, exif_offset_,
                       "EXIF orientation " + std::to_string(*report_.orientation) +
                           " needs a lossless rotation of the whole image, which a stream "
                           "cannot apply; scrub the whole buffer instead");
}

// Writes a complete ICC set in sequence order, or drops every chunk of an
// incomplete or inconsistent one.
void Cleaner::place_icc_chunks() {
  std::vector<IccChunk> chunks;
  for (const IccSegment& icc : icc_) chunks.push_back(icc.chunk);
  if (!icc_numbering_valid(chunks)) {
    for (const IccSegment& icc : icc_) mark_dropped(icc.info_index, kBadIccNumbering);
  } else {
    std::sort(icc_.begin(), icc_.end(), [](const IccSegment& a, const IccSegment& b) {
      return a.chunk.sequence < b.chunk.sequence;
    });
    // Each kept segment is FF E2, the length, "ICC_PROFILE\0", the two
    // numbering bytes, then its part of the profile.
    constexpr std::size_t kChunkHeader = 4 + 12 + 2;
    ChunkedProfile profile;
    for (const IccSegment& icc : icc_) profile.append(Bytes(icc.bytes).subspan(kChunkHeader));
    if (icc_profile_valid(profile)) {
      for (IccSegment& icc : icc_) writer_.add_icc_chunk(std::move(icc.bytes));
    } else {
      for (const IccSegment& icc : icc_) mark_dropped(icc.info_index, kNotIccProfile);
    }
  }
  icc_.clear();
  icc_bytes_ = 0;
}

}  // namespace exifscrub::jpeg
