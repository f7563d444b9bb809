output "source_bucket_name" {
  description = "Name of bucket A, where user A uploads photos."
  value       = aws_s3_bucket.this["source"].id
}

output "source_bucket_arn" {
  description = "ARN of bucket A."
  value       = aws_s3_bucket.this["source"].arn
}

output "destination_bucket_name" {
  description = "Name of bucket B, where scrubbed copies appear under the same key."
  value       = aws_s3_bucket.this["destination"].id
}

output "destination_bucket_arn" {
  description = "ARN of bucket B."
  value       = aws_s3_bucket.this["destination"].arn
}

output "function_name" {
  description = "Name of the scrubbing function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the scrubbing function, for example for an S3 Batch Operations job."
  value       = aws_lambda_function.this.arn
}

output "function_role_arn" {
  description = "ARN of the function's execution role; a customer managed KMS key policy must allow it."
  value       = aws_iam_role.function.arn
}

output "log_group_name" {
  description = "CloudWatch log group with the function's JSON logs, one line per object."
  value       = aws_cloudwatch_log_group.function.name
}

output "failure_queue_url" {
  description = "URL of the SQS queue holding asynchronous events that failed after every retry."
  value       = aws_sqs_queue.failures.id
}

output "event_queue_url" {
  description = "URL of the SQS queue carrying S3 events to the function, or null with direct delivery."
  value       = local.via_sqs ? aws_sqs_queue.events[0].id : null
}

output "event_dead_letter_queue_url" {
  description = "URL of the dead letter queue of the event queue, or null with direct delivery."
  value       = local.via_sqs ? aws_sqs_queue.events_dlq[0].id : null
}

output "user_a_name" {
  description = "IAM user that uploads to bucket A, or null when create_users is false."
  value       = var.create_users ? aws_iam_user.a[0].name : null
}

output "user_b_name" {
  description = "IAM user that reads bucket B, or null when create_users is false."
  value       = var.create_users ? aws_iam_user.b[0].name : null
}

output "user_a_policy_json" {
  description = "Policy of user A's group, to attach elsewhere when create_users is false."
  value       = module.policies.user_a_policy_json
}

output "user_b_policy_json" {
  description = "Policy of user B's group, to attach elsewhere when create_users is false."
  value       = module.policies.user_b_policy_json
}
