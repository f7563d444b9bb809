# The function's execution role policy. It reads originals from A and
# writes, reads back and deletes scrubbed copies in B. It holds no write
# permission on A of any kind, and the source bucket policy denies those
# writes a second time, so a misconfigured destination cannot make the
# function trigger itself.

locals {
  log_streams_arn = "${var.log_group_arn}:log-stream:*"

  function_s3_statements = [
    {
      # s3:ListBucket makes GetObject on a missing key return 404 (NoSuchKey)
      # instead of 403, so the function can tell a deleted original from a
      # permission problem.
      Sid      = "ListSourceBucket"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = [local.source_bucket_arn]
    },
    {
      Sid      = "ReadSourceObjects"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = [local.source_objects_arn]
    },
    {
      Sid      = "WriteDestinationObjects"
      Effect   = "Allow"
      Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
      Resource = [local.destination_objects_arn]
    },
  ]

  function_runtime_statements = [
    {
      # The log group itself is created by Terraform with its retention, so
      # the function needs no logs:CreateLogGroup.
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = [local.log_streams_arn]
    },
    {
      Sid      = "SendFailedEvents"
      Effect   = "Allow"
      Action   = ["sqs:SendMessage"]
      Resource = [var.failure_queue_arn]
    },
  ]

  # Lambda's event source mapping polls the event queue with the function's
  # role; ChangeMessageVisibility lets failed batch items return early.
  function_queue_statements = var.event_queue_arn == null ? [] : [{
    Sid    = "ConsumeEventQueue"
    Effect = "Allow"
    Action = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ReceiveMessage",
    ]
    Resource = [var.event_queue_arn]
  }]

  function_policy = {
    Version = "2012-10-17"
    Statement = concat(
      local.function_s3_statements,
      local.function_runtime_statements,
      local.function_queue_statements,
      local.kms_read_write_statements,
    )
  }

  function_assume_role_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumesRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = ["sts:AssumeRole"]
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    }]
  }
}
