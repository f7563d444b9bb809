#!/usr/bin/env bash
# Renders the policies with Terraform (with the SQS event queue and the
# EventBridge rule, so their queue policies are evaluated too), once for
# SSE-S3 and once for SSE-KMS buckets, then evaluates the access matrix.
#
# Usage: run_access_matrix.sh WORK_DIR
set -euo pipefail
if (($# != 1)); then
  echo "usage: $0 WORK_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
work=$1
render() { # render <output file> [KMS key ARN]
  KMS_KEY_ARN=${2:-} "$here/render_policies.sh" "$work/render" photos-a photos-b \
    arn:aws:sqs:eu-west-1:123456789012:exifscrub-events \
    arn:aws:events:eu-west-1:123456789012:rule/exifscrub-objects >"$1.tmp"
  mv "$1.tmp" "$1"
}
render "$work.json"
render "$work-kms.json" arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-1111-2222-3333-444455556666
exec "$here/run_node.sh" "$here/access_matrix.js" "$work.json" "$work-kms.json"
