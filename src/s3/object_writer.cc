// Buffers exactly one part, so memory stays at part_size whatever the
// object size.
#include "s3/object_writer.h"

#include <algorithm>

namespace exifscrub::s3 {

ObjectWriter::ObjectWriter(Client& client, std::string bucket, std::string key,
                           PutOptions options, std::size_t part_size)
    : client_(client),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      options_(std::move(options)),
      part_size_(part_size) {
  buffer_.reserve(part_size_);
}

ObjectWriter::~ObjectWriter() {
  if (!done_) abort();
}

Error ObjectWriter::fail(Error error) {
  abort();
  failed_ = error;
  return error;
}

Result<Done> ObjectWriter::write(std::span<const std::uint8_t> data) {
  if (failed_) return *failed_;
  if (done_) {
    return make_error(ErrorKind::InvalidConfiguration, "WriterClosed",
                      "write after finish() or abort()", bucket_ + "/" + key_);
  }
  while (!data.empty()) {
    const std::size_t room = part_size_ - buffer_.size();
    const std::size_t take = std::min(room, data.size());
    buffer_.insert(buffer_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
    if (buffer_.size() == part_size_) {
      auto uploaded = upload_buffer_as_part();
      if (!uploaded) return uploaded;
    }
  }
  return Done{};
}

Result<Done> ObjectWriter::upload_buffer_as_part() {
  if (static_cast<int>(parts_.size()) >= kMaxParts) {
    return fail(make_error(ErrorKind::InvalidConfiguration, "TooManyParts",
                           "object needs more than 10000 parts; raise the part size",
                           bucket_ + "/" + key_));
  }
  if (upload_id_.empty()) {
    auto created = client_.create_multipart_upload(bucket_, key_, options_);
    if (!created) return fail(std::move(created).error());
    upload_id_ = std::move(created).value();
  }
  const int part_number = static_cast<int>(parts_.size()) + 1;
  auto etag = client_.upload_part(bucket_, key_, upload_id_, part_number, buffer_);
  if (!etag) return fail(std::move(etag).error());
  parts_.push_back({part_number, std::move(etag).value()});
  buffer_.clear();
  return Done{};
}

Result<PutResult> ObjectWriter::finish() {
  if (failed_) return *failed_;
  if (done_) {
    return make_error(ErrorKind::InvalidConfiguration, "WriterClosed",
                      "finish() after finish() or abort()", bucket_ + "/" + key_);
  }
  if (upload_id_.empty()) {
    done_ = true;
    auto put = client_.put_object(bucket_, key_, buffer_, options_);
    if (!put) failed_ = put.error();
    return put;
  }
  if (!buffer_.empty()) {
    auto uploaded = upload_buffer_as_part();
    if (!uploaded) return std::move(uploaded).error();
  }
  auto completed = client_.complete_multipart_upload(bucket_, key_, upload_id_, parts_, options_);
  if (!completed) return fail(std::move(completed).error());
  done_ = true;
  return completed;
}

void ObjectWriter::abort() {
  if (done_) return;
  done_ = true;
  if (!upload_id_.empty()) {
    // NOTE: an abort that fails (the service is down) leaves the parts until
    // a bucket lifecycle rule (AbortIncompleteMultipartUpload) removes them.
    (void)client_.abort_multipart_upload(bucket_, key_, upload_id_);
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
}

}  // namespace exifscrub::s3
