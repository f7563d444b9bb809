#include "pipeline/s3_processor.h"

#include <chrono>
#include <optional>
#include <utility>

#include "pipeline/object_key.h"
#include "pipeline/sequencer.h"

namespace exifscrub::pipeline {
namespace {

// Conditional PUTs per created event: the first, then at most two more, each
// after a HEAD, while the destination keeps changing under them. After that
// the event is reported as failed, so the event source retries it.
constexpr int kMaxWriteAttempts = 3;

ObjectOutcome make_outcome(Outcome outcome, std::string kind, std::string message) {
  ObjectOutcome result;
  result.outcome = outcome;
  result.error_kind = std::move(kind);
  result.message = std::move(message);
  return result;
}

ObjectOutcome from_error(const TransferError& error) {
  return make_outcome(error.outcome, error.kind, error.message);
}

std::string quoted(const std::string& etag) {
  if (etag.empty() || etag.front() == '"') return etag;
  return "\"" + etag + "\"";
}

std::string unquoted(const std::string& etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

// The state of the destination key before a write or delete.
struct DestinationState {
  bool exists = false;
  std::string etag;
  std::string sequencer;  // from our metadata; empty when written by something else
};

Result<DestinationState, TransferError> read_destination(s3::Client& client, const std::string& bucket,
                                                        const std::string& key) {
  auto head = client.head_object(bucket, key);
  if (!head.ok()) {
    if (head.error().kind == s3::ErrorKind::NoSuchKey) return DestinationState{};
    return classify_s3_error(head.error(), Side::Destination);
  }
  DestinationState state;
  state.exists = true;
  state.etag = head.value().etag;
  auto found = head.value().metadata.find(kSourceSequencerMetadata);
  if (found != head.value().metadata.end()) state.sequencer = found->second;
  return state;
}

// True when the destination already reflects this event or a later one.
bool destination_is_newer_or_same(const DestinationState& state, const std::string& event_sequencer) {
  if (!state.exists || state.sequencer.empty() || event_sequencer.empty()) return false;
  const auto order = compare_sequencers(event_sequencer, state.sequencer);
  return order && *order <= 0;
}

ObjectOutcome scrubbed_outcome(const TransferResult& result) {
  ObjectOutcome outcome = make_outcome(Outcome::Scrubbed, "", "");
  outcome.bytes_in = result.bytes_in;
  outcome.bytes_out = result.bytes_out;
  outcome.segments_removed = result.segments_removed;
  outcome.orientation_applied = result.orientation_applied;
  return outcome;
}

}  // namespace

S3Processor::S3Processor(s3::Client& client, ProcessorConfig config)
    : client_(client), config_(std::move(config)) {}

ObjectOutcome S3Processor::process(const ObjectEvent& event) {
  const auto started = std::chrono::steady_clock::now();
  ObjectOutcome outcome;
  if (event.bucket == config_.destination_bucket) {
    // Writing into the bucket that triggers us would loop forever.
    outcome = make_outcome(Outcome::Rejected, "recursion_guard",
                           "event for bucket '" + event.bucket +
                               "', which is the destination bucket; configure the trigger on the source bucket only");
  } else if (!is_jpeg_key(event.key)) {
    outcome = make_outcome(Outcome::Skipped, "", "key does not end in .jpg or .jpeg");
  } else if (event.action == EventAction::Removed) {
    outcome = process_removed(event);
  } else {
    outcome = process_created(event);
  }
  outcome.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return outcome;
}

TransferRequest S3Processor::transfer_request(const ObjectEvent& event) const {
  TransferRequest request;
  request.source = {event.bucket, event.key};
  request.destination = {config_.destination_bucket, event.key};
  request.source_if_match = quoted(event.etag);
  request.scrub = config_.scrub;
  request.limits = config_.limits;
  request.put.content_type = "image/jpeg";
  if (!event.etag.empty()) request.put.metadata[kSourceEtagMetadata] = unquoted(event.etag);
  if (!event.sequencer.empty()) request.put.metadata[kSourceSequencerMetadata] = event.sequencer;
  if (!event.version_id.empty() && event.version_id != "null") {
    request.put.metadata[kSourceVersionMetadata] = event.version_id;
  }
  return request;
}

// Writes first and reads the destination only after a 412, so a new key
// costs the GET and the PUT alone. Duplicate events and overwrites pay for
// it. A duplicate is fetched and scrubbed before its PUT fails, and an
// overwrite is fetched and scrubbed twice.
// NOTE: scrub_object does not return the scrubbed bytes, so the write after
// the HEAD repeats the GET and the scrub.
ObjectOutcome S3Processor::process_created(const ObjectEvent& event) {
  const TransferRequest base = transfer_request(event);
  // While no HEAD has run, this is empty and the write assumes the key is free.
  std::optional<DestinationState> destination;
  if (event.size == 0 || event.size > config_.limits.buffer_bytes) {
    auto state = read_destination(client_, config_.destination_bucket, event.key);
    if (!state.ok()) return from_error(state.error());
    destination = state.value();
  }

  for (int attempt = 1; attempt <= kMaxWriteAttempts; ++attempt) {
    if (destination && destination_is_newer_or_same(*destination, event.sequencer)) {
      return make_outcome(Outcome::Stale, "", "destination already holds the result of this or a later event");
    }
    TransferRequest request = base;
    if (destination && destination->exists) {
      // NOTE: Ceph RGW 16 compares If-Match on PUT with the ETag without its
      // quotes and fails a quoted one, so the ETag is sent bare. Whether AWS
      // S3 accepts a bare ETag for conditional writes is not verified here.
      request.put.if_match = unquoted(destination->etag);
    } else {
      request.put.if_none_match.emplace("*");
    }

    auto transferred = scrub_object(client_, request);
    if (transferred.ok()) return scrubbed_outcome(transferred.value());
    const TransferError& error = transferred.error();
    if (error.outcome != Outcome::Stale) return from_error(error);
    if (error.side == Side::Source) {
      return make_outcome(Outcome::Stale, "source_changed",
                          "source object changed since the event; the event for the newer version applies");
    }

    // The destination exists, or changed since the HEAD: read it again.
    auto state = read_destination(client_, config_.destination_bucket, event.key);
    if (!state.ok()) return from_error(state.error());
    destination = state.value();
    if (retry_hook_) retry_hook_();
  }
  if (destination && destination_is_newer_or_same(*destination, event.sequencer)) {
    return make_outcome(Outcome::Stale, "", "destination already holds the result of this or a later event");
  }
  return make_outcome(Outcome::Failed, "write_conflict",
                      "destination object kept changing during " + std::to_string(kMaxWriteAttempts) +
                          " attempts; the event is retried");
}

ObjectOutcome S3Processor::process_removed(const ObjectEvent& event) {
  auto destination = read_destination(client_, config_.destination_bucket, event.key);
  if (!destination.ok()) return from_error(destination.error());
  if (!destination.value().exists) return make_outcome(Outcome::Deleted, "", "destination object already absent");
  if (destination_is_newer_or_same(destination.value(), event.sequencer)) {
    return make_outcome(Outcome::Stale, "", "destination holds the result of a later upload");
  }
  auto deleted = client_.delete_object(config_.destination_bucket, event.key);
  if (!deleted.ok()) return from_error(classify_s3_error(deleted.error(), Side::Destination));
  return make_outcome(Outcome::Deleted, "", "");
}

}  // namespace exifscrub::pipeline
