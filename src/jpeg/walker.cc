// The walker's state machine. Each step_* function consumes bytes of the
// current chunk for one state and returns the index of the first byte it did
// not consume; feed() loops until the chunk is used up or an error occurs.
#include "jpeg/walker.h"

#include <algorithm>
#include <array>
#include <string>

#include "jpeg/markers.h"
#include "jpeg/scan_search.h"

namespace exifscrub::jpeg {

namespace {

Error marker_error(ErrorKind kind, std::uint8_t code, std::uint64_t offset, std::string_view fact) {
  std::string message = std::string(marker::name(code)) + " marker at offset " + std::to_string(offset) + ": ";
  message += fact;
  return Error{kind, offset, code, std::move(message)};
}

bool is_differential(std::uint8_t code) {
  return marker::is_sof(code) && !marker::is_non_differential_sof(code);
}

bool is_reserved(std::uint8_t code) {
  return (code >= marker::kResFirst && code <= marker::kResLast) || code == marker::kJpg ||
         (code >= marker::kJpg0 && code <= marker::kJpg13 && code != marker::kSof55 &&
          code != marker::kLse);
}

}  // namespace

Walker::Walker(WalkHandler& handler) : handler_(handler) {}

Status Walker::feed(Bytes chunk) {
  chunk_base_ = offset_;
  std::size_t at = 0;
  while (at < chunk.size() && state_ != State::Failed) {
    at = step(chunk, at);
    offset_ = chunk_base_ + at;
  }
  if (error_) return *error_;
  return Done{};
}

std::size_t Walker::step(Bytes chunk, std::size_t at) {
  switch (state_) {
    case State::Soi0:
    case State::Soi1:
      return step_soi(chunk, at);
    case State::MarkerStart:
    case State::MarkerCode:
      return step_marker(chunk, at);
    case State::Length0:
    case State::Length1:
      return step_length(chunk, at);
    case State::Payload:
      return step_payload(chunk, at);
    case State::ScanData:
      return step_scan(chunk, at);
    case State::Trailer:
      if (Status sent = handler_.on_trailer(chunk_base_ + at, chunk.subspan(at)); !sent) {
        fail(sent.error());
      }
      return chunk.size();
    case State::Failed:
      break;
  }
  return chunk.size();
}

std::size_t Walker::step_soi(Bytes chunk, std::size_t at) {
  const std::uint8_t expected = state_ == State::Soi0 ? marker::kPrefix : marker::kSoi;
  if (chunk[at] != expected) {
    fail(Error{ErrorKind::NotJpeg, 0, std::nullopt,
               "input does not start with the SOI marker (FF D8)"});
    return at;
  }
  if (state_ == State::Soi0) {
    state_ = State::Soi1;
    return at + 1;
  }
  code_ = marker::kSoi;
  marker_offset_ = 0;
  if (Status done = finish_standalone(); !done) fail(done.error());
  return at + 1;
}

std::size_t Walker::step_marker(Bytes chunk, std::size_t at) {
  const std::uint8_t byte = chunk[at];
  const std::uint64_t offset = chunk_base_ + at;
  if (state_ == State::MarkerStart) {
    if (byte != marker::kPrefix) {
      fail(Error{ErrorKind::GarbageBetweenSegments, offset, std::nullopt,
                 "garbage at offset " + std::to_string(offset) + ": expected a marker after the " +
                     std::string(marker::name(last_code_)) + " segment at offset " +
                     std::to_string(last_offset_)});
      return at;
    }
    state_ = State::MarkerCode;
    return at + 1;
  }

  // Any number of 0xFF fill bytes may precede a marker code (T.81 B.1.1.2).
  if (byte == marker::kPrefix) return at + 1;
  if (byte == 0x00) {
    fail(Error{ErrorKind::GarbageBetweenSegments, offset - 1, std::nullopt,
               "garbage at offset " + std::to_string(offset - 1) +
                   ": FF 00 is not a marker; expected a marker after the " +
                   std::string(marker::name(last_code_)) + " segment at offset " +
                   std::to_string(last_offset_)});
    return at;
  }
  begin_marker(byte, offset - 1);
  return at + 1;
}

void Walker::begin_marker(std::uint8_t code, std::uint64_t offset) {
  code_ = code;
  marker_offset_ = offset;
  if (Status known = check_marker_code(); !known) {
    fail(known.error());
    return;
  }
  if (marker::is_standalone(code)) {
    if (Status done = finish_standalone(); !done) fail(done.error());
    return;
  }
  state_ = State::Length0;
}

// Rejects the codes that cannot be walked, before reading a length that
// reserved codes may not even have.
Status Walker::check_marker_code() const {
  if (code_ == marker::kSoi) {
    return marker_error(ErrorKind::UnexpectedMarker, code_, marker_offset_,
                        "a second start of image");
  }
  if (is_reserved(code_)) {
    return marker_error(ErrorKind::UnknownMarker, code_, marker_offset_,
                        "code " + marker::hex(code_) + " is reserved and has no defined meaning");
  }
  if (code_ == marker::kSof55 || code_ == marker::kLse) {
    return marker_error(ErrorKind::UnsupportedFeature, code_, marker_offset_,
                        "JPEG-LS (ITU-T T.87) is not supported");
  }
  if (is_differential(code_) || code_ == marker::kDhp || code_ == marker::kExp) {
    return marker_error(ErrorKind::UnsupportedFeature, code_, marker_offset_,
                        "hierarchical JPEG is not supported");
  }
  return Done{};
}

Status Walker::finish_standalone() {
  if (code_ == marker::kEoi && scans_ == 0) {
    return marker_error(ErrorKind::UnexpectedMarker, code_, marker_offset_,
                        "end of image before any scan");
  }
  if (++segments_ > kMaxSegments) {
    return marker_error(ErrorKind::TooLarge, code_, marker_offset_,
                        "the file holds more than " + std::to_string(kMaxSegments) + " segments");
  }
  const std::array<std::uint8_t, 2> bytes = {marker::kPrefix, code_};
  if (Status sent = handler_.on_segment(Segment{marker_offset_, code_, bytes}); !sent) return sent;

  last_code_ = code_;
  last_offset_ = marker_offset_;
  state_ = code_ == marker::kEoi ? State::Trailer : State::MarkerStart;
  return Done{};
}

std::size_t Walker::step_length(Bytes chunk, std::size_t at) {
  if (state_ == State::Length0) {
    length_ = static_cast<std::uint32_t>(chunk[at]) << 8;
    state_ = State::Length1;
    return at + 1;
  }
  length_ |= chunk[at];
  const std::size_t next = at + 1;
  if (length_ < 2) {
    fail(segment_error(ErrorKind::BadSegmentLength, code_, marker_offset_,
                       "declared length " + std::to_string(length_) +
                           " is below the minimum of 2"));
    return next;
  }

  // Common case: the whole segment lies in this chunk and needs no copy.
  const std::uint64_t size = 2 + std::uint64_t{length_};
  if (marker_offset_ >= chunk_base_ && marker_offset_ - chunk_base_ + size <= chunk.size()) {
    const auto start = static_cast<std::size_t>(marker_offset_ - chunk_base_);
    if (Status done = finish_segment(chunk.subspan(start, static_cast<std::size_t>(size))); !done) {
      fail(done.error());
    }
    return start + static_cast<std::size_t>(size);
  }
  buffer_.assign({marker::kPrefix, code_, static_cast<std::uint8_t>(length_ >> 8),
                  static_cast<std::uint8_t>(length_ & 0xFF)});
  state_ = State::Payload;
  return next;
}

std::size_t Walker::step_payload(Bytes chunk, std::size_t at) {
  const std::size_t size = 2 + std::size_t{length_};
  const std::size_t take = std::min(size - buffer_.size(), chunk.size() - at);
  buffer_.insert(buffer_.end(), chunk.begin() + static_cast<std::ptrdiff_t>(at),
                 chunk.begin() + static_cast<std::ptrdiff_t>(at + take));
  if (buffer_.size() == size) {
    Status done = finish_segment(buffer_);
    buffer_.clear();
    if (!done) fail(done.error());
  }
  return at + take;
}

Status Walker::finish_segment(Bytes bytes) {
  if (++segments_ > kMaxSegments) {
    return segment_error(ErrorKind::TooLarge, code_, marker_offset_,
                         "the file holds more than " + std::to_string(kMaxSegments) + " segments");
  }
  const Segment segment{marker_offset_, code_, bytes};
  if (Status valid = check_structure(segment); !valid) return valid;
  if (Status sent = handler_.on_segment(segment); !sent) return sent;

  last_code_ = code_;
  last_offset_ = marker_offset_;
  if (code_ == marker::kSos) {
    state_ = State::ScanData;
    scan_offset_ = marker_offset_;
    pending_ff_ = 0;
    carried_ff_ = 0;
  } else {
    state_ = State::MarkerStart;
  }
  return Done{};
}

// Checks a complete segment against the frame structure: one SOFn, SOS only
// after it, and the contents of every segment that the output may keep.
Status Walker::check_structure(const Segment& segment) {
  const Bytes payload = segment.payload();
  const std::uint8_t code = segment.code;
  if (marker::is_sof(code)) {
    if (frame_) {
      return marker_error(ErrorKind::UnexpectedMarker, code, segment.offset,
                          "a second frame header; the first is at offset " +
                              std::to_string(frame_offset_));
    }
    Result<FrameHeader> frame = parse_frame_header(code, segment.offset, payload);
    if (!frame) return frame.error();
    frame_ = std::move(frame).value();
    frame_offset_ = segment.offset;
    return Done{};
  }
  switch (code) {
    case marker::kSos: {
      if (!frame_) {
        return marker_error(ErrorKind::UnexpectedMarker, code, segment.offset,
                            "start of scan before the frame header (SOFn)");
      }
      Result<ScanHeader> scan = parse_scan_header(segment.offset, payload, *frame_);
      if (!scan) return scan.error();
      ++scans_;
      return Done{};
    }
    case marker::kDqt: return check_dqt(segment.offset, payload);
    case marker::kDht: return check_dht(segment.offset, payload);
    case marker::kDac: return check_dac(segment.offset, payload);
    case marker::kDri:
    case marker::kDnl: return check_two_byte_segment(code, segment.offset, payload);
    default: return Done{};  // APPn and COM: their contents are the policy's business
  }
}

std::size_t Walker::step_scan(Bytes chunk, std::size_t at) {
  std::size_t start = at;  // first byte of this chunk not yet handed to the handler
  std::size_t i = at;
  while (i < chunk.size()) {
    if (pending_ff_ == 0) {
      // Hand over long runs of data in slices, so that the handler reads
      // them while they are still in the CPU cache.
      if (i - start >= kScanSlice) {
        if (Status sent = emit_scan_data(chunk.subspan(start, i - start), chunk_base_ + start); !sent) {
          fail(sent.error());
          return i;
        }
        start = i;
      }
      const std::size_t window = std::min(chunk.size(), start + kScanSlice);
      const std::size_t found = find_scan_marker(chunk.first(window), i);
      if (found == window) {
        i = window;
        continue;
      }
      i = found + 1;
      pending_ff_ = 1;
      continue;
    }
    const std::uint8_t byte = chunk[i];
    if (byte == marker::kPrefix) {  // more fill, or more of a stuffed run
      ++pending_ff_;
      ++i;
      continue;
    }
    if (byte == 0x00 || marker::is_rst(byte)) {
      // Stuffed data or a restart marker: the 0xFF run belongs to the scan data.
      // libjpeg reads FF FF 00 as one data byte 0xFF, so the run is copied as is.
      if (carried_ff_ > 0) {
        if (Status sent = emit_fill_as_data(carried_ff_); !sent) {
          fail(sent.error());
          return i;
        }
      }
      pending_ff_ = 0;
      carried_ff_ = 0;
      ++i;
      continue;
    }

    // Any other marker ends the scan; the 0xFF run before it is fill and the
    // last 0xFF is the marker's prefix.
    const std::size_t run_in_chunk = static_cast<std::size_t>(pending_ff_ - carried_ff_);
    if (Status sent = emit_scan_data(chunk.subspan(start, i - run_in_chunk - start),
                                     chunk_base_ + start);
        !sent) {
      fail(sent.error());
      return i;
    }
    pending_ff_ = 0;
    carried_ff_ = 0;
    begin_marker(byte, chunk_base_ + i - 1);
    return i + 1;
  }

  // End of chunk: hand over what is known to be data and carry the 0xFF run.
  const std::size_t run_in_chunk = static_cast<std::size_t>(pending_ff_ - carried_ff_);
  if (Status sent = emit_scan_data(chunk.subspan(start, i - run_in_chunk - start),
                                   chunk_base_ + start);
      !sent) {
    fail(sent.error());
  }
  carried_ff_ = pending_ff_;
  return i;
}

Status Walker::emit_scan_data(Bytes data, std::uint64_t offset) {
  if (data.empty()) return Done{};
  return handler_.on_scan_data(offset, data);
}

// Hands over 0xFF bytes that arrived in earlier chunks and turned out to be
// scan data; they are all 0xFF, so they come from a constant block.
Status Walker::emit_fill_as_data(std::uint64_t count) {
  static constexpr std::array<std::uint8_t, 256> kFf = [] {
    std::array<std::uint8_t, 256> block{};
    block.fill(0xFF);
    return block;
  }();
  // The carried run started count bytes before this chunk.
  std::uint64_t offset = chunk_base_ - count;
  while (count > 0) {
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(count, kFf.size()));
    if (Status sent = handler_.on_scan_data(offset, Bytes(kFf.data(), take)); !sent) return sent;
    count -= take;
    offset += take;
  }
  return Done{};
}

