output "user_a_policy_json" {
  description = "IAM policy for user A: list bucket A, get, put and delete its objects."
  value       = jsonencode(local.user_a_policy)
}

output "user_b_policy_json" {
  description = "IAM policy for user B: list bucket B and get its objects."
  value       = jsonencode(local.user_b_policy)
}

output "function_policy_json" {
  description = "Inline policy of the function's execution role."
  value       = jsonencode(local.function_policy)
}

output "function_assume_role_policy_json" {
  description = "Trust policy that lets Lambda assume the function's role for this account only."
  value       = jsonencode(local.function_assume_role_policy)
}

output "source_bucket_policy_json" {
  description = "Bucket policy of A: denies requests without TLS and every write by the function's role."
  value       = jsonencode(local.source_bucket_policy)
}

output "destination_bucket_policy_json" {
  description = "Bucket policy of B: denies requests without TLS."
  value       = jsonencode(local.destination_bucket_policy)
}

output "event_queue_policy_json" {
  description = "Resource policy of the event queue that lets S3 send events of bucket A, or null when no event queue is used."
  value       = local.event_queue_policy == null ? null : jsonencode(local.event_queue_policy)
}

output "failure_queue_policy_json" {
  description = "Resource policy of the failure queue that lets the EventBridge rule send undeliverable events, or null when EventBridge is not used."
  value       = local.failure_queue_policy == null ? null : jsonencode(local.failure_queue_policy)
}

output "source_bucket_arn" {
  description = "ARN of bucket A."
  value       = local.source_bucket_arn
}

output "destination_bucket_arn" {
  description = "ARN of bucket B."
  value       = local.destination_bucket_arn
}
