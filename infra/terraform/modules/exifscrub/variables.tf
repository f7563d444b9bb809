variable "name" {
  description = "Prefix of every resource name (function, role, queues, users, alarms)."
  type        = string
  default     = "exifscrub"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1-40 characters of A-Z, a-z, 0-9, '_' and '-' so that every derived resource name stays within its limit."
  }
}

variable "source_bucket_name" {
  description = "Name of bucket A, created here, where user A uploads photos. S3 bucket names are global: include something unique such as the account id."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.source_bucket_name)) && !strcontains(var.source_bucket_name, "..")
    error_message = "source_bucket_name must be a valid S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit."
  }
}

variable "destination_bucket_name" {
  description = "Name of bucket B, created here, where the function writes scrubbed copies under the same key."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.destination_bucket_name)) && !strcontains(var.destination_bucket_name, "..")
    error_message = "destination_bucket_name must be a valid S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit."
  }

  validation {
    condition     = var.destination_bucket_name != var.source_bucket_name
    error_message = "destination_bucket_name must differ from source_bucket_name: a function that writes to the bucket that triggers it invokes itself in a loop."
  }
}

variable "lambda_zip_path" {
  description = "Path of the function package built by `make package` (dist/exifscrub-lambda-x86_64.zip or dist/exifscrub-lambda-arm64.zip); it must match var.architecture."
  type        = string

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip")
    error_message = "lambda_zip_path must name the .zip file that `make package` writes under dist/."
  }

  validation {
    condition     = fileexists(var.lambda_zip_path)
    error_message = "lambda_zip_path does not exist (relative paths start at the folder where terraform runs); build it with `make package` in the repository root."
  }
}

variable "architecture" {
  description = "Instruction set of the function: x86_64 or arm64. It must match the binary inside lambda_zip_path."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "memory_size" {
  description = "Memory of the function in MiB; CPU share grows with it. 512 MiB holds a 100 MiB photo plus its scrubbed copy."
  type        = number
  default     = 512

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number of MiB between 128 and 10240."
  }
}

variable "timeout" {
  description = "Maximum run time of one invocation in seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number of seconds between 1 and 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) the function, or -1 for the account's unreserved pool."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 or a whole number >= 0."
  }
}

variable "orientation" {
  description = "ORIENTATION of the function: apply (rotate portrait photos losslessly), keep-tag (keep only the EXIF orientation) or drop."
  type        = string
  default     = "apply"

  validation {
    condition     = contains(["apply", "keep-tag", "drop"], var.orientation)
    error_message = "orientation must be apply, keep-tag or drop."
  }
}

variable "keep_icc" {
  description = "KEEP_ICC of the function: keep the ICC colour profile so colours render as shot."
  type        = bool
  default     = true
}

variable "max_object_bytes" {
  description = "MAX_OBJECT_BYTES of the function: larger objects are rejected without being read."
  type        = number
  default     = 104857600

  validation {
    condition     = var.max_object_bytes >= 1024 && floor(var.max_object_bytes) == var.max_object_bytes
    error_message = "max_object_bytes must be a whole number of bytes, at least 1024."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of the function and the application log level Lambda filters on."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the function's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653); 0 (never expire) is not allowed."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key for SSE-KMS on both buckets and the log group, or null for SSE-S3. Its key policy must let the function role, the users and CloudWatch Logs use it."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent object versions (overwritten or deleted photos) are removed from both buckets."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which unfinished multipart uploads are aborted and their parts deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number of days, at least 1."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the buckets with all their objects and versions. Keep false outside test accounts."
  type        = bool
  default     = false
}

variable "access_log_bucket_name" {
  description = "Existing bucket that receives S3 server access logs of both buckets (under <bucket name>/), or null for no access logs. It must allow logging.s3.amazonaws.com to write."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be null or a valid S3 bucket name."
  }
}

variable "event_delivery" {
  description = "How S3 events reach the function: direct (S3 invokes it asynchronously, retries and a failure queue), sqs (through a queue with a dead letter queue, in batches) or eventbridge (S3 sends every event to EventBridge and a rule invokes the function)."
  type        = string
  default     = "direct"

  validation {
    condition     = contains(["direct", "sqs", "eventbridge"], var.event_delivery)
    error_message = "event_delivery must be direct, sqs or eventbridge."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failed asynchronous invocation before its event goes to the failure queue (direct and eventbridge delivery)."
  type        = number
  default     = 2

  validation {
    condition     = contains([0, 1, 2], var.maximum_retry_attempts)
    error_message = "maximum_retry_attempts must be 0, 1 or 2 (the Lambda limit)."
  }
}

variable "maximum_event_age_seconds" {
  description = "Age after which an unprocessed asynchronous event goes to the failure queue (direct and eventbridge delivery)."
  type        = number
  default     = 3600

  validation {
    condition     = var.maximum_event_age_seconds >= 60 && var.maximum_event_age_seconds <= 21600
    error_message = "maximum_event_age_seconds must be between 60 and 21600 (the Lambda limits)."
  }
}

variable "sqs_batch_size" {
  description = "Events per function invocation (sqs delivery)."
  type        = number
  default     = 10

  validation {
    condition     = var.sqs_batch_size >= 1 && var.sqs_batch_size <= 10
    error_message = "sqs_batch_size must be between 1 and 10, so no batching window is needed."
  }
}

variable "sqs_max_receive_count" {
  description = "Deliveries of one event before it moves to the dead letter queue (sqs delivery)."
  type        = number
  default     = 5

  validation {
    condition     = var.sqs_max_receive_count >= 1 && var.sqs_max_receive_count <= 1000
    error_message = "sqs_max_receive_count must be between 1 and 1000."
  }
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic notified when an alarm fires or recovers, or null for alarms without actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be null or an SNS topic ARN."
  }
}

variable "create_users" {
  description = "Create IAM users A (uploads to bucket A) and B (reads bucket B) with their groups. Access keys are never created here."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource that supports them."
  type        = map(string)
  default     = {}
}
