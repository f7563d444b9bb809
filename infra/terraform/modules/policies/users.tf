# Policies of the two human-facing identities. User A uploads and manages
# originals in bucket A; user B only lists and downloads scrubbed copies from
# bucket B. Neither gets anything else.

locals {
  user_a_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "ListSourceBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket"]
        Resource = [local.source_bucket_arn]
      },
      {
        Sid      = "ReadWriteSourceObjects"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
        Resource = [local.source_objects_arn]
      },
    ], local.kms_read_write_statements)
  }

  user_b_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "ListDestinationBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [local.destination_bucket_arn]
      },
      {
        Sid      = "ReadDestinationObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = [local.destination_objects_arn]
      },
    ], local.kms_read_statements)
  }
}
