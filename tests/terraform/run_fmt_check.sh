#!/usr/bin/env bash
# Fails when any .tf or .tftest.hcl file under the given folders is not in
# canonical `terraform fmt` style, and prints the diff that fixes it.
#
# Usage: run_fmt_check.sh DIR...
set -euo pipefail
if (($# < 1)); then
  echo "usage: $0 DIR..." >&2
  exit 2
fi
if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform is not on PATH; install Terraform >= 1.6 to run this check" >&2
  exit 77
fi
export CHECKPOINT_DISABLE=1
status=0
for dir in "$@"; do
  if ! terraform fmt -check -recursive -diff -no-color "$dir"; then
    echo "run 'terraform fmt -recursive $dir' to fix the files listed above" >&2
    status=1
  fi
done
if ((status == 0)); then echo "terraform fmt: every file under $* is formatted"; fi
exit "$status"
