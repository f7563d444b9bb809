# Pure functions of their inputs: this module declares no provider, so
# `terraform init` and `terraform test` run offline without downloading one.
terraform {
  required_version = ">= 1.6.0, < 2.0.0"
}
