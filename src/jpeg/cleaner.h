// The copy loop: a WalkHandler that applies the policy to each segment the
// walker finds, records its fate in the report and sends what is kept to the
// SegmentWriter.
//
// It also takes the decisions that depend on more than one segment. Only the
// first JFIF is kept. Of several Adobe segments the last is kept, because
// libjpeg-turbo uses the last one. ICC chunks are kept only as a complete set
// numbered 1 to N. The Orientation tag is read from the first EXIF segment
// before the first scan. It does not validate structure (walker.h) or verify
// its output (verify.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jpeg/policy.h"
#include "jpeg/scrub.h"
#include "jpeg/segments.h"
#include "jpeg/walker.h"
#include "jpeg/writer.h"

namespace exifscrub::jpeg {

class Cleaner : public WalkHandler {
 public:
  // Bound on the kept segments before the first scan, which are buffered to be
  // reordered: 255 full ICC chunks (16.7 MB) fit with room for the tables.
  static constexpr std::uint64_t kMaxHeaderBytes = 32ull << 20;

  Cleaner(const ScrubOptions& options, SegmentWriter::Sink sink);

  Status on_segment(const Segment& segment) override;
  Status on_scan_data(std::uint64_t offset, Bytes data) override;
  Status on_trailer(std::uint64_t offset, Bytes data) override;

  ScrubReport& report() { return report_; }
  const ScrubReport& report() const { return report_; }

  // True after on_segment() stopped at the first scan because Apply mode met
  // an orientation of 2-8, which only a whole-image transform can apply.
  bool requires_whole_image() const { return requires_whole_image_; }

 private:
  struct IccSegment {
    std::size_t info_index = 0;   // into report_.segments
    IccChunk chunk;
    std::vector<std::uint8_t> bytes;
  };

  SegmentInfo& record(const Segment& segment, std::string_view identifier,
                      PolicyDecision decision);
  void mark_dropped(std::size_t info_index, std::string_view reason);
  void read_frame_and_orientation(const Segment& segment, std::string_view identifier);
  Status keep_in_header(const Segment& segment, std::string_view identifier,
                        PolicyDecision decision);
  Status finish_header(const Segment& first_sos);
  void place_icc_chunks();
  Status check_orientation() const;

  ScrubOptions options_;
  SegmentWriter writer_;
  ScrubReport report_;
  bool scan_started_ = false;
  bool requires_whole_image_ = false;
  bool exif_seen_ = false;
  std::uint64_t exif_offset_ = 0;
  std::optional<std::size_t> jfif_index_, adobe_index_, sos_index_, trailer_index_;
  std::vector<IccSegment> icc_;
  std::uint64_t icc_bytes_ = 0;
};

}  // namespace exifscrub::jpeg
