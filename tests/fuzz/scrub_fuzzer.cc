// libFuzzer target: scrubs arbitrary bytes and checks the library's
// invariants. Any crash, sanitizer report or failed invariant aborts.
//
// Invariants: an accepted input yields output that passes verify_clean(),
// scrubs again to the same bytes, and equals the stream scrubber's output in
// several chunk sizes. The stream rejects a rejected input with the same
// error, and inspect() predicts scrub()'s output size. Apply mode is left out
// because the transform belongs to libjpeg-turbo and is tested on its own.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "jpeg/scrub.h"

namespace {

using exifscrub::jpeg::Error;
using exifscrub::jpeg::OrientationMode;
using exifscrub::jpeg::ScrubOptions;

void require(bool condition, const char* invariant) {
  if (condition) return;
  std::fprintf(stderr, "invariant failed: %s\n", invariant);
  std::abort();
}

struct StreamOutcome {
  bool ok = false;
  std::vector<std::uint8_t> output;
  Error error{exifscrub::jpeg::ErrorKind::NotJpeg, 0, std::nullopt, ""};
};

StreamOutcome stream(std::span<const std::uint8_t> input, std::size_t chunk_size,
                     const ScrubOptions& options) {
  StreamOutcome outcome;
  exifscrub::jpeg::StreamScrubber scrubber(options, [&outcome](std::span<const std::uint8_t> bytes) {
    outcome.output.insert(outcome.output.end(), bytes.begin(), bytes.end());
  });
  for (std::size_t at = 0; at < input.size(); at += chunk_size) {
    const std::size_t size = std::min(chunk_size, input.size() - at);
    if (auto written = scrubber.write(input.subspan(at, size)); !written) {
      outcome.error = written.error();
      return outcome;
    }
  }
  if (auto finished = scrubber.finish(); !finished) {
    outcome.error = finished.error();
    return outcome;
  }
  outcome.ok = true;
  return outcome;
}

void check(std::span<const std::uint8_t> input, const ScrubOptions& options) {
  auto scrubbed = exifscrub::jpeg::scrub(input, options);
  const std::size_t chunk_sizes[] = {1, 7, 4096};

  if (!scrubbed) {
    require(scrubbed.error().kind != exifscrub::jpeg::ErrorKind::VerificationFailed,
            "the policy never produces output that fails verification");
    for (std::size_t size : chunk_sizes) {
      const StreamOutcome streamed = stream(input, size, options);
      require(!streamed.ok, "stream rejects what scrub() rejects");
      require(streamed.error.kind == scrubbed.error().kind, "same error kind in stream");
      require(streamed.error.offset == scrubbed.error().offset, "same error offset in stream");
      require(streamed.error.message == scrubbed.error().message, "same message in stream");
    }
    return;
  }

  const std::vector<std::uint8_t>& output = scrubbed->jpeg;
  require(static_cast<bool>(exifscrub::jpeg::verify_clean(output)), "output passes verify_clean");
  require(scrubbed->report.bytes_out == output.size(), "bytes_out is the output size");

  auto again = exifscrub::jpeg::scrub(output, options);
  require(static_cast<bool>(again), "output scrubs again");
  require(again->jpeg == output, "scrubbing is idempotent");

  for (std::size_t size : chunk_sizes) {
    const StreamOutcome streamed = stream(input, size, options);
    require(streamed.ok, "stream accepts what scrub() accepts");
    require(streamed.output == output, "stream output equals scrub() output");
  }

  auto inspected = exifscrub::jpeg::inspect(input, options);
  require(static_cast<bool>(inspected), "inspect accepts what scrub() accepts");
  require(inspected->bytes_out == output.size(), "inspect predicts the output size");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  ScrubOptions options;
  options.orientation = OrientationMode::Drop;
  check(input, options);

  options.orientation = OrientationMode::KeepTag;
  options.keep_icc = size % 2 == 0;
  check(input, options);
  return 0;
}
