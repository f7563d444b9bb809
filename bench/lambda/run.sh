#!/usr/bin/env bash
# run.sh - the side-by-side benchmark of our bootstrap and the reference Python handler on the
# local stack. Starts a throw-away Ceph RGW (scripts/local-rgw.sh, same env knobs), makes the
# sample photos, runs side_by_side.py and purges the RGW again, also on failure.
#
# Usage: bench/lambda/run.sh [OUTDIR]   (default OUTDIR: build/bench-lambda)
# Env: BUILD_DIR [build] with bin/exifscrub; RGW_DIR, RGW_PORT ... as for scripts/local-rgw.sh;
#      SIDE_BY_SIDE_ARGS extra arguments for side_by_side.py (e.g. "--throughput-objects 160").
# Prints the Markdown table; the raw figures go to OUTDIR/side-by-side.json.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir=$root/$build_dir
outdir=${1:-$build_dir/bench-lambda}
export RGW_DIR=${RGW_DIR:-$outdir/rgw}
[[ -x $build_dir/bin/exifscrub ]] || {
  echo "run.sh: $build_dir/bin/exifscrub is missing; run 'make build' first (or set BUILD_DIR)" >&2
  exit 1
}
mkdir -p "$outdir"
trap '"$root/scripts/local-rgw.sh" purge >/dev/null 2>&1 || echo "run.sh: purging $RGW_DIR failed" >&2' EXIT

"$root/scripts/make-samples.sh" "$outdir/samples" >/dev/null
"$root/scripts/local-rgw.sh" up --env-file "$outdir/rgw.env" >/dev/null
# shellcheck disable=SC2086  # SIDE_BY_SIDE_ARGS is split on purpose
/usr/bin/python3 "$root/bench/lambda/side_by_side.py" --rgw-env-file "$outdir/rgw.env" \
  --exifscrub "$build_dir/bin/exifscrub" \
  --photos "$outdir/samples/IMG 0001 (1).JPG" "$outdir/samples/IMG_0002.JPG" \
  --json "$outdir/side-by-side.json" ${SIDE_BY_SIDE_ARGS:-}