Status Walker::finish() {
  if (error_) return *error_;
  const std::string at = std::to_string(offset_);
  switch (state_) {
    case State::Soi0:
    case State::Soi1:
      return Error{ErrorKind::NotJpeg, 0, std::nullopt,
                   offset_ == 0 ? "input is empty"
                                : "input is 1 byte long, shorter than the SOI marker"};
    case State::MarkerStart:
      return Error{ErrorKind::Truncated, offset_, std::nullopt,
                   "input ends at offset " + at + " before the EOI marker"};
    case State::MarkerCode:
      return Error{ErrorKind::Truncated, offset_, std::nullopt,
                   "input ends at offset " + at + " inside a marker"};
    case State::Length0:
    case State::Length1:
      return segment_error(ErrorKind::Truncated, code_, marker_offset_,
                           "input ends inside the length field");
    case State::Payload:
      return segment_error(ErrorKind::BadSegmentLength, code_, marker_offset_,
                           "declared length " + std::to_string(length_) + " exceeds the " +
                               std::to_string(offset_ - marker_offset_ - 2) +
                               " bytes remaining");
    case State::ScanData:
      return segment_error(ErrorKind::Truncated, marker::kSos, scan_offset_,
                           "input ends at offset " + at +
                               " inside the scan data, before the EOI marker");
    case State::Trailer:
      return Done{};
    case State::Failed:
      break;
  }
  return *error_;
}

void Walker::fail(Error error) {
  error_ = std::move(error);
  state_ = State::Failed;
}

Status walk(Bytes input, WalkHandler& handler) {
  Walker walker(handler);
  if (Status fed = walker.feed(input); !fed) return fed;
  return walker.finish();
}

}  // namespace exifscrub::jpeg
