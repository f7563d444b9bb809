#!/usr/bin/env bash
# Runs every test: the unit tests under ASan and UBSan, the fuzz target for
# FUZZ_SECONDS, then the whole CTest suite on the Release build (unit, corpus,
# local S3, Lambda, end-to-end, packaging and Terraform checks). The full
# suite runs last so its summary is the closing line.
#
# Usage: scripts/run-tests.sh            (make test calls it after installing dependencies)
# Env:   BUILD_DIR [build]  ASAN_BUILD_DIR [build-asan]  FUZZ_SECONDS [60]  JOBS [nproc]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-build}
asan_dir=${ASAN_BUILD_DIR:-build-asan}
fuzz_seconds=${FUZZ_SECONDS:-60}
jobs=${JOBS:-$(nproc)}

step() { printf '\n== %s ==\n' "$*"; }

step "Release build"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j "$jobs"

step "unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B "$asan_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEXIFSCRUB_SANITIZE=address,undefined -DEXIFSCRUB_BUILD_BENCH=OFF
cmake --build "$asan_dir" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$asan_dir" -L unit --output-on-failure -j "$jobs"

step "fuzzing for ${fuzz_seconds} s"
scripts/run-fuzz.sh "$fuzz_seconds"

step "full suite"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
