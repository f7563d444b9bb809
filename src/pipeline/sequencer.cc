#include "pipeline/sequencer.h"

#include <algorithm>
#include <cctype>

namespace exifscrub::pipeline {
namespace {

bool is_hex(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// Digit i of the sequencer after right-padding with '0', as a value 0-15.
int digit_at(std::string_view text, std::size_t i) {
  if (i >= text.size()) return 0;
  const auto c = static_cast<unsigned char>(text[i]);
  return std::isdigit(c) ? c - '0' : std::tolower(c) - 'a' + 10;
}

}  // namespace

std::optional<std::strong_ordering> compare_sequencers(std::string_view a, std::string_view b) {
  if (!is_hex(a) || !is_hex(b)) return std::nullopt;
  const std::size_t length = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < length; ++i) {
    const auto order = digit_at(a, i) <=> digit_at(b, i);
    if (order != 0) return order;
  }
  return std::strong_ordering::equal;
}

}  // namespace exifscrub::pipeline
