# How events of bucket A reach the function. Direct: S3 invokes the
# function asynchronously, which needs a resource-based permission that
# must exist before S3 accepts the notification. SQS: S3 sends to a queue
# and an event source mapping polls it in batches. Failed items are
# reported one by one (ReportBatchItemFailures) and move to a dead letter
# queue after sqs_max_receive_count deliveries. EventBridge: S3 sends every
# event of A to the default event bus and a rule invokes the function
# asynchronously, so the same retries and failure queue apply as for direct.

resource "aws_lambda_permission" "s3" {
  count = var.event_delivery == "direct" ? 1 : 0

  statement_id   = "AllowInvokeFromSourceBucket"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.this["source"].arn
  source_account = local.account_id
}

resource "aws_sqs_queue" "events_dlq" {
  count = local.via_sqs ? 1 : 0

  name                      = "${var.name}-events-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

resource "aws_sqs_queue" "events" {
  count = local.via_sqs ? 1 : 0

  name = "${var.name}-events"
  # AWS recommends at least six times the function timeout, so a batch that
  # Lambda retries after throttling does not reappear while in flight.
  visibility_timeout_seconds = 6 * var.timeout
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.events_dlq[0].arn
    maxReceiveCount     = var.sqs_max_receive_count
  })
  tags = var.tags
}

resource "aws_sqs_queue_policy" "events" {
  count = local.via_sqs ? 1 : 0

  queue_url = aws_sqs_queue.events[0].id
  policy    = module.policies.event_queue_policy_json
}

resource "aws_lambda_event_source_mapping" "events" {
  count = local.via_sqs ? 1 : 0

  event_source_arn        = aws_sqs_queue.events[0].arn
  function_name           = aws_lambda_function.this.arn
  batch_size              = var.sqs_batch_size
  function_response_types = ["ReportBatchItemFailures"]

  # Lambda checks that the role may read the queue.
  depends_on = [aws_iam_role_policy.function]
}

resource "aws_cloudwatch_event_rule" "objects" {
  count = local.via_eventbridge ? 1 : 0

  name        = "${var.name}-objects"
  description = "JPEG objects created in or deleted from ${var.source_bucket_name}, for the ${local.function_name} function."
  event_pattern = jsonencode({
    source        = ["aws.s3"]
    "detail-type" = ["Object Created", "Object Deleted"]
    detail = {
      bucket = { name = [var.source_bucket_name] }
      object = { key = [for suffix in local.jpeg_suffixes : { suffix = suffix }] }
    }
  })
  tags = var.tags
}

resource "aws_lambda_permission" "eventbridge" {
  count = local.via_eventbridge ? 1 : 0

  statement_id   = "AllowInvokeFromObjectRule"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "events.amazonaws.com"
  source_arn     = aws_cloudwatch_event_rule.objects[0].arn
  source_account = local.account_id
}

resource "aws_cloudwatch_event_target" "function" {
  count = local.via_eventbridge ? 1 : 0

  rule = aws_cloudwatch_event_rule.objects[0].name
  arn  = aws_lambda_function.this.arn

  # Retries of delivering to Lambda (throttled Invoke calls). Once Lambda has
  # accepted an event, the function's own retries and failure queue apply.
  retry_policy {
    maximum_event_age_in_seconds = var.maximum_event_age_seconds
    maximum_retry_attempts       = 185
  }

  dead_letter_config {
    arn = aws_sqs_queue.failures.arn
  }

  depends_on = [
    aws_lambda_permission.eventbridge,
    aws_sqs_queue_policy.failures,
  ]
}

resource "aws_sqs_queue_policy" "failures" {
  count = local.via_eventbridge ? 1 : 0

  queue_url = aws_sqs_queue.failures.id
  policy    = module.policies.failure_queue_policy_json
}

resource "aws_s3_bucket_notification" "source" {
  bucket = aws_s3_bucket.this["source"].id

  # With EventBridge delivery, S3 sends every event of the bucket to the
  # default bus and the rule filters them.
  eventbridge = local.via_eventbridge

  dynamic "lambda_function" {
    for_each = var.event_delivery == "direct" ? local.jpeg_suffixes : []
    content {
      id                  = "scrub-${trimprefix(lambda_function.value, ".")}"
      lambda_function_arn = aws_lambda_function.this.arn
      events              = local.object_events
      filter_suffix       = lambda_function.value
    }
  }

  dynamic "queue" {
    for_each = local.via_sqs ? local.jpeg_suffixes : []
    content {
      id            = "scrub-${trimprefix(queue.value, ".")}"
      queue_arn     = aws_sqs_queue.events[0].arn
      events        = local.object_events
      filter_suffix = queue.value
    }
  }

  # S3 tests the destination when the notification is saved and rejects it
  # unless the function permission or queue policy is already in place.
  depends_on = [
    aws_lambda_permission.s3,
    aws_sqs_queue_policy.events,
  ]
}
