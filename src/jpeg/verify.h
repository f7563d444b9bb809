// The release check: re-walks a scrubbed image with the same walker and
// accepts it only if every segment is on the output allowlist.
//
// The allowlist here is written apart from policy.h on purpose, so a mistake
// in the policy table or the copy loop shows up as VerificationFailed instead
// of leaking into an output. It checks the output's segments and their order,
// not the pixels: entropy-coded data is walked, never decoded.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "jpeg/error.h"
#include "jpeg/walker.h"

namespace exifscrub::jpeg {

// Verifies an output arriving in chunks; verify_clean() in scrub.h is this fed once.
// Every error has kind VerificationFailed, with the offset in the output.
class OutputVerifier {
 public:
  OutputVerifier();
  OutputVerifier(const OutputVerifier&) = delete;
  OutputVerifier& operator=(const OutputVerifier&) = delete;

  Status feed(std::span<const std::uint8_t> chunk);
  Status finish();

 private:
  class Checker : public WalkHandler {
   public:
    Status on_segment(const Segment& segment) override;
    Status on_scan_data(std::uint64_t offset, Bytes data) override;
    Status on_trailer(std::uint64_t offset, Bytes data) override;

   private:
    Status check_app(const Segment& segment);
    Status check_app_contents(const Segment& segment, int rank);
    Status check_icc_chunk(const Segment& segment);
    Status close_icc(const Segment& next);

    bool past_header_ = false;   // a non-APPn segment has been seen after SOI
    int last_rank_ = 0;          // output rank of the last APPn: JFIF 1, EXIF 2, ICC 3, Adobe 4
    int icc_seen_ = 0;
    int icc_count_ = 0;          // N declared by the first ICC chunk
  };

  Status as_verification_error(Status status) const;

  Checker checker_;
  Walker walker_;
};

}  // namespace exifscrub::jpeg
