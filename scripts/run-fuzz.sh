#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan, and fuzzes the JPEG
# library for a number of seconds, starting from the committed seed corpus:
# two thirds of the time on the scrubber, one third on the lossless transform.
# Fails on any crash, sanitizer report or broken invariant; the input that
# caused it is saved under <build dir>/fuzz-artifacts/.
#
# Usage: scripts/run-fuzz.sh SECONDS
# Environment: FUZZ_BUILD_DIR (default build-fuzz), JOBS (default 2).
set -euo pipefail

if [[ $# -ne 1 || ! $1 =~ ^[0-9]+$ || $1 -eq 0 ]]; then
  echo "usage: $0 SECONDS   (a positive number of seconds to fuzz, CI uses 60)" >&2
  exit 2
fi
seconds=$1
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${FUZZ_BUILD_DIR:-$root/build-fuzz}

if ! command -v clang++ >/dev/null; then
  echo "run-fuzz: clang++ not found; run scripts/install-deps.sh test" >&2
  exit 1
fi

cmake -S "$root" -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEXIFSCRUB_FUZZ=ON -DEXIFSCRUB_BUILD_TESTS=OFF -DEXIFSCRUB_BUILD_BENCH=OFF \
  -DEXIFSCRUB_SANITIZE=address,undefined >/dev/null
cmake --build "$build_dir" --target scrub_fuzzer transform_fuzzer -j "${JOBS:-2}"

# New inputs go to a scratch corpus so the committed seeds stay as generated.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build_dir/fuzz-artifacts"

transform_seconds=$((seconds / 3 > 0 ? seconds / 3 : 1))
scrub_seconds=$((seconds - transform_seconds > 0 ? seconds - transform_seconds : 1))
mkdir -p "$scratch/scrub" "$scratch/transform"

echo "run-fuzz: fuzzing the scrubber for ${scrub_seconds}s" >&2
"$build_dir/bin/scrub_fuzzer" -max_total_time="$scrub_seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build_dir/fuzz-artifacts/" \
  "$scratch/scrub" "$root/tests/fuzz/corpus"

echo "run-fuzz: fuzzing the lossless transform for ${transform_seconds}s" >&2
"$build_dir/bin/transform_fuzzer" -max_total_time="$transform_seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build_dir/fuzz-artifacts/" \
  "$scratch/transform" "$root/tests/fuzz/corpus"
