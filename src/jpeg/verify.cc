// The output allowlist; see verify.h for why it is kept apart from the policy.
#include "jpeg/verify.h"

#include <algorithm>
#include <string>
#include <vector>

#include "jpeg/exif.h"
#include "jpeg/markers.h"
#include "jpeg/scrub.h"
#include "jpeg/segments.h"

namespace exifscrub::jpeg {

namespace {

constexpr int kIccRank = 3;

Error rejected(const Segment& segment, std::string_view fact) {
  return segment_error(ErrorKind::VerificationFailed, segment.code, segment.offset, fact);
}

// Output rank of an APPn marker, or 0 when no APPn of that number may appear.
int app_rank(std::uint8_t code) {
  switch (code) {
    case marker::kApp0: return 1;
    case marker::kApp1: return 2;
    case marker::kApp2: return kIccRank;
    case marker::kApp14: return 4;
    default: return 0;
  }
}

}  // namespace

OutputVerifier::OutputVerifier() : walker_(checker_) {}

Status OutputVerifier::feed(std::span<const std::uint8_t> chunk) {
  return as_verification_error(walker_.feed(chunk));
}

Status OutputVerifier::finish() { return as_verification_error(walker_.finish()); }

Status OutputVerifier::as_verification_error(Status status) const {
  if (status || status.error().kind == ErrorKind::VerificationFailed) return status;
  const Error& error = status.error();
  return Error{ErrorKind::VerificationFailed, error.offset, error.marker,
               "output failed the re-walk: " + error.message};
}

Status OutputVerifier::Checker::on_segment(const Segment& segment) {
  const std::uint8_t code = segment.code;
  if (code == marker::kSoi) return Done{};
  if (marker::is_app(code)) {
    if (past_header_) return rejected(segment, "APPn segment after the frame tables");
    return check_app(segment);
  }

  const bool decoding = marker::is_non_differential_sof(code) || code == marker::kDht ||
                        code == marker::kDqt || code == marker::kDac || code == marker::kDri ||
                        code == marker::kSos || code == marker::kDnl || code == marker::kEoi;
  if (!decoding) return rejected(segment, "not allowed in a scrubbed image");
  if (!past_header_) {
    past_header_ = true;
    return close_icc(segment);
  }
  return Done{};
}

Status OutputVerifier::Checker::check_app(const Segment& segment) {
  const int rank = app_rank(segment.code);
  if (rank == 0) return rejected(segment, "not allowed in a scrubbed image");
  if (rank < last_rank_ || (rank == last_rank_ && rank != kIccRank)) {
    return rejected(segment, "out of order or repeated among the APPn segments");
  }
  last_rank_ = rank;
  return check_app_contents(segment, rank);
}

Status OutputVerifier::Checker::check_app_contents(const Segment& segment, int rank) {
  const Bytes payload = segment.payload();
  switch (rank) {
    case 1: {
      const std::optional<JfifHeader> jfif = parse_jfif(payload);
      if (!jfif || payload.size() != kJfifPayloadSize || jfif->thumbnail_width != 0 ||
          jfif->thumbnail_height != 0) {
        return rejected(segment, "not a 14-byte JFIF header without thumbnail");
      }
      return Done{};
    }
    case 2: {
      // Only the exact segment build_orientation_exif() writes is allowed.
      const std::optional<int> orientation = read_exif_orientation(payload);
      if (!orientation) return rejected(segment, "EXIF segment without a valid Orientation tag");
      const std::vector<std::uint8_t> expected = build_orientation_exif(*orientation);
      if (!std::equal(expected.begin(), expected.end(), segment.bytes.begin(),
                      segment.bytes.end())) {
        return rejected(segment, "EXIF segment holds more than the Orientation tag");
      }
      return Done{};
    }
    case kIccRank:
      return check_icc_chunk(segment);
    default:
      if (!is_adobe(payload) || payload.size() != kAdobePayloadSize) {
        return rejected(segment, "not a 12-byte Adobe segment");
      }
      return Done{};
  }
}

Status OutputVerifier::Checker::check_icc_chunk(const Segment& segment) {
  const std::optional<IccChunk> chunk = parse_icc_chunk(segment.payload());
  if (!chunk) return rejected(segment, "APP2 segment that is not an ICC_PROFILE chunk");
  if (icc_seen_ == 0) icc_count_ = chunk->count;
  ++icc_seen_;
  if (chunk->count != icc_count_ || chunk->sequence != icc_seen_ || icc_seen_ > icc_count_) {
    return rejected(segment, "ICC_PROFILE chunk " + std::to_string(chunk->sequence) + " of " +
                                 std::to_string(chunk->count) + " where chunk " +
                                 std::to_string(icc_seen_) + " was expected");
  }
  return Done{};
}

Status OutputVerifier::Checker::close_icc(const Segment& next) {
  if (icc_seen_ == icc_count_) return Done{};
  return rejected(next, "the ICC profile ends after chunk " + std::to_string(icc_seen_) + " of " +
                            std::to_string(icc_count_));
}

Status OutputVerifier::Checker::on_scan_data(std::uint64_t /*offset*/, Bytes /*data*/) {
  return Done{};
}

Status OutputVerifier::Checker::on_trailer(std::uint64_t offset, Bytes /*data*/) {
  return Error{ErrorKind::VerificationFailed, offset, std::nullopt,
               "data after EOI at offset " + std::to_string(offset)};
}

Status verify_clean(std::span<const std::uint8_t> output) {
  OutputVerifier verifier;
  if (Status fed = verifier.feed(output); !fed) return fed;
  return verifier.finish();
}

}  // namespace exifscrub::jpeg
