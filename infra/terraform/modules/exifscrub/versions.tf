# The AWS provider is pinned to the 6.x line whose schema (6.25.0) the
# offline check in tests/terraform verifies every block against.
terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.25.0, < 7.0.0"
    }
  }
}
