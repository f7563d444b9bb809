// Full jitter spreads the retries of many clients over the whole window,
// which is how S3 expects clients to react to SlowDown.
#include "s3/retry.h"

#include <algorithm>

namespace exifscrub::s3 {

Backoff::Backoff(RetryPolicy policy, std::uint64_t seed) : policy_(policy), random_(seed) {}

std::chrono::milliseconds Backoff::delay_after(int failed_attempt) {
  // Doubling stops at 2^20 so the shift cannot overflow; max_delay caps long before.
  const int doublings = std::clamp(failed_attempt - 1, 0, 20);
  const auto ceiling = std::min<std::int64_t>(policy_.max_delay.count(),
                                              policy_.base_delay.count() << doublings);
  std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(ceiling, 0));
  return std::chrono::milliseconds(pick(random_));
}

bool Backoff::should_retry(const Error& error, int failed_attempt,
                           std::chrono::milliseconds elapsed, std::chrono::milliseconds delay) const {
  if (!error.retryable) return false;
  if (failed_attempt >= policy_.max_attempts) return false;
  return elapsed + delay <= policy_.max_total;
}

}  // namespace exifscrub::s3
