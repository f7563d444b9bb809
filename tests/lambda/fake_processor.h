// Test doubles for the lambda tests: a processor that records the events it
// receives and returns scripted outcomes, and a clock the tests move by hand.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/object_event.h"

namespace exifscrub::lambda::testing {

class ManualClock {
 public:
  std::chrono::system_clock::time_point now() const { return now_; }
  void advance(std::chrono::milliseconds step) { now_ += step; }

 private:
  std::chrono::system_clock::time_point now_{std::chrono::milliseconds(1'800'000'000'000)};
};

class FakeProcessor : public pipeline::ObjectProcessor {
 public:
  // Each call advances clock by step (when set) and sleeps for sleep, so
  // tests can drive the deadline either way.
  explicit FakeProcessor(ManualClock* clock = nullptr, std::chrono::milliseconds step = {},
                         std::chrono::milliseconds sleep = {})
      : clock_(clock), step_(step), sleep_(sleep) {}

  // Makes key produce outcome; keys without a script are scrubbed.
  void script(const std::string& key, pipeline::ObjectOutcome outcome) { scripted_[key] = std::move(outcome); }

  pipeline::ObjectOutcome process(const pipeline::ObjectEvent& event) override {
    if (clock_ != nullptr) clock_->advance(step_);
    if (sleep_.count() > 0) std::this_thread::sleep_for(sleep_);
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    auto it = scripted_.find(event.key);
    if (it != scripted_.end()) return it->second;
    pipeline::ObjectOutcome outcome;
    outcome.outcome = pipeline::Outcome::Scrubbed;
    outcome.bytes_in = 1000;
    outcome.bytes_out = 600;
    outcome.segments_removed = 3;
    outcome.duration = std::chrono::milliseconds(12);
    return outcome;
  }

  std::vector<pipeline::ObjectEvent> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  ManualClock* clock_;
  std::chrono::milliseconds step_;
  std::chrono::milliseconds sleep_;
  std::map<std::string, pipeline::ObjectOutcome> scripted_;
  mutable std::mutex mutex_;
  std::vector<pipeline::ObjectEvent> events_;
};

}  // namespace exifscrub::lambda::testing
