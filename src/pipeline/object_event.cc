#include "pipeline/object_event.h"

namespace exifscrub::pipeline {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Scrubbed: return "scrubbed";
    case Outcome::Deleted: return "deleted";
    case Outcome::Skipped: return "skipped";
    case Outcome::Stale: return "stale";
    case Outcome::Rejected: return "rejected";
    case Outcome::Missing: return "missing";
    case Outcome::Failed: return "failed";
  }
  return "unknown";
}

bool is_failure(Outcome outcome) {
  return outcome == Outcome::Rejected || outcome == Outcome::Missing ||
         outcome == Outcome::Failed;
}

}  // namespace exifscrub::pipeline
