#!/usr/bin/env bash
# Runs a Node.js check script with the pinned dependencies of this folder.
#
# Usage: run_node.sh SCRIPT [ARG...]
set -euo pipefail
if (($# < 1)); then
  echo "usage: $0 SCRIPT [ARG...]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "node is not on PATH; run scripts/install-deps.sh test" >&2
  exit 77
fi
if [[ ! -d $here/node_modules/@cdktf/provider-aws ]]; then
  echo "$here/node_modules is missing; run scripts/install-deps.sh test (it runs npm ci there)" >&2
  exit 1
fi
exec node "$@"
