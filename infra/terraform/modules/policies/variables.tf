variable "partition" {
  description = "AWS partition of every ARN built here (aws, aws-cn or aws-us-gov)."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-cn", "aws-us-gov"], var.partition)
    error_message = "partition must be aws, aws-cn or aws-us-gov."
  }
}

variable "account_id" {
  description = "AWS account id that owns the buckets; S3 may only deliver events from this account (aws:SourceAccount)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "source_bucket_name" {
  description = "Name of bucket A, where users upload photos and whose events trigger the function."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.source_bucket_name))
    error_message = "source_bucket_name must be a valid S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-'."
  }
}

variable "destination_bucket_name" {
  description = "Name of bucket B, where the function writes the scrubbed copies."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.destination_bucket_name))
    error_message = "destination_bucket_name must be a valid S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-'."
  }

  validation {
    condition     = var.destination_bucket_name != var.source_bucket_name
    error_message = "destination_bucket_name must differ from source_bucket_name: a function that writes to the bucket that triggers it invokes itself in a loop."
  }
}

variable "function_role_arn" {
  description = "ARN of the function's execution role; the source bucket policy denies it every write."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/.+$", var.function_role_arn))
    error_message = "function_role_arn must be an IAM role ARN such as arn:aws:iam::123456789012:role/exifscrub."
  }
}

variable "log_group_arn" {
  description = "ARN of the function's own CloudWatch log group, without a trailing ':*'."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^*]+$", var.log_group_arn))
    error_message = "log_group_arn must be a log group ARN without wildcards, such as arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/exifscrub."
  }
}

variable "failure_queue_arn" {
  description = "ARN of the SQS queue that receives events the function failed on after all retries."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.failure_queue_arn))
    error_message = "failure_queue_arn must be an SQS queue ARN."
  }
}

variable "event_queue_arn" {
  description = "ARN of the SQS queue that carries S3 events to the function, or null when S3 invokes the function directly."
  type        = string
  default     = null

  validation {
    condition     = var.event_queue_arn == null || can(regex("^arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.event_queue_arn))
    error_message = "event_queue_arn must be null or an SQS queue ARN."
  }
}

variable "eventbridge_rule_arn" {
  description = "ARN of the EventBridge rule that forwards events of bucket A to the function, or null when EventBridge is not used. The rule may send undeliverable events to the failure queue."
  type        = string
  default     = null

  validation {
    condition     = var.eventbridge_rule_arn == null || can(regex("^arn:[a-z-]+:events:[a-z0-9-]+:[0-9]{12}:rule/.+$", var.eventbridge_rule_arn))
    error_message = "eventbridge_rule_arn must be null or an EventBridge rule ARN."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts both buckets, or null for SSE-S3 (no KMS permissions are granted then)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); aliases are not accepted in key policies."
  }
}
