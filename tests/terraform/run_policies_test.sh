#!/usr/bin/env bash
# Runs `terraform init` and `terraform test` in infra/terraform/modules/policies
# offline (the module declares no provider).
#
# Usage: run_policies_test.sh WORK_DIR
set -euo pipefail
if (($# != 1)); then
  echo "usage: $0 WORK_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../infra/terraform/modules/policies" && pwd)
WORK_DIR=$1
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"
# shellcheck source=terraform_env.sh
source "$here/terraform_env.sh"

terraform -chdir="$module" init -backend=false -no-color
terraform -chdir="$module" test -no-color
