// A streaming upload: the caller pushes chunks, the writer buffers at most
// one part (part_size bytes) and uploads full parts as they fill. Small
// objects go up in one PutObject; larger ones as a multipart upload that is
// aborted on every failure, so the destination never contains a partial object.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "s3/client.h"

namespace exifscrub::s3 {

class ObjectWriter {
 public:
  // Prefer Client::start_upload. client must outlive the writer.
  ObjectWriter(Client& client, std::string bucket, std::string key, PutOptions options,
               std::size_t part_size);
  // Aborts an upload that was neither finished nor aborted.
  ~ObjectWriter();
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  // Appends bytes; uploads a part whenever part_size bytes are buffered.
  // After an error the upload is aborted and every later call fails with it.
  Result<Done> write(std::span<const std::uint8_t> data);

  // Uploads what remains and completes the object: one PutObject when no
  // part was uploaded yet, else the last part and CompleteMultipartUpload.
  Result<PutResult> finish();

  // Abandons the upload and aborts a multipart upload in progress. Safe to
  // call more than once.
  void abort();

  // Parts uploaded so far (0 until the first full part).
  int parts_uploaded() const { return static_cast<int>(parts_.size()); }

 private:
  Result<Done> upload_buffer_as_part();
  Error fail(Error error);

  Client& client_;
  std::string bucket_;
  std::string key_;
  PutOptions options_;
  std::size_t part_size_;
  std::vector<std::uint8_t> buffer_;
  std::string upload_id_;  // empty until the first part is due
  std::vector<CompletedPart> parts_;
  std::optional<Error> failed_;
  bool done_ = false;
};

}  // namespace exifscrub::s3
