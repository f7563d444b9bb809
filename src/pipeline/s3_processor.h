// The object processor behind the Lambda function: applies one S3 event to
// the destination bucket, idempotently and in event order.
//
// Created: scrub the source object into the destination under the same key.
// Removed: delete the destination object. Ordering uses the S3 sequencer,
// which the processor stores with every object it writes (user metadata
// "source-sequencer"); a duplicate or older event never overwrites a newer
// result. The source is read with If-Match on the event's ETag, so an event
// for a version that has since been replaced or deleted writes nothing.
//
// Every destination write is conditional, so a concurrent writer is
// detected. Objects that the whole-object path handles have an event size
// that is known and at most TransferLimits::buffer_bytes. For them the
// first PUT carries If-None-Match: *, so a new key (the common case) costs
// no request beyond the GET and the PUT. Only when that PUT fails
// with 412 does the processor HEAD the destination and compare sequencers,
// then skip or write again with If-Match on the ETag it read. Larger objects
// and events without a size HEAD the destination before the GET. A
// multipart upload is expensive to discard, some servers ignore conditions
// on CompleteMultipartUpload, and without a size the path is not known.
#pragma once

#include <functional>
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

  // Sets a function that runs after each HEAD that follows a failed
  // conditional write, before the processor acts on what the HEAD returned.
  // Tests use it to stage a concurrent writer; production code leaves it unset.
  void set_retry_hook(std::function<void()> hook) { retry_hook_ = std::move(hook); }

 private:
  ObjectOutcome process_created(const ObjectEvent& event);
  TransferRequest transfer_request(const ObjectEvent& event) const;
  ObjectOutcome process_removed(const ObjectEvent& event);

  s3::Client& client_;
  ProcessorConfig config_;
  std::function<void()> retry_hook_;
};

}  // namespace exifscrub::pipeline
