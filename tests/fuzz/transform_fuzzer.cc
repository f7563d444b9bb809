// libFuzzer target for the lossless transform (transform_to_upright): our own
// coefficient storage and block mapping on top of libjpeg, fed arbitrary
// bytes. Any crash, sanitizer report or failed invariant aborts.
//
// The orientation (2-8) comes from the input's size, so every seed is tried
// with each operation as the fuzzer grows or shrinks it. Invariants for an
// accepted input: the output is one JPEG that the strict walker accepts, and
// transforming it with orientation 1 keeps its dimensions.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "jpeg/scrub.h"
#include "jpeg/transform.h"

namespace {

// Small images only, so each run stays fast; larger ones are TooLarge.
constexpr std::uint64_t kMaxPixels = 1 << 20;

void require(bool condition, const char* invariant) {
  if (condition) return;
  std::fprintf(stderr, "invariant failed: %s\n", invariant);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  const int orientation = 2 + static_cast<int>(size % 7);
  auto transformed = exifscrub::jpeg::transform_to_upright(input, orientation, kMaxPixels);
  if (!transformed) return 0;

  const auto& output = transformed->jpeg;
  require(output.size() >= 4 && output[0] == 0xFF && output[1] == 0xD8, "output starts with SOI");
  require(output[output.size() - 2] == 0xFF && output[output.size() - 1] == 0xD9,
          "output ends with EOI");

  exifscrub::jpeg::ScrubOptions options;
  options.orientation = exifscrub::jpeg::OrientationMode::Drop;
  require(static_cast<bool>(exifscrub::jpeg::scrub(output, options)), "the walker accepts the output");

  auto again = exifscrub::jpeg::transform_to_upright(output, 1, kMaxPixels);
  require(static_cast<bool>(again), "the output transforms again");
  require(again->width == transformed->width && again->height == transformed->height,
          "orientation 1 keeps the dimensions");
  return 0;
}
