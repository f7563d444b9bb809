// The library's front door: scrub a JPEG (remove every segment the policy does
// not keep), report what was kept and dropped, verify the result, and make
// images tagged with an EXIF orientation display upright.
//
// Two entry points share one engine: scrub() works on a whole buffer, and
// StreamScrubber takes chunks in and hands cleaned chunks out with bounded
// memory. For the same input and options they produce identical bytes, except
// that only scrub() can apply an orientation (the lossless rotation needs the
// whole image). The library has no AWS code, never logs and keeps no global state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "jpeg/error.h"
#include "jpeg/policy.h"

namespace exifscrub::jpeg {

enum class OrientationMode {
  Apply,    // rotate or flip losslessly so the image displays upright without the tag
  KeepTag,  // write a fresh EXIF segment holding only the Orientation tag
  Drop,     // drop the tag with the rest of EXIF; a rotated photo then displays sideways
};

struct ScrubOptions {
  OrientationMode orientation = OrientationMode::Apply;
  bool keep_icc = true;                              // keep the ICC colour profile
  std::uint64_t max_transform_pixels = 100'000'000;  // refuse to transform larger images (TooLarge)
};

// One segment of the input and what the scrubber did with it. The three texts
// come from fixed tables with static storage, never from the input, so a
// report costs no allocation per segment and outlives the scrubber.
struct SegmentInfo {
  std::uint64_t offset = 0;     // of the marker's 0xFF byte in the input
  std::uint8_t marker = 0;      // the marker code; 0 for the trailer
  std::uint64_t size = 0;       // all bytes incl. the marker; for SOS, incl. its scan data
  std::string_view name;        // "APP1", "SOF2", "SOS", "EOI", "trailer"...
  std::string_view identifier;  // "Exif", "JFIF", "ICC_PROFILE", "XMP", "Extended XMP", "MPF", ""...
  SegmentAction action = SegmentAction::Drop;
  std::string_view reason;      // why kept or dropped, from the policy table
};

struct ScrubReport {
  std::vector<SegmentInfo> segments;
  std::uint64_t bytes_in = 0, bytes_out = 0;
  std::uint32_t segments_removed = 0;       // segments with action Drop, the trailer included
  std::optional<int> orientation;           // EXIF Orientation found in the input (1-8), if any
  int orientation_applied = 0;              // 2-8 when a lossless transform was applied, else 0
  std::uint32_t trimmed_columns = 0, trimmed_rows = 0;  // pixels lost to partial-MCU trimming
  std::uint32_t width = 0, height = 0;      // of the output image
};

struct ScrubOutput {
  std::vector<std::uint8_t> jpeg;
  ScrubReport report;
};

// Scrubs a whole JPEG held in memory. The output contains SOI, then JFIF (if
// any), then the orientation EXIF segment (KeepTag only), then the ICC chunks,
// then Adobe, then the remaining kept segments and scans in input order, then
// EOI. With OrientationMode::Apply and an orientation of 2-8, the image is
// transformed losslessly (partial edge MCUs trimmed) and its ICC chunks are
// carried over.
//
// Returns a jpeg::Error when the walker rejects the input (see
// docs/jpeg-policy.md for each case), TooLarge or TransformFailed from the
// transform, or VerificationFailed when the output fails verify_clean(). No
// output exists on error.
Result<ScrubOutput> scrub(std::span<const std::uint8_t> input, const ScrubOptions& options);

// The second half of scrub(): given scrub(input, options') where options'
// is options with OrientationMode::Apply replaced by Drop, returns what
// scrub(input, options) returns, without needing the input. With Apply and an
// orientation of 2-8 in the report, the image is transformed and scrubbed
// again; otherwise `scrubbed` comes back unchanged. This lets a caller free
// the input before the transform, which needs the largest buffers.
//
// Errors as scrub(): TooLarge or TransformFailed from the transform,
// VerificationFailed when the output fails verify_clean().
Result<ScrubOutput> apply_orientation(ScrubOutput scrubbed, const ScrubOptions& options);

// Returns true when apply_orientation() would transform an image with this
// report: Apply mode and an orientation of 2-8.
bool needs_transform(const ScrubReport& report, const ScrubOptions& options);

// The same, passing the final image to sink in order instead of returning it,
// so that a rotated image never needs an output buffer. The transform's output
// goes through a StreamScrubber straight to the sink, and scrubbed.jpeg is
// freed while the transform reads it. Returns the report. As with
// StreamScrubber, everything the sink received must be discarded when an
// error comes back, and the last two bytes (EOI) reach it only on success.
Result<ScrubReport> apply_orientation(ScrubOutput scrubbed, const ScrubOptions& options,
                                      const std::function<void(std::span<const std::uint8_t>)>& sink);

// Walks the input and applies the policy as scrub() does, without producing
// output or transforming: the report lists every segment and its fate, the
// input's orientation and size. bytes_out is the size scrub() would produce
// without a transform. Rejects the same inputs as scrub() except that it
// never returns TooLarge or TransformFailed from the transform.
Result<ScrubReport> inspect(std::span<const std::uint8_t> input, const ScrubOptions& options);

// Re-walks a scrubbed image with the same walker, independently of the
// policy. The output must be one well-formed JPEG from SOI to EOI with
// nothing after it. It may contain only SOI, one JFIF without thumbnail, at
// most one EXIF segment with only the Orientation tag, a complete set of ICC
// chunks, one 12-byte Adobe segment, the decoding segments (SOFn, DHT, DQT,
// DAC, DRI, SOS, DNL) and EOI, with all APPn segments first and in that
// order. Any other content is an error of kind VerificationFailed naming the
// offset.
Status verify_clean(std::span<const std::uint8_t> output);

// Scrubs a JPEG arriving in chunks and hands cleaned chunks to a sink, with
// memory bounded by the segments before the first scan (at most 32 MiB) plus
// one segment, never by the scan data.
//
// Contract for the caller: the sink receives output before the input has been
// fully checked. When write() or finish() returns an error, everything the
// sink received must be discarded. The final two bytes (EOI) reach the sink
// only from a finish() that returns success, so output without EOI is never
// a finished image.
class StreamScrubber {
 public:
  using Sink = std::function<void(std::span<const std::uint8_t>)>;

  StreamScrubber(ScrubOptions options, Sink sink);
  ~StreamScrubber();
  StreamScrubber(StreamScrubber&&) noexcept;
  StreamScrubber& operator=(StreamScrubber&&) noexcept;

  // Walks the next chunk, of any size down to one byte, and passes on the
  // output it allows. After an error every call returns that error.
  Status write(std::span<const std::uint8_t> chunk);

  // Declares the end of input: checks that the input ended after EOI,
  // finishes the verification of the output and flushes the last bytes.
  Status finish();

  // True when Apply mode met an orientation of 2-8: the stream stops with an
  // error of kind UnsupportedFeature, before the sink received any byte, and
  // the caller must scrub() the whole buffer instead.
  bool requires_whole_image() const;

  // The report so far; complete after a successful finish().
  const ScrubReport& report() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace exifscrub::jpeg
