// scrub() and inspect(): the whole-buffer entry points. Both run the same
// StreamScrubber engine as streaming callers, so their bytes match; scrub()
// adds the lossless orientation transform, which needs the whole image.
#include "jpeg/scrub.h"

#include <algorithm>
#include <string>

#include "jpeg/markers.h"
#include "jpeg/segments.h"
#include "jpeg/transform.h"
#include "jpeg/walker.h"

namespace exifscrub::jpeg {

namespace {

// Runs the stream engine over a whole buffer. Apply mode must have been
// resolved by the caller, since the engine cannot transform.
Result<ScrubOutput> run_engine(std::span<const std::uint8_t> input, const ScrubOptions& options) {
  ScrubOutput output;
  output.jpeg.reserve(input.size());
  StreamScrubber scrubber(options, [&output](std::span<const std::uint8_t> bytes) {
    output.jpeg.insert(output.jpeg.end(), bytes.begin(), bytes.end());
  });
  if (Status written = scrubber.write(input); !written) return written.error();
  if (Status finished = scrubber.finish(); !finished) return finished.error();
  output.report = scrubber.report();
  return output;
}

// Collects the APP2 segments of a scrubbed image, which are its ICC chunks in order.
class IccCollector : public WalkHandler {
 public:
  Status on_segment(const Segment& segment) override {
    if (segment.code == marker::kApp2) chunks_.insert(chunks_.end(), segment.bytes.begin(), segment.bytes.end());
    return Done{};
  }
  Status on_scan_data(std::uint64_t, Bytes) override { return Done{}; }
  Status on_trailer(std::uint64_t, Bytes) override { return Done{}; }

  const std::vector<std::uint8_t>& chunks() const { return chunks_; }

 private:
  std::vector<std::uint8_t> chunks_;
};

// The transform's pixel limit, checked against the input's frame header so
// that the error names its offset in the input, not in the scrubbed copy.
Status check_transform_limit(const ScrubReport& report, const ScrubOptions& options) {
  const std::uint64_t pixels = std::uint64_t{report.width} * report.height;
  if (pixels <= options.max_transform_pixels) return Done{};
  for (const SegmentInfo& segment : report.segments) {
    if (!marker::is_sof(segment.marker)) continue;
    return segment_error(ErrorKind::TooLarge, segment.marker, segment.offset,
                         "image of " + std::to_string(report.width) + "x" + std::to_string(report.height) +
                             " (" + std::to_string(pixels) + " pixels) exceeds the transform limit of " +
                             std::to_string(options.max_transform_pixels) + " pixels");
  }
  return Done{};  // no frame header in the report: the transform checks it itself
}

// Rotates a scrubbed image upright and scrubs the result again on its way to
// sink, putting the ICC chunks back right after SOI: the transform's output
// contains only JFIF or Adobe. The transform frees the scrubbed image as it
// reads it, because the packed coefficients are the largest buffer.
Result<ScrubReport> transform_scrubbed_to(ScrubOutput scrubbed, const ScrubOptions& options,
                                          const StreamScrubber::Sink& sink) {
  const int orientation = *scrubbed.report.orientation;
  if (Status allowed = check_transform_limit(scrubbed.report, options); !allowed) return allowed.error();
  IccCollector icc;
  if (Status walked = walk(scrubbed.jpeg, icc); !walked) return walked.error();

  ScrubOptions second = options;
  second.orientation = OrientationMode::Drop;
  StreamScrubber rescrub(second, sink);
  std::size_t soi_left = 2;  // bytes of SOI not yet passed on
  Status rescrubbed = Done{};
  const TransformSink feed = [&](std::span<const std::uint8_t> bytes) {
    if (soi_left > 0) {
      const std::size_t take = std::min(soi_left, bytes.size());
      rescrubbed = rescrub.write(bytes.first(take));
      bytes = bytes.subspan(take);
      soi_left -= take;
      if (rescrubbed && soi_left == 0) rescrubbed = rescrub.write(icc.chunks());
    }
    if (rescrubbed && !bytes.empty()) rescrubbed = rescrub.write(bytes);
    return rescrubbed.ok();
  };
  Result<TransformResult> transformed =
      transform_to_upright(std::move(scrubbed.jpeg), orientation, options.max_transform_pixels, feed);
  if (!rescrubbed) return rescrubbed.error();
  if (!transformed) return transformed.error();
  if (Status finished = rescrub.finish(); !finished) return finished.error();

  ScrubReport report = std::move(scrubbed.report);
  report.bytes_out = rescrub.report().bytes_out;
  report.orientation_applied = orientation;
  report.width = transformed->width;
  report.height = transformed->height;
  report.trimmed_columns = transformed->trimmed_columns;
  report.trimmed_rows = transformed->trimmed_rows;
  return report;
}

}  // namespace

Result<ScrubOutput> scrub(std::span<const std::uint8_t> input, const ScrubOptions& options) {
  ScrubOptions first = options;
  if (first.orientation == OrientationMode::Apply) first.orientation = OrientationMode::Drop;
  Result<ScrubOutput> scrubbed = run_engine(input, first);
  if (!scrubbed) return scrubbed;

  return apply_orientation(std::move(scrubbed).value(), options);
}

bool needs_transform(const ScrubReport& report, const ScrubOptions& options) {
  const std::optional<int>& orientation = report.orientation;
  return options.orientation == OrientationMode::Apply && orientation && *orientation >= 2 &&
         *orientation <= 8;
}

Result<ScrubOutput> apply_orientation(ScrubOutput scrubbed, const ScrubOptions& options) {
  if (!needs_transform(scrubbed.report, options)) return scrubbed;
  std::vector<std::uint8_t> output;
  output.reserve(scrubbed.jpeg.size() + scrubbed.jpeg.size() / 16 + 4096);
  Result<ScrubReport> report =
      transform_scrubbed_to(std::move(scrubbed), options, [&output](std::span<const std::uint8_t> bytes) {
        output.insert(output.end(), bytes.begin(), bytes.end());
      });
  if (!report) return report.error();
  return ScrubOutput{std::move(output), std::move(report).value()};
}

Result<ScrubReport> apply_orientation(ScrubOutput scrubbed, const ScrubOptions& options,
                                      const StreamScrubber::Sink& sink) {
  if (!needs_transform(scrubbed.report, options)) {
    sink(scrubbed.jpeg);
    return std::move(scrubbed.report);
  }
  return transform_scrubbed_to(std::move(scrubbed), options, sink);
}

Result<ScrubReport> inspect(std::span<const std::uint8_t> input, const ScrubOptions& options) {
  ScrubOptions walk_only = options;
  if (walk_only.orientation == OrientationMode::Apply) walk_only.orientation = OrientationMode::Drop;
  ScrubReport report;
  StreamScrubber scrubber(walk_only, [](std::span<const std::uint8_t>) {});
  if (Status written = scrubber.write(input); !written) return written.error();
  if (Status finished = scrubber.finish(); !finished) return finished.error();
  return scrubber.report();
}

}  // namespace exifscrub::jpeg
