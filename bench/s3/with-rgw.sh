#!/usr/bin/env bash
# Runs COMMAND against an S3 endpoint: the one already named by
# AWS_ENDPOINT_URL, or else a throw-away local Ceph RGW that this script
# brings up with scripts/local-rgw.sh (honouring its RGW_DIR, RGW_PORT,
# MON_*_PORT, OSD_PORT_* and MEMSTORE_BYTES knobs) and purges afterwards.
# The memstore keeps objects in RAM, so MEMSTORE_BYTES defaults to 6 GiB here
# to hold the 200 MB benchmark object, its copy and the multipart parts.
#
# Usage: bench/s3/with-rgw.sh COMMAND [ARGS...]
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 COMMAND [ARGS...]   (uses AWS_ENDPOINT_URL when set, else starts a local RGW)" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)

if [[ -n ${AWS_ENDPOINT_URL:-} ]]; then
  exec "$@"
fi

export MEMSTORE_BYTES=${MEMSTORE_BYTES:-6442450944}
env_file=$(mktemp)
purge() {
  "$root/scripts/local-rgw.sh" purge >&2 || echo "with-rgw: purge failed; run scripts/local-rgw.sh purge with the same RGW_DIR" >&2
  rm -f "$env_file"
}
trap purge EXIT
"$root/scripts/local-rgw.sh" up --env-file "$env_file" >&2
# shellcheck disable=SC1090
source "$env_file"
"$@"
