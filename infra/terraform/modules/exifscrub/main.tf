# The exifscrub deployment: buckets A and B, the scrubbing function with its
# role, log group, retries and failure queue, the S3 trigger (direct,
# through SQS or through EventBridge), alarms and the IAM users A and B. Every policy document
# comes from ../policies, which is tested offline; this module only wires
# those documents to resources. It creates no access keys.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id    = data.aws_caller_identity.current.account_id
  function_name = var.name
  # Lambda writes to /aws/lambda/<function name> by default; naming the
  # group the same way keeps it discoverable in the console.
  log_group_name  = "/aws/lambda/${var.name}"
  via_sqs         = var.event_delivery == "sqs"
  via_eventbridge = var.event_delivery == "eventbridge"
  kms_enabled     = var.kms_key_arn != null

  buckets = {
    source      = var.source_bucket_name
    destination = var.destination_bucket_name
  }

  # S3 suffix filters are case-sensitive, so each spelling needs its own rule.
  jpeg_suffixes = [".jpg", ".JPG", ".jpeg", ".JPEG"]
  object_events = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]

  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]
}

module "policies" {
  source = "../policies"

  partition               = data.aws_partition.current.partition
  account_id              = local.account_id
  source_bucket_name      = var.source_bucket_name
  destination_bucket_name = var.destination_bucket_name
  function_role_arn       = aws_iam_role.function.arn
  log_group_arn           = aws_cloudwatch_log_group.function.arn
  failure_queue_arn       = aws_sqs_queue.failures.arn
  event_queue_arn         = local.via_sqs ? aws_sqs_queue.events[0].arn : null
  eventbridge_rule_arn    = local.via_eventbridge ? aws_cloudwatch_event_rule.objects[0].arn : null
  kms_key_arn             = var.kms_key_arn
}
