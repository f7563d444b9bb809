#!/usr/bin/env bash
# Runs the S3 and function benchmarks one after the other against one S3
# endpoint: bench/s3/transfer.sh, bench/s3/peak-rss.sh and
# bench/function/run.sh. Each writes its table to BENCH_OUT. A failing
# benchmark stops the run.
#
# Usage: bench/s3/with-rgw.sh bench/s3/run-all.sh
# Env:   BUILD_DIR [build]  BENCH_OUT [$BUILD_DIR/bench-results]  and each script's own knobs
set -euo pipefail

if (($# != 0)); then
  echo "usage: $0   (run it through bench/s3/with-rgw.sh; settings come from the environment)" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${BENCH_OUT:-${BUILD_DIR:-$root/build}/bench-results}
BENCH_OUT=$out/s3 "$root/bench/s3/transfer.sh"
BENCH_OUT=$out/s3 "$root/bench/s3/peak-rss.sh"
BENCH_OUT=$out/function "$root/bench/function/run.sh"
