// StreamScrubber: the walker drives the cleaner. Every output byte goes
// through an OutputVerifier before it reaches the caller's sink, and the last
// two bytes are held back until the verification has finished.
#include <array>
#include <optional>

#include "jpeg/cleaner.h"
#include "jpeg/scrub.h"
#include "jpeg/verify.h"
#include "jpeg/walker.h"

namespace exifscrub::jpeg {

struct StreamScrubber::State {
  State(const ScrubOptions& options, Sink user_sink)
      : sink(std::move(user_sink)),
        cleaner(options, [this](std::span<const std::uint8_t> bytes) { return emit(bytes); }),
        walker(cleaner) {}

  Status emit(std::span<const std::uint8_t> bytes);
  void forward_held_back();
  Status fail(Status status);

  Sink sink;
  Cleaner cleaner;
  Walker walker;
  OutputVerifier verifier;
  std::optional<Error> error;
  // The newest output bytes, not yet passed on: EOI once the output is complete.
  std::array<std::uint8_t, 2> held_back{};
  std::size_t held_back_size = 0;
};

Status StreamScrubber::State::emit(std::span<const std::uint8_t> bytes) {
  if (Status verified = verifier.feed(bytes); !verified) return verified;
  cleaner.report().bytes_out += bytes.size();

  // Pass on everything but the newest two bytes of held_back + bytes.
  const std::size_t total = held_back_size + bytes.size();
  if (total <= held_back.size()) {
    std::copy(bytes.begin(), bytes.end(), held_back.begin() + static_cast<std::ptrdiff_t>(held_back_size));
    held_back_size = total;
    return Done{};
  }
  const std::size_t forward = total - held_back.size();
  const std::size_t from_held = std::min(forward, held_back_size);
  const std::size_t from_bytes = forward - from_held;
  if (from_held > 0) sink(std::span<const std::uint8_t>(held_back.data(), from_held));
  if (from_bytes > 0) sink(bytes.first(from_bytes));

  std::array<std::uint8_t, 2> next{};
  std::size_t next_size = 0;
  for (std::size_t i = from_held; i < held_back_size; ++i) next[next_size++] = held_back[i];
  for (std::size_t i = from_bytes; i < bytes.size(); ++i) next[next_size++] = bytes[i];
  held_back = next;
  held_back_size = next_size;
  return Done{};
}

void StreamScrubber::State::forward_held_back() {
  if (held_back_size > 0) sink(std::span<const std::uint8_t>(held_back.data(), held_back_size));
  held_back_size = 0;
}

Status StreamScrubber::State::fail(Status status) {
  if (!status) error = status.error();
  return status;
}

StreamScrubber::StreamScrubber(ScrubOptions options, Sink sink)
    : state_(std::make_unique<State>(options, std::move(sink))) {}

StreamScrubber::~StreamScrubber() = default;
StreamScrubber::StreamScrubber(StreamScrubber&&) noexcept = default;
StreamScrubber& StreamScrubber::operator=(StreamScrubber&&) noexcept = default;

Status StreamScrubber::write(std::span<const std::uint8_t> chunk) {
  if (state_->error) return *state_->error;
  Status fed = state_->walker.feed(chunk);
  state_->cleaner.report().bytes_in = state_->walker.offset();
  return state_->fail(std::move(fed));
}

Status StreamScrubber::finish() {
  if (state_->error) return *state_->error;
  if (Status walked = state_->walker.finish(); !walked) return state_->fail(std::move(walked));
  if (Status verified = state_->verifier.finish(); !verified) {
    return state_->fail(std::move(verified));
  }
  state_->forward_held_back();
  return Done{};
}

bool StreamScrubber::requires_whole_image() const { return state_->cleaner.requires_whole_image(); }

const ScrubReport& StreamScrubber::report() const { return state_->cleaner.report(); }

}  // namespace exifscrub::jpeg
