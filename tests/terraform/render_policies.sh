#!/usr/bin/env bash
# Renders every policy document of infra/terraform/modules/policies with
# real Terraform and prints `terraform output -json` of a root module that
# calls it, so tests evaluate exactly what Terraform would deploy.
#
# Usage: render_policies.sh WORK_DIR SOURCE_BUCKET DEST_BUCKET [EVENT_QUEUE_ARN [EVENTBRIDGE_RULE_ARN]]
# Env:   KMS_KEY_ARN, when set, renders the documents for SSE-KMS buckets.
# Prints: {"user_a_policy_json": "...", ...} on stdout.
set -euo pipefail
if (($# < 3 || $# > 5)); then
  echo "usage: $0 WORK_DIR SOURCE_BUCKET DEST_BUCKET [EVENT_QUEUE_ARN [EVENTBRIDGE_RULE_ARN]]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../infra/terraform/modules/policies" && pwd)
WORK_DIR=$1
source_bucket=$2
dest_bucket=$3
event_queue=${4:-}
eventbridge_rule=${5:-}
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR/root"
# shellcheck source=terraform_env.sh
source "$here/terraform_env.sh"

quote_or_null() { if [[ -n $1 ]]; then printf '"%s"' "$1"; else printf null; fi; }
cat >"$WORK_DIR/root/main.tf" <<TF
module "policies" {
  source = "$module"

  account_id              = "123456789012"
  source_bucket_name      = "$source_bucket"
  destination_bucket_name = "$dest_bucket"
  function_role_arn       = "arn:aws:iam::123456789012:role/exifscrub-function"
  log_group_arn           = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/exifscrub"
  failure_queue_arn       = "arn:aws:sqs:eu-west-1:123456789012:exifscrub-failures"
  event_queue_arn         = $(quote_or_null "$event_queue")
  eventbridge_rule_arn    = $(quote_or_null "$eventbridge_rule")
  kms_key_arn             = $(quote_or_null "${KMS_KEY_ARN:-}")
}

output "policies" {
  value = module.policies
}
TF
{
  terraform -chdir="$WORK_DIR/root" init -backend=false -no-color
  terraform -chdir="$WORK_DIR/root" apply -auto-approve -no-color
} >"$WORK_DIR/terraform.log" 2>&1 || {
  cat "$WORK_DIR/terraform.log" >&2
  echo "render_policies: terraform failed; its output is above" >&2
  exit 1
}
terraform -chdir="$WORK_DIR/root" output -json policies
