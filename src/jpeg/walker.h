// The strict marker walker: splits a JPEG byte stream into marker segments,
// entropy-coded scan data and the trailer after EOI, and rejects every
// structure it does not fully understand.
//
// It works incrementally: feed() takes chunks of any size, down to one byte,
// and hands complete segments and pieces of scan data to a WalkHandler as soon
// as they are known. Memory stays bounded: a segment is at most 65537 bytes and
// is buffered only when it straddles chunks; scan data and the trailer pass
// through as spans of the caller's chunks. The whole-buffer walk() is the same
// walker fed once, so both modes accept and reject exactly the same inputs.
//
// The walker decides what is valid, not what is kept: that is policy.h. It
// does not decode pixels or check that the entropy-coded data decodes; it only
// finds where each scan ends.
//
// NOTE: bytes placed inside a scan after its last MCU and before the next
// marker are indistinguishable from entropy-coded data without Huffman or
// arithmetic decoding, so they are copied with the scan. libjpeg-turbo
// reports such bytes only with the "extraneous bytes before marker" warning. The difficulty lies in the scan data, where 0xFF
// is either stuffed data (FF 00), a restart marker (RSTn), fill before a
// marker, or the start of the marker that ends the scan, and a chunk boundary
// may fall anywhere in such a run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "jpeg/error.h"
#include "jpeg/segments.h"

namespace exifscrub::jpeg {

// One marker with its segment, as it appears in the input.
struct Segment {
  std::uint64_t offset = 0;  // of the marker's 0xFF byte (fill bytes before it are not included)
  std::uint8_t code = 0;     // the marker code, 0xE1 for APP1
  Bytes bytes;               // the whole segment: marker, length field and payload; 2 bytes
                             // for standalone markers (SOI, EOI, RSTn, TEM). Valid only
                             // during the handler call.

  // The bytes after the length field; empty for standalone markers.
  Bytes payload() const { return bytes.size() > 4 ? bytes.subspan(4) : Bytes{}; }
};

// Receives what the walker finds, in input order. An error returned by any
// call stops the walk and is returned by feed() or finish().
class WalkHandler {
 public:
  virtual ~WalkHandler() = default;

  // A complete segment: SOI, EOI, a standalone RSTn or TEM between segments,
  // or a marker segment whose length and (for SOFn, SOS and the table
  // segments) contents the walker has checked.
  virtual Status on_segment(const Segment& segment) = 0;

  // A piece of the current scan's entropy-coded data, including stuffed bytes
  // (FF 00) and restart markers, excluding the fill bytes before the marker
  // that ends the scan. One scan's data may arrive in many pieces.
  virtual Status on_scan_data(std::uint64_t offset, Bytes data) = 0;

  // A piece of the bytes after EOI.
  virtual Status on_trailer(std::uint64_t offset, Bytes data) = 0;
};

class Walker {
 public:
  // Upper bound on segments per file. Each one costs a report entry, and real
  // photos contain a few dozen.
  static constexpr std::uint64_t kMaxSegments = 100'000;

  // Size at which the walker hands over a piece of scan data, so that the
  // handler finds the bytes still in the CPU's level 1 or 2 cache. A piece is
  // longer when a stuffed byte, a restart marker or a run of 0xFF straddles
  // the slice end, because the walker never splits those.
  static constexpr std::size_t kScanSlice = 16 * 1024;

  // The handler must outlive the walker.
  explicit Walker(WalkHandler& handler);

  // Walks the next chunk. After the first error every call returns that error.
  Status feed(Bytes chunk);

  // Declares the end of input: returns an error when the input ends anywhere
  // but after EOI (Truncated, BadSegmentLength for a segment longer than the
  // rest of the input, NotJpeg for an input shorter than SOI).
  Status finish();

  // The frame header, once the SOFn segment has been walked.
  const std::optional<FrameHeader>& frame() const { return frame_; }

  // Bytes walked so far.
  std::uint64_t offset() const { return offset_; }

 private:
  enum class State { Soi0, Soi1, MarkerStart, MarkerCode, Length0, Length1, Payload,
                     ScanData, Trailer, Failed };

  std::size_t step(Bytes chunk, std::size_t at);
  std::size_t step_soi(Bytes chunk, std::size_t at);
  std::size_t step_marker(Bytes chunk, std::size_t at);
  std::size_t step_length(Bytes chunk, std::size_t at);
  std::size_t step_payload(Bytes chunk, std::size_t at);
  std::size_t step_scan(Bytes chunk, std::size_t at);
  void begin_marker(std::uint8_t code, std::uint64_t offset);
  Status check_marker_code() const;
  Status finish_standalone();
  Status finish_segment(Bytes bytes);
  Status check_structure(const Segment& segment);
  Status emit_scan_data(Bytes data, std::uint64_t offset);
  Status emit_fill_as_data(std::uint64_t count);
  void fail(Error error);

  WalkHandler& handler_;
  State state_ = State::Soi0;
  std::optional<Error> error_;
  std::uint64_t offset_ = 0;       // absolute offset of the next byte
  std::uint64_t chunk_base_ = 0;   // absolute offset of the current chunk's first byte
  std::uint64_t segments_ = 0;

  std::uint8_t code_ = 0;              // current marker
  std::uint64_t marker_offset_ = 0;    // of its 0xFF byte
  std::uint32_t length_ = 0;           // declared length of the current segment
  std::vector<std::uint8_t> buffer_;   // a segment that straddles chunks

  std::uint8_t last_code_ = 0;          // the last complete segment, named in garbage errors
  std::uint64_t last_offset_ = 0;

  std::optional<FrameHeader> frame_;
  std::uint64_t frame_offset_ = 0;
  std::uint64_t scans_ = 0;
  std::uint64_t scan_offset_ = 0;      // of the current scan's SOS marker
  std::uint64_t pending_ff_ = 0;       // 0xFF bytes read in scan data whose meaning is not known yet
  std::uint64_t carried_ff_ = 0;       // of those, how many arrived in earlier chunks
};

// Walks a whole buffer: feed(input) then finish().
Status walk(Bytes input, WalkHandler& handler);

}  // namespace exifscrub::jpeg
