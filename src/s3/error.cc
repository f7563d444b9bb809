// Classifies S3 failures. The code table follows the S3 API reference's
// list of error codes; codes not listed fall back to the HTTP status.
#include "s3/error.h"

#include <array>
#include <utility>

#include <pugixml.hpp>

namespace exifscrub::s3 {
namespace {

struct CodeKind {
  std::string_view code;
  ErrorKind kind;
};

constexpr std::array kCodeKinds{
    CodeKind{"NoSuchKey", ErrorKind::NoSuchKey},
    CodeKind{"NoSuchBucket", ErrorKind::NoSuchBucket},
    CodeKind{"AccessDenied", ErrorKind::AccessDenied},
    CodeKind{"InvalidAccessKeyId", ErrorKind::InvalidAccessKeyId},
    CodeKind{"SignatureDoesNotMatch", ErrorKind::SignatureDoesNotMatch},
    CodeKind{"PreconditionFailed", ErrorKind::PreconditionFailed},
    CodeKind{"ConditionalRequestConflict", ErrorKind::PreconditionFailed},
    CodeKind{"SlowDown", ErrorKind::SlowDown},
    CodeKind{"InternalError", ErrorKind::InternalError},
    CodeKind{"ServiceUnavailable", ErrorKind::ServiceUnavailable},
    CodeKind{"RequestTimeout", ErrorKind::RequestTimeout},
    CodeKind{"Throttling", ErrorKind::Throttling},
    CodeKind{"ThrottlingException", ErrorKind::Throttling},
    CodeKind{"ThrottledException", ErrorKind::Throttling},
    CodeKind{"RequestThrottled", ErrorKind::Throttling},
    CodeKind{"RequestLimitExceeded", ErrorKind::Throttling},
    CodeKind{"TooManyRequestsException", ErrorKind::Throttling},
    CodeKind{"BadDigest", ErrorKind::ChecksumMismatch},
    CodeKind{"InvalidDigest", ErrorKind::ChecksumMismatch},
    CodeKind{"XAmzContentSHA256Mismatch", ErrorKind::ChecksumMismatch},
};

constexpr std::array kKindNames{
    "NoSuchKey",      "NoSuchBucket",       "AccessDenied",     "InvalidAccessKeyId",
    "SignatureDoesNotMatch", "PreconditionFailed", "NotModified", "SlowDown",
    "InternalError",  "ServiceUnavailable", "RequestTimeout",   "Throttling",
    "ChecksumMismatch", "Network",          "Timeout",          "InvalidResponse",
    "InvalidConfiguration", "Aborted",      "Other",
};

ErrorKind kind_from_status(long http_status) {
  if (http_status == 304) return ErrorKind::NotModified;
  if (http_status == 404) return ErrorKind::NoSuchKey;
  if (http_status == 403) return ErrorKind::AccessDenied;
  if (http_status == 412) return ErrorKind::PreconditionFailed;
  if (http_status == 429) return ErrorKind::Throttling;
  if (http_status == 503) return ErrorKind::ServiceUnavailable;
  if (http_status >= 500) return ErrorKind::InternalError;
  return ErrorKind::Other;
}

// The fix to suggest for each kind; empty when there is nothing the user can do.
std::string_view fix_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NoSuchKey: return "check the key and that the object was not deleted";
    case ErrorKind::NoSuchBucket: return "check the bucket name and the region (AWS_REGION)";
    case ErrorKind::AccessDenied: return "grant the role or user s3 permissions on this bucket and key";
    case ErrorKind::InvalidAccessKeyId: return "check AWS_ACCESS_KEY_ID and the endpoint";
    case ErrorKind::SignatureDoesNotMatch: return "check AWS_SECRET_ACCESS_KEY and the region";
    case ErrorKind::PreconditionFailed: return "the object changed or already exists; fetch it again";
    case ErrorKind::ChecksumMismatch: return "the bytes were damaged in transit; retry the request";
    case ErrorKind::Network: return "check the endpoint URL and the network path to it";
    case ErrorKind::Timeout: return "check the network or raise the timeouts";
    case ErrorKind::InvalidConfiguration: return "fix the client configuration";
    case ErrorKind::SlowDown:
    case ErrorKind::Throttling:
    case ErrorKind::InternalError:
    case ErrorKind::ServiceUnavailable:
    case ErrorKind::RequestTimeout: return "the service is overloaded or failing; retry later";
    default: return {};
  }
}

}  // namespace

std::string_view kind_name(ErrorKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

ErrorKind kind_from_code(std::string_view code, long http_status) {
  for (const auto& entry : kCodeKinds) {
    if (entry.code == code) return entry.kind;
  }
  return kind_from_status(http_status);
}

bool is_retryable(ErrorKind kind, long http_status) {
  switch (kind) {
    case ErrorKind::SlowDown:
    case ErrorKind::InternalError:
    case ErrorKind::ServiceUnavailable:
    case ErrorKind::RequestTimeout:
    case ErrorKind::Throttling:
    case ErrorKind::Network:
    case ErrorKind::Timeout: return true;
    default: return http_status >= 500;
  }
}

Error make_error(ErrorKind kind, std::string code, std::string message, std::string resource) {
  Error error;
  error.kind = kind;
  error.code = std::move(code);
  error.message = std::move(message);
  error.resource = std::move(resource);
  error.retryable = is_retryable(kind, 0);
  return error;
}

Error error_from_response(long http_status, std::string_view body, std::string request_id,
                          std::string resource) {
  Error error;
  error.http_status = http_status;
  error.request_id = std::move(request_id);
  error.resource = std::move(resource);

  pugi::xml_document doc;
  if (!body.empty() && doc.load_buffer(body.data(), body.size())) {
    pugi::xml_node root = doc.child("Error");
    error.code = root.child_value("Code");
    error.message = root.child_value("Message");
    if (error.request_id.empty()) error.request_id = root.child_value("RequestId");
  }
  if (error.code.empty() && http_status == 304) error.code = "NotModified";
  error.kind = kind_from_code(error.code, http_status);
  if (error.code.empty()) error.code = std::string(kind_name(error.kind));
  if (error.message.empty()) error.message = "HTTP status " + std::to_string(http_status);
  error.retryable = is_retryable(error.kind, http_status);
  return error;
}

std::string Error::describe() const {
  std::string line = "S3 ";
  line += kind_name(kind);
  if (!resource.empty()) line += " on '" + resource + "'";
  if (http_status != 0) line += " (HTTP " + std::to_string(http_status) + ", " + code + ")";
  line += ": " + message;
  if (!request_id.empty()) line += " [request id " + request_id + "]";
  const std::string_view fix = fix_for(kind);
  if (!fix.empty()) {
    line += "; ";
    line += fix;
  }
  return line;
}

}  // namespace exifscrub::s3
