// One object through the scrubber: fetch from S3, check, scrub, verify, store.
// Shared by the Lambda processor and the CLI's s3:// mode, so both write the
// same bytes for the same object and options as the local-file path does.
//
// Memory stays bounded. Objects up to TransferLimits::buffer_bytes are held
// whole, and larger ones stream through jpeg::StreamScrubber into a multipart
// upload. The exception is an image whose EXIF orientation needs the lossless
// transform: the transform needs the whole image, so up to max_object_bytes
// is held.
//
// Does not decide whether an event is stale or which key to write: callers do.
#pragma once

#include <cstdint>
#include <string>

#include "jpeg/scrub.h"
#include "pipeline/object_event.h"
#include "s3/client.h"
#include "support/result.h"

namespace exifscrub::pipeline {

struct TransferLimits {
  std::uint64_t max_object_bytes = 100ULL * 1024 * 1024;  // larger objects are rejected
  std::uint64_t buffer_bytes = 16ULL * 1024 * 1024;       // larger objects are streamed
};

struct ObjectRef {
  std::string bucket;
  std::string key;
};

struct TransferResult {
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint32_t segments_removed = 0;
  int orientation_applied = 0;
  std::uint32_t trimmed_columns = 0;
  std::uint32_t trimmed_rows = 0;
  std::string destination_etag;
};

// The reason a transfer stored nothing. outcome is Rejected, Missing, Stale
// (the source changed since the event, so If-Match failed) or Failed
// (transient).
enum class Side { Source, Destination };

struct TransferError {
  Outcome outcome = Outcome::Failed;
  Side side = Side::Source;  // which object the failing call was about
  std::string kind;     // stable snake_case ("not_jpeg", "too_large", "no_such_key")
  std::string message;  // one line, names the object; never metadata values
};

struct TransferRequest {
  ObjectRef source;
  ObjectRef destination;
  std::string source_if_match;   // ETag the source must still have; empty for any
  s3::PutOptions put;            // content type, metadata and conditions for the destination
  jpeg::ScrubOptions scrub;
  TransferLimits limits;
};

// Scrubs request.source into request.destination. On any failure nothing is
// left at the destination: a single PUT is never sent, a multipart upload is
// aborted.
Result<TransferResult, TransferError> scrub_object(s3::Client& client, const TransferRequest& request);

// Classifies an S3 error: NoSuchKey and NoSuchBucket are Missing,
// PreconditionFailed is Stale (a conditional request lost to a newer write),
// everything else is Failed, so the event source retries it.
TransferError classify_s3_error(const s3::Error& error, Side side);

// A JPEG rejection as a permanent failure naming the object.
TransferError classify_jpeg_error(const jpeg::Error& error, const ObjectRef& object);

}  // namespace exifscrub::pipeline
