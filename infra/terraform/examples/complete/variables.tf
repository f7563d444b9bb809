variable "region" {
  description = "AWS region to deploy into, for example eu-west-1."
  type        = string
}

variable "name" {
  description = "Prefix of every resource name; also the start of both bucket names."
  type        = string
  default     = "exifscrub"
}

variable "lambda_zip_path" {
  description = "Path of the package that `make package` writes, relative to this folder or absolute."
  type        = string
  default     = "../../../../dist/exifscrub-lambda-x86_64.zip"
}

variable "architecture" {
  description = "x86_64 or arm64; must match the package in lambda_zip_path."
  type        = string
  default     = "x86_64"
}

variable "event_delivery" {
  description = "direct (S3 invokes the function), sqs (events pass through a queue) or eventbridge (an EventBridge rule invokes the function)."
  type        = string
  default     = "direct"
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic for alarm notifications, or null."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let `terraform destroy` empty and delete both buckets; meant for trial deployments."
  type        = bool
  default     = false
}
