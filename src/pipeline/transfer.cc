#include "pipeline/transfer.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/object_writer.h"

namespace exifscrub::pipeline {
namespace {

// "NoSuchKey" -> "no_such_key", the form logs and metrics use.
std::string snake_case(std::string_view name) {
  std::string result;
  for (const char c : name) {
    if (c >= 'A' && c <= 'Z') {
      if (!result.empty()) result += '_';
      result += static_cast<char>(c - 'A' + 'a');
    } else {
      result += c;
    }
  }
  return result;
}

std::string describe_object(const ObjectRef& object) {
  return "s3://" + object.bucket + "/" + object.key;
}

TransferError too_large(const ObjectRef& object, std::uint64_t limit) {
  return {Outcome::Rejected, Side::Source, "too_large",
          describe_object(object) + ": object is larger than the limit of " + std::to_string(limit) +
              " bytes; raise the function's MAX_OBJECT_BYTES if objects of this size are expected"};
}

TransferError not_jpeg(const ObjectRef& object) {
  return {Outcome::Rejected, Side::Source, "not_jpeg",
          describe_object(object) +
              ": object does not start with the JPEG SOI marker FF D8 FF at offset 0; only JPEG "
              "images can be scrubbed"};
}

// Collects the source object: the first buffer_bytes in memory, then (when
// the object is larger) through the stream scrubber into a streaming upload.
// GET callbacks cannot return errors, so failures are parked here and the
// transfer is stopped by returning false.
class Fetcher {
 public:
  Fetcher(s3::Client& client, const TransferRequest& request)
      : client_(client), request_(request) {}

  Result<TransferResult, TransferError> run();

 private:
  bool on_data(std::span<const std::uint8_t> chunk);
  bool check_magic(std::span<const std::uint8_t> chunk);
  bool start_streaming();
  bool stream(std::span<const std::uint8_t> chunk);
  Result<TransferResult, TransferError> finish_buffered();
  Result<TransferResult, TransferError> finish_streamed();
  Result<TransferResult, TransferError> store(const jpeg::ScrubOutput& output);
  void reset();

