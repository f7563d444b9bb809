// Ordering of S3 events for one key by their sequencer.
//
// S3 documents the sequencer as a hexadecimal string whose greater value marks
// the later event for the same key; values may differ in length, and the
// documented comparison right-pads the shorter one with zeros before comparing
// lexicographically. Duplicate deliveries of one event carry equal sequencers.
// Sequencers of different keys are not comparable.
#pragma once

#include <compare>
#include <optional>
#include <string_view>

namespace exifscrub::pipeline {

// Compares two sequencers. Returns std::nullopt when either is empty or is
// not a hexadecimal string, in which case the caller cannot order the events.
std::optional<std::strong_ordering> compare_sequencers(std::string_view a, std::string_view b);

}  // namespace exifscrub::pipeline
