// The S3 client's error vocabulary: one typed Error for HTTP failures, S3
// error documents, transport faults and configuration problems.
// Does not decide retry timing (see retry.h); it only classifies.
#pragma once

#include <string>
#include <string_view>

#include "support/result.h"

namespace exifscrub::s3 {

enum class ErrorKind {
  NoSuchKey,              // also a HEAD 404, which carries no body
  NoSuchBucket,
  AccessDenied,
  InvalidAccessKeyId,
  SignatureDoesNotMatch,
  PreconditionFailed,     // 412, or 409 ConditionalRequestConflict
  NotModified,            // 304 on a conditional GET or HEAD
  SlowDown,
  InternalError,
  ServiceUnavailable,
  RequestTimeout,
  Throttling,
  ChecksumMismatch,       // BadDigest, XAmzContentSHA256Mismatch, or a local check
  Network,                // connection refused, reset, truncated transfer
  Timeout,                // connect or low-speed timeout
  InvalidResponse,        // a reply the client cannot parse
  InvalidConfiguration,   // missing credentials, bad endpoint, bad argument
  Aborted,                // the caller's callback stopped the transfer
  Other,
};

// The kind's name as used in logs ("NoSuchKey").
std::string_view kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::Other;
  long http_status = 0;       // 0 when no HTTP response arrived
  std::string code;           // the S3 <Code>, or a transport code such as "CURLE_RECV_ERROR"
  std::string message;        // S3 <Message> or a description of the local failure
  std::string request_id;     // x-amz-request-id or <RequestId>; empty when absent
  std::string resource;       // "bucket/key" the request was about
  bool retryable = false;     // whether sending the same request again may succeed

  // Formats one line for users: what failed, on which object, and the fix.
  // Never contains credentials or object bytes.
  std::string describe() const;
};

template <typename T>
using Result = exifscrub::Result<T, Error>;

// Builds an Error from an HTTP status and an S3 error document (which may be
// empty, as on HEAD). Unknown codes map by status: 5xx InternalError or
// ServiceUnavailable, 404 NoSuchKey, 403 AccessDenied, else Other.
Error error_from_response(long http_status, std::string_view body, std::string request_id,
                          std::string resource);

// Maps an S3 error code ("SlowDown") and status to a kind.
ErrorKind kind_from_code(std::string_view code, long http_status);

// Whether a kind is worth retrying: 5xx, SlowDown, throttling, RequestTimeout,
// network faults and timeouts. Never other 4xx.
bool is_retryable(ErrorKind kind, long http_status);

// Builds a local (non-HTTP) error.
Error make_error(ErrorKind kind, std::string code, std::string message, std::string resource = {});

}  // namespace exifscrub::s3
