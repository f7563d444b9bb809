// The output writer: places the kept segments in the canonical order and
// hands the bytes to a sink.
//
// Segments before the first scan are buffered in groups and written, when the
// first scan starts, as SOI, JFIF, EXIF (orientation only), ICC chunks, Adobe,
// then the rest in input order. Decoders look for JFIF right after SOI and for
// ICC and Adobe before the frame, and a fixed order makes scrubbing idempotent.
// After that, bytes pass straight through. The writer does not decide what is
// kept (policy.h, cleaner.h) and does not verify (verify.h).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "jpeg/error.h"

namespace exifscrub::jpeg {

// Output position of a header segment, in output order.
enum class HeaderGroup { Soi, Jfif, Exif, Icc, Adobe, Body };

class SegmentWriter {
 public:
  // Receives output bytes in order; an error stops the writer.
  using Sink = std::function<Status(std::span<const std::uint8_t>)>;

  explicit SegmentWriter(Sink sink);

  // Buffers a segment (marker, length and payload) for the header. For Jfif,
  // Exif and Adobe a later call replaces the earlier segment; Icc and Body
  // segments accumulate in call order. Requires the header not to have been
  // flushed.
  void add_header(HeaderGroup group, std::span<const std::uint8_t> segment);
  // The same as add_header(HeaderGroup::Icc, segment), taking over the
  // buffer: ICC chunks are the largest header segments kept.
  void add_icc_chunk(std::vector<std::uint8_t> segment);

  // Writes the buffered header in output order, then frees it. Later calls do nothing.
  Status flush_header();

  // Writes bytes after the header, in order. Requires flush_header().
  Status write(std::span<const std::uint8_t> bytes);

  bool header_flushed() const { return flushed_; }

  // Bytes held in the header buffers.
  std::uint64_t header_bytes() const { return header_bytes_; }

 private:
  std::vector<std::uint8_t>& slot(HeaderGroup group);

  Sink sink_;
  bool flushed_ = false;
  std::uint64_t header_bytes_ = 0;
  std::vector<std::uint8_t> soi_, jfif_, exif_, adobe_, body_;
  std::vector<std::vector<std::uint8_t>> icc_;
};

}  // namespace exifscrub::jpeg