  s3::Client& client_;
  const TransferRequest& request_;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t bytes_in_ = 0;
  bool whole_image_ = false;  // the stream scrubber asked for the whole image
  std::optional<TransferError> failure_;
  std::unique_ptr<jpeg::StreamScrubber> scrubber_;
  // The upload runs on its own client because its parts are sent from inside
  // the GET's data callback, and a libcurl easy handle cannot start a
  // transfer while its own is in progress (CURLE_FAILED_INIT).
  std::unique_ptr<s3::Client> upload_client_;
  std::unique_ptr<s3::ObjectWriter> writer_;
  std::optional<s3::Error> writer_error_;
  std::uint64_t bytes_out_ = 0;
};

void Fetcher::reset() {
  buffer_.clear();
  bytes_in_ = 0;
  failure_.reset();
  scrubber_.reset();
  if (writer_) writer_->abort();
  writer_.reset();
  upload_client_.reset();
  writer_error_.reset();
  bytes_out_ = 0;
}

bool Fetcher::check_magic(std::span<const std::uint8_t> chunk) {
  static constexpr std::uint8_t kMagic[] = {0xFF, 0xD8, 0xFF};
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    const std::uint64_t position = bytes_in_ + i;
    if (position >= std::size(kMagic)) break;
    if (chunk[i] != kMagic[position]) {
      failure_ = not_jpeg(request_.source);
      return false;
    }
  }
  return true;
}

bool Fetcher::on_data(std::span<const std::uint8_t> chunk) {
  if (!check_magic(chunk)) return false;
  bytes_in_ += chunk.size();
  if (bytes_in_ > request_.limits.max_object_bytes) {
    failure_ = too_large(request_.source, request_.limits.max_object_bytes);
    return false;
  }
  if (scrubber_) return stream(chunk);

  buffer_.insert(buffer_.end(), chunk.begin(), chunk.end());
  if (whole_image_ || bytes_in_ <= request_.limits.buffer_bytes) return true;
  return start_streaming();
}

// Switches a large object to the streaming path: the buffered prefix goes
// through the stream scrubber first, then every later chunk.
bool Fetcher::start_streaming() {
  upload_client_ = std::make_unique<s3::Client>(client_.config());
  upload_client_->set_trace_id(client_.trace_id());
  writer_ = upload_client_->start_upload(request_.destination.bucket, request_.destination.key,
                                         request_.put);
  scrubber_ = std::make_unique<jpeg::StreamScrubber>(
      request_.scrub, [this](std::span<const std::uint8_t> cleaned) {
        if (writer_error_) return;
        bytes_out_ += cleaned.size();
        auto written = writer_->write(cleaned);
        if (!written.ok()) writer_error_ = written.error();
      });
  const std::vector<std::uint8_t> prefix = std::move(buffer_);
  buffer_.clear();
  return stream(prefix);
}

bool Fetcher::stream(std::span<const std::uint8_t> chunk) {
  auto written = scrubber_->write(chunk);
  if (!written.ok()) {
    if (scrubber_->requires_whole_image()) {
      // Nothing reached the writer yet. run() fetches again, buffering all.
      whole_image_ = true;
      return false;
    }
    failure_ = classify_jpeg_error(written.error(), request_.source);
    return false;
  }
  if (writer_error_) {
    failure_ = classify_s3_error(*writer_error_, Side::Destination);
    return false;
  }
  return true;
}

Result<TransferResult, TransferError> Fetcher::run() {
  s3::GetOptions get;
  if (!request_.source_if_match.empty()) get.if_match = request_.source_if_match;
  const auto on_data_callback = [this](std::span<const std::uint8_t> chunk) { return on_data(chunk); };

  auto fetched = client_.get_object(request_.source.bucket, request_.source.key, on_data_callback, get);
  if (!fetched.ok() && whole_image_ && !failure_) {
    // A large image whose orientation needs the transform: fetch it again,
    // whole this time (still capped by max_object_bytes).
    reset();
    fetched = client_.get_object(request_.source.bucket, request_.source.key, on_data_callback, get);
  }
  if (!fetched.ok()) {
    if (writer_) writer_->abort();
    if (failure_) return *failure_;
    return classify_s3_error(fetched.error(), Side::Source);
  }
  if (bytes_in_ < 3) return not_jpeg(request_.source);
  return scrubber_ ? finish_streamed() : finish_buffered();
}

Result<TransferResult, TransferError> Fetcher::finish_buffered() {
  // Scrub without the orientation first, then release the object's bytes
  // before the lossless transform, which needs the most memory.
  jpeg::ScrubOptions without_transform = request_.scrub;
  if (without_transform.orientation == jpeg::OrientationMode::Apply) {
    without_transform.orientation = jpeg::OrientationMode::Drop;
  }
  auto scrubbed = jpeg::scrub(buffer_, without_transform);
  if (!scrubbed.ok()) return classify_jpeg_error(scrubbed.error(), request_.source);
  std::vector<std::uint8_t>().swap(buffer_);

  auto oriented = jpeg::apply_orientation(std::move(scrubbed).value(), request_.scrub);
  if (!oriented.ok()) return classify_jpeg_error(oriented.error(), request_.source);
  return store(oriented.value());
}

Result<TransferResult, TransferError> Fetcher::store(const jpeg::ScrubOutput& output) {
  auto put = client_.put_object(request_.destination.bucket, request_.destination.key,
                                output.jpeg, request_.put);
  if (!put.ok()) return classify_s3_error(put.error(), Side::Destination);

  const jpeg::ScrubReport& report = output.report;
  TransferResult result;
  result.bytes_in = bytes_in_;
  result.bytes_out = output.jpeg.size();
  result.segments_removed = report.segments_removed;
  result.orientation_applied = report.orientation_applied;
  result.trimmed_columns = report.trimmed_columns;
  result.trimmed_rows = report.trimmed_rows;
  result.destination_etag = put.value().etag;
  return result;
}

Result<TransferResult, TransferError> Fetcher::finish_streamed() {
  auto finished = scrubber_->finish();
  if (!finished.ok()) {
    writer_->abort();
    return classify_jpeg_error(finished.error(), request_.source);
  }
  if (writer_error_) {
    writer_->abort();
    return classify_s3_error(*writer_error_, Side::Destination);
  }
  auto completed = writer_->finish();
  if (!completed.ok()) return classify_s3_error(completed.error(), Side::Destination);

  const jpeg::ScrubReport& report = scrubber_->report();
  TransferResult result;
  result.bytes_in = bytes_in_;
  result.bytes_out = bytes_out_;
  result.segments_removed = report.segments_removed;
  result.destination_etag = completed.value().etag;
  return result;
}

}  // namespace

TransferError classify_s3_error(const s3::Error& error, Side side) {
  using s3::ErrorKind;
  TransferError result;
  result.side = side;
  result.kind = snake_case(s3::kind_name(error.kind));
  result.message = error.describe();

  switch (error.kind) {
    case ErrorKind::NoSuchKey:
    case ErrorKind::NoSuchBucket:
      // A missing source is permanent for this event. A missing destination
      // bucket is a deployment fault that retries can outlast.
      result.outcome = side == Side::Source ? Outcome::Missing : Outcome::Failed;
      break;
    case ErrorKind::PreconditionFailed:
      result.outcome = Outcome::Stale;
      break;
    default:
      // Anything else may heal (throttling, outages, a policy being fixed),
      // so the event source retries it and, after its retries, dead-letters it.
      result.outcome = Outcome::Failed;
      break;
  }
  return result;
}

TransferError classify_jpeg_error(const jpeg::Error& error, const ObjectRef& object) {
  return {Outcome::Rejected, Side::Source, std::string(jpeg::error_kind_name(error.kind)),
          describe_object(object) + ": " + error.describe()};
}

Result<TransferResult, TransferError> scrub_object(s3::Client& client, const TransferRequest& request) {
  Fetcher fetcher(client, request);
  return fetcher.run();
}

}  // namespace exifscrub::pipeline
