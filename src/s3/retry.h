// Retry policy for S3 requests: exponential backoff with full jitter
// (delay drawn uniformly from [0, min(max_delay, base_delay * 2^(n-1))]),
// bounded by an attempt count and a total time budget. Decides and computes
// delays only; the client does the waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "s3/error.h"

namespace exifscrub::s3 {

struct RetryPolicy {
  int max_attempts = 5;                        // attempts in total, including the first
  std::chrono::milliseconds base_delay{100};   // cap of the first delay
  std::chrono::milliseconds max_delay{5000};   // cap of any one delay
  std::chrono::milliseconds max_total{30000};  // no retry starts after this much time
};

// One retry about to happen, for the caller's log.
struct RetryEvent {
  std::string operation;  // "PutObject", "UploadPart", ...
  std::string resource;   // "bucket/key"
  int failed_attempt = 0; // 1-based number of the attempt that failed
  Error error;            // why it failed
  std::chrono::milliseconds delay{0};  // wait before the next attempt
};

class Backoff {
 public:
  // seed makes the jitter reproducible in tests; the client seeds from
  // std::random_device.
  Backoff(RetryPolicy policy, std::uint64_t seed);

  // Returns the delay to wait after attempt number failed_attempt (1-based).
  std::chrono::milliseconds delay_after(int failed_attempt);

  // Returns whether another attempt may start: the error is retryable,
  // attempts remain, and elapsed + delay stays within max_total.
  bool should_retry(const Error& error, int failed_attempt, std::chrono::milliseconds elapsed,
                    std::chrono::milliseconds delay) const;

  const RetryPolicy& policy() const { return policy_; }

 private:
  RetryPolicy policy_;
  std::mt19937_64 random_;
};

}  // namespace exifscrub::s3
