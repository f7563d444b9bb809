#!/usr/bin/env bash
# Fails when any .tf or .tftest.hcl file under DIR is not in canonical
# `terraform fmt` style, and prints the diff that fixes it.
#
# Usage: run_fmt_check.sh DIR
set -euo pipefail
if (($# != 1)); then
  echo "usage: $0 DIR" >&2
  exit 2
fi
if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform is not on PATH; install Terraform >= 1.6 to run this check" >&2
  exit 77
fi
export CHECKPOINT_DISABLE=1
if ! terraform fmt -check -recursive -diff -no-color "$1"; then
  echo "run 'terraform fmt -recursive $1' to fix the files listed above" >&2
  exit 1
fi
echo "terraform fmt: every file under $1 is formatted"
