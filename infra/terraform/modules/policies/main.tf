# Every IAM and bucket policy document of the exifscrub deployment, built as
# JSON from names and ARNs. Creates no resources and calls no provider, so
# the documents can be rendered and asserted on offline (`terraform test`)
# and fed to a policy evaluator. Bucket-level actions (s3:ListBucket) and
# object-level actions (s3:GetObject, ...) sit in separate statements because
# AWS matches a bucket action only against the bucket ARN and an object
# action only against object ARNs; a grant on the wrong one never applies.

locals {
  source_bucket_arn       = "arn:${var.partition}:s3:::${var.source_bucket_name}"
  source_objects_arn      = "${local.source_bucket_arn}/*"
  destination_bucket_arn  = "arn:${var.partition}:s3:::${var.destination_bucket_name}"
  destination_objects_arn = "${local.destination_bucket_arn}/*"
  kms_enabled             = var.kms_key_arn != null

  # SSE-KMS objects need the key for both directions: GenerateDataKey to
  # write, Decrypt to read (and to complete multipart uploads). The key may
  # be used only through S3, not called directly.
  kms_via_s3_condition = {
    StringLike = { "kms:ViaService" = "s3.*.amazonaws.com" }
  }
  kms_read_statements = local.kms_enabled ? [{
    Sid       = "UseBucketKeyToRead"
    Effect    = "Allow"
    Action    = ["kms:Decrypt"]
    Resource  = [var.kms_key_arn]
    Condition = local.kms_via_s3_condition
  }] : []
  kms_read_write_statements = local.kms_enabled ? [{
    Sid       = "UseBucketKeyToReadAndWrite"
    Effect    = "Allow"
    Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
    Resource  = [var.kms_key_arn]
    Condition = local.kms_via_s3_condition
  }] : []

  # Requests over plain HTTP are denied for every principal, including the
  # account root and the function.
  deny_insecure_transport = {
    source = {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.source_bucket_arn, local.source_objects_arn]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    destination = {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.destination_bucket_arn, local.destination_objects_arn]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }
}
