#!/usr/bin/env bash
# Runs module_variables/variables.tftest.hcl against the variables.tf of
# modules/exifscrub, offline: a folder holding only variable blocks needs
# no provider, so `terraform test` can prove each validation rejects what
# it should before anyone runs a plan against AWS.
#
# Usage: run_variables_test.sh WORK_DIR
set -euo pipefail
if (($# != 1)); then
  echo "usage: $0 WORK_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../infra/terraform/modules/exifscrub" && pwd)
WORK_DIR=$1
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR/module/tests"
# shellcheck source=terraform_env.sh
source "$here/terraform_env.sh"

cp "$module/variables.tf" "$WORK_DIR/module/"
cp "$here/module_variables/variables.tftest.hcl" "$WORK_DIR/module/tests/"
: >"$WORK_DIR/module/function.zip"

terraform -chdir="$WORK_DIR/module" init -backend=false -no-color
terraform -chdir="$WORK_DIR/module" test -no-color
