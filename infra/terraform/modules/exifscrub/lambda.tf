# The scrubbing function: the C++ `bootstrap` from `make package` on the
# provided.al2023 runtime, its log group, loop detection, and what happens
# to an event it fails on (retries, then the failure queue).

resource "aws_cloudwatch_log_group" "function" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  function_name    = local.function_name
  description      = "Strips identifying metadata from JPEGs uploaded to ${var.source_bucket_name} and writes them to ${var.destination_bucket_name}."
  role             = aws_iam_role.function.arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]
  filename         = var.lambda_zip_path
  source_code_hash = filebase64sha256(var.lambda_zip_path)
  memory_size      = var.memory_size
  timeout          = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment {
    variables = {
      DEST_BUCKET      = var.destination_bucket_name
      SOURCE_BUCKET    = var.source_bucket_name
      ORIENTATION      = var.orientation
      KEEP_ICC         = tostring(var.keep_icc)
      MAX_OBJECT_BYTES = tostring(var.max_object_bytes)
      LOG_LEVEL        = var.log_level
    }
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function.name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  tags = var.tags

  # The role needs its log and queue permissions before the first
  # invocation; the log group must exist so Lambda does not create an
  # unmanaged one that never expires.
  depends_on = [
    aws_iam_role_policy.function,
    aws_cloudwatch_log_group.function,
  ]
}

# Lambda stops a chain of invocations after about 16 rounds when it detects
# a loop (a write to A that triggers the function again). Terminate is the
# default today; setting it keeps an account-wide change from reaching us.
resource "aws_lambda_function_recursion_config" "this" {
  function_name  = aws_lambda_function.this.function_name
  recursive_loop = "Terminate"
}

# Asynchronous invocations (direct S3 delivery): retry, then park the event
# on the failure queue instead of dropping it.
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.maximum_retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures.arn
    }
  }

  # Lambda checks that the role may send to the destination.
  depends_on = [aws_iam_role_policy.function]
}

# Holds events that failed after every retry, with the error, for 14 days
# (the SQS maximum) so they can be inspected and replayed.
resource "aws_sqs_queue" "failures" {
  name                      = "${var.name}-failures"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}
