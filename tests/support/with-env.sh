#!/usr/bin/env bash
# Usage: with-env.sh ENV_FILE COMMAND [ARG...]
# Loads the export lines that scripts/local-rgw.sh wrote, then runs COMMAND.
set -euo pipefail
if (($# < 2)); then
  echo "usage: $0 ENV_FILE COMMAND [ARG...]" >&2
  exit 2
fi
env_file=$1
shift
if [[ ! -r $env_file ]]; then
  echo "with-env.sh: $env_file is missing; the rgw.up test writes it (run the whole suite or 'ctest -L rgw')" >&2
  exit 1
fi
# shellcheck disable=SC1090
source "$env_file"
exec "$@"
