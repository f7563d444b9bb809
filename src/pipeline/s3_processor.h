// The object processor behind the Lambda function: applies one S3 event to
// the destination bucket, idempotently and in event order.
//
// Created: scrub the source object into the destination under the same key.
// Removed: delete the destination object. Ordering uses the S3 sequencer,
// which the processor stores with every object it writes (user metadata
// "source-sequencer"); a duplicate or older event never overwrites a newer
// result. The source is read with If-Match on the event's ETag, so an event
// for a version that has since been replaced or deleted writes nothing.
// Destination writes are conditional (If-Match on the ETag seen by HEAD, or
// If-None-Match: * when there was none), so a concurrent writer is detected.
#pragma once

#include <string>

#include "jpeg/scrub.h"
#include "pipeline/object_event.h"
#include "pipeline/transfer.h"
#include "s3/client.h"

namespace exifscrub::pipeline {

struct ProcessorConfig {
  std::string destination_bucket;
  jpeg::ScrubOptions scrub;
  TransferLimits limits;
};

// User metadata names on destination objects (sent as x-amz-meta-<name>).
inline constexpr const char* kSourceEtagMetadata = "source-etag";
inline constexpr const char* kSourceSequencerMetadata = "source-sequencer";
inline constexpr const char* kSourceVersionMetadata = "source-version-id";

class S3Processor final : public ObjectProcessor {
 public:
  // client must outlive the processor; it is used from one thread.
  S3Processor(s3::Client& client, ProcessorConfig config);

  ObjectOutcome process(const ObjectEvent& event) override;

 private:
  ObjectOutcome process_created(const ObjectEvent& event);
  ObjectOutcome process_removed(const ObjectEvent& event);

  s3::Client& client_;
  ProcessorConfig config_;
};

}  // namespace exifscrub::pipeline
