// The output writer; see writer.h for the order and why it is fixed.
#include "jpeg/writer.h"

namespace exifscrub::jpeg {

SegmentWriter::SegmentWriter(Sink sink) : sink_(std::move(sink)) {}

std::vector<std::uint8_t>& SegmentWriter::slot(HeaderGroup group) {
  switch (group) {
    case HeaderGroup::Soi: return soi_;
    case HeaderGroup::Jfif: return jfif_;
    case HeaderGroup::Exif: return exif_;
    case HeaderGroup::Adobe: return adobe_;
    case HeaderGroup::Icc:
    case HeaderGroup::Body: break;
  }
  return body_;
}

void SegmentWriter::add_header(HeaderGroup group, std::span<const std::uint8_t> segment) {
  header_bytes_ += segment.size();
  if (group == HeaderGroup::Icc) {
    icc_.emplace_back(segment.begin(), segment.end());
    return;
  }
  std::vector<std::uint8_t>& target = slot(group);
  if (group != HeaderGroup::Body) {
    header_bytes_ -= target.size();
    target.clear();
  }
  target.insert(target.end(), segment.begin(), segment.end());
}

void SegmentWriter::add_icc_chunk(std::vector<std::uint8_t> segment) {
  header_bytes_ += segment.size();
  icc_.push_back(std::move(segment));
}

Status SegmentWriter::flush_header() {
  if (flushed_) return Done{};
  flushed_ = true;

  for (const std::vector<std::uint8_t>* part : {&soi_, &jfif_, &exif_}) {
    if (Status sent = write(*part); !sent) return sent;
  }
  for (const std::vector<std::uint8_t>& chunk : icc_) {
    if (Status sent = write(chunk); !sent) return sent;
  }
  for (const std::vector<std::uint8_t>* part : {&adobe_, &body_}) {
    if (Status sent = write(*part); !sent) return sent;
  }

  // The header may be megabytes of ICC data; release it for the scan data.
  for (std::vector<std::uint8_t>* part : {&soi_, &jfif_, &exif_, &adobe_, &body_}) {
    std::vector<std::uint8_t>().swap(*part);
  }
  std::vector<std::vector<std::uint8_t>>().swap(icc_);
  header_bytes_ = 0;
  return Done{};
}

Status SegmentWriter::write(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return Done{};
  return sink_(bytes);
}

}  // namespace exifscrub::jpeg
