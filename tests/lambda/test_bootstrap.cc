// A bootstrap for the emulator tests: the real runtime loop with a processor
// whose outcome depends on the key, so tests can steer each invocation
// without S3. Keys containing "reject" are rejected, "fail" fail
// transiently, "slow" take 3 s, "crash" end the process with status 3, and
// every other key is scrubbed.
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "lambda/runtime_loop.h"

namespace {

using exifscrub::pipeline::ObjectEvent;
using exifscrub::pipeline::ObjectOutcome;
using exifscrub::pipeline::Outcome;

class KeyScriptedProcessor : public exifscrub::pipeline::ObjectProcessor {
 public:
  ObjectOutcome process(const ObjectEvent& event) override {
    ObjectOutcome outcome;
    const std::string& key = event.key;
    if (key.find("crash") != std::string::npos) std::_Exit(3);
    if (key.find("slow") != std::string::npos) std::this_thread::sleep_for(std::chrono::seconds(3));
    if (key.find("reject") != std::string::npos) {
      outcome.outcome = Outcome::Rejected;
      outcome.error_kind = "not_jpeg";
      outcome.message = "no SOI marker at offset 0";
    } else if (key.find("fail") != std::string::npos) {
      outcome.outcome = Outcome::Failed;
      outcome.error_kind = "s3_timeout";
      outcome.message = "GET timed out";
    } else {
      outcome.outcome = Outcome::Scrubbed;
      outcome.bytes_in = 2000;
      outcome.bytes_out = 1500;
    }
    return outcome;
  }
};

}  // namespace

int main() {
  using exifscrub::Result;
  using exifscrub::lambda::Config;
  using exifscrub::lambda::InvocationContext;
  return exifscrub::lambda::run_runtime_loop(
      [](const Config&, const InvocationContext&) -> Result<std::unique_ptr<exifscrub::pipeline::ObjectProcessor>, std::string> {
        return std::unique_ptr<exifscrub::pipeline::ObjectProcessor>(std::make_unique<KeyScriptedProcessor>());
      });
}
