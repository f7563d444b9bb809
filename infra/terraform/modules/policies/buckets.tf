# Bucket policies and the resource policies of the queues.

locals {
  source_bucket_policy = {
    Version = "2012-10-17"
    Statement = [
      local.deny_insecure_transport.source,
      {
        # Defence in depth: even if someone attaches a broader policy to the
        # function's role, the role cannot write to or delete from A.
        Sid       = "DenyFunctionWrites"
        Effect    = "Deny"
        Principal = { AWS = var.function_role_arn }
        Action = [
          "s3:AbortMultipartUpload",
          "s3:Delete*",
          "s3:Put*",
          "s3:RestoreObject",
        ]
        Resource = [local.source_bucket_arn, local.source_objects_arn]
      },
    ]
  }

  destination_bucket_policy = {
    Version   = "2012-10-17"
    Statement = [local.deny_insecure_transport.destination]
  }

  # Only S3 may send to the event queue, and only for bucket A of this
  # account (aws:SourceAccount guards against a deleted and re-created bucket
  # of the same name in another account).
  event_queue_policy = var.event_queue_arn == null ? null : {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AcceptSourceBucketEvents"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = ["sqs:SendMessage"]
      Resource  = [var.event_queue_arn]
      Condition = {
        ArnEquals    = { "aws:SourceArn" = local.source_bucket_arn }
        StringEquals = { "aws:SourceAccount" = var.account_id }
      }
    }]
  }
}

locals {
  # EventBridge sends events it cannot deliver to the function to the
  # failure queue itself, so the queue must accept them from that rule only.
  failure_queue_policy = var.eventbridge_rule_arn == null ? null : {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AcceptUndeliverableRuleEvents"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["sqs:SendMessage"]
      Resource  = [var.failure_queue_arn]
      Condition = { ArnEquals = { "aws:SourceArn" = var.eventbridge_rule_arn } }
    }]
  }
}
