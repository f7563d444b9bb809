output "source_bucket_name" {
  description = "Upload photos here (user A)."
  value       = module.exifscrub.source_bucket_name
}

output "destination_bucket_name" {
  description = "Scrubbed copies appear here under the same key (user B)."
  value       = module.exifscrub.destination_bucket_name
}

output "function_name" {
  description = "Name of the scrubbing function."
  value       = module.exifscrub.function_name
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = module.exifscrub.log_group_name
}

output "failure_queue_url" {
  description = "Events that failed after every retry."
  value       = module.exifscrub.failure_queue_url
}

output "user_a_name" {
  description = "IAM user for uploads; create its access key outside Terraform."
  value       = module.exifscrub.user_a_name
}

output "user_b_name" {
  description = "IAM user for downloads; create its access key outside Terraform."
  value       = module.exifscrub.user_b_name
}
