#!/usr/bin/env bash
# Renders the policies with Terraform (with the SQS event queue and the
# EventBridge rule, so their queue policies are evaluated too), then
# evaluates the access matrix.
#
# Usage: run_access_matrix.sh WORK_DIR
set -euo pipefail
if (($# != 1)); then
  echo "usage: $0 WORK_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
work=$1
"$here/render_policies.sh" "$work/render" photos-a photos-b \
  arn:aws:sqs:eu-west-1:123456789012:exifscrub-events \
  arn:aws:events:eu-west-1:123456789012:rule/exifscrub-objects >"$work.json.tmp"
mv "$work.json.tmp" "$work.json"
exec "$here/run_node.sh" "$here/access_matrix.js" "$work.json"
