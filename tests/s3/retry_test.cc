// Backoff delays and the retry decision, with a fixed seed.
#include <gtest/gtest.h>

#include "s3/retry.h"

namespace exifscrub::s3 {
namespace {

using std::chrono::milliseconds;

RetryPolicy policy() { return {5, milliseconds(100), milliseconds(1000), milliseconds(3000)}; }

Error retryable_error() { return make_error(ErrorKind::SlowDown, "SlowDown", "reduce your request rate"); }

TEST(Backoff, DelaysStayWithinTheExponentialCap) {
  Backoff backoff(policy(), 42);
  for (int round = 0; round < 200; ++round) {
    for (int attempt = 1; attempt <= 8; ++attempt) {
      const auto delay = backoff.delay_after(attempt);
      const auto cap = std::min<std::int64_t>(1000, 100LL << (attempt - 1));
      EXPECT_GE(delay.count(), 0);
      EXPECT_LE(delay.count(), cap) << "attempt " << attempt;
    }
  }
}

TEST(Backoff, JitterSpreadsDelays) {
  Backoff backoff(policy(), 7);
  std::int64_t low = 1000, high = 0;
  for (int i = 0; i < 200; ++i) {
    const auto delay = backoff.delay_after(4).count();  // cap 800 ms
    low = std::min(low, delay);
    high = std::max(high, delay);
  }
  EXPECT_LT(low, 100);
  EXPECT_GT(high, 700);
}

TEST(Backoff, SameSeedSameDelays) {
  Backoff first(policy(), 99);
  Backoff second(policy(), 99);
  for (int attempt = 1; attempt <= 6; ++attempt) {
    EXPECT_EQ(first.delay_after(attempt), second.delay_after(attempt));
  }
}

TEST(Backoff, LargeAttemptNumbersDoNotOverflow) {
  Backoff backoff(policy(), 1);
  EXPECT_LE(backoff.delay_after(1000).count(), 1000);
}

TEST(ShouldRetry, StopsAtMaxAttempts) {
  const Backoff backoff(policy(), 1);
  EXPECT_TRUE(backoff.should_retry(retryable_error(), 4, milliseconds(0), milliseconds(10)));
  EXPECT_FALSE(backoff.should_retry(retryable_error(), 5, milliseconds(0), milliseconds(10)));
}

TEST(ShouldRetry, StopsWhenTheTimeBudgetIsSpent) {
  const Backoff backoff(policy(), 1);
  EXPECT_TRUE(backoff.should_retry(retryable_error(), 1, milliseconds(2900), milliseconds(100)));
  EXPECT_FALSE(backoff.should_retry(retryable_error(), 1, milliseconds(2900), milliseconds(101)));
}

TEST(ShouldRetry, NeverRetriesNonRetryableErrors) {
  const Backoff backoff(policy(), 1);
  Error forbidden = error_from_response(403, "", "", "b/k");
  EXPECT_FALSE(backoff.should_retry(forbidden, 1, milliseconds(0), milliseconds(0)));
}

}  // namespace
}  // namespace exifscrub::s3
