# The function's execution role and the IAM users A and B. Users get their
# permissions through groups, never inline, and no aws_iam_access_key is
# created: its secret would be stored in plain text in the Terraform state.
# The README describes how to issue keys outside Terraform.

resource "aws_iam_role" "function" {
  name               = "${var.name}-function"
  description        = "Execution role of the ${local.function_name} function: reads bucket A, writes bucket B."
  assume_role_policy = module.policies.function_assume_role_policy_json
  tags               = var.tags
}

resource "aws_iam_role_policy" "function" {
  name   = "${var.name}-function"
  role   = aws_iam_role.function.id
  policy = module.policies.function_policy_json
}

resource "aws_iam_group" "uploaders" {
  count = var.create_users ? 1 : 0

  name = "${var.name}-uploaders"
}

resource "aws_iam_group_policy" "uploaders" {
  count = var.create_users ? 1 : 0

  name   = "${var.name}-source-bucket-read-write"
  group  = aws_iam_group.uploaders[0].name
  policy = module.policies.user_a_policy_json
}

resource "aws_iam_group" "readers" {
  count = var.create_users ? 1 : 0

  name = "${var.name}-readers"
}

resource "aws_iam_group_policy" "readers" {
  count = var.create_users ? 1 : 0

  name   = "${var.name}-destination-bucket-read"
  group  = aws_iam_group.readers[0].name
  policy = module.policies.user_b_policy_json
}

resource "aws_iam_user" "a" {
  count = var.create_users ? 1 : 0

  name = "${var.name}-user-a"
  # Access keys are issued outside Terraform, so destroy must remove them
  # too or IAM rejects DeleteUser with DeleteConflict.
  force_destroy = true
  tags          = var.tags
}

resource "aws_iam_user" "b" {
  count = var.create_users ? 1 : 0

  name = "${var.name}-user-b"
  # Access keys are issued outside Terraform, so destroy must remove them
  # too or IAM rejects DeleteUser with DeleteConflict.
  force_destroy = true
  tags          = var.tags
}

resource "aws_iam_user_group_membership" "a" {
  count = var.create_users ? 1 : 0

  user   = aws_iam_user.a[0].name
  groups = [aws_iam_group.uploaders[0].name]
}

resource "aws_iam_user_group_membership" "b" {
  count = var.create_users ? 1 : 0

  user   = aws_iam_user.b[0].name
  groups = [aws_iam_group.readers[0].name]
}
