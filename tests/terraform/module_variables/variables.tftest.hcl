# Exercises the input validations of modules/exifscrub. run_variables_test.sh
# copies the module's variables.tf next to this file in a scratch folder,
# together with an empty function.zip, so the test needs no provider.

variables {
  source_bucket_name      = "acme-photo-uploads"
  destination_bucket_name = "acme-photo-scrubbed"
  lambda_zip_path         = "function.zip"
}

run "defaults_are_valid" {
  command = plan

  assert {
    condition     = var.architecture == "x86_64" && var.event_delivery == "direct" && var.force_destroy == false
    error_message = "defaults changed: architecture ${var.architecture}, event_delivery ${var.event_delivery}, force_destroy ${var.force_destroy}."
  }

  assert {
    condition     = var.log_retention_days == 30 && var.maximum_retry_attempts == 2
    error_message = "defaults changed: log_retention_days ${var.log_retention_days}, maximum_retry_attempts ${var.maximum_retry_attempts}."
  }
}

run "arm64_and_sqs_are_accepted" {
  command = plan

  variables {
    architecture        = "arm64"
    event_delivery      = "sqs"
    kms_key_arn         = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-1111-2222-3333-444455556666"
    alarm_sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops"
  }
}

run "eventbridge_is_accepted" {
  command = plan

  variables {
    event_delivery = "eventbridge"
  }
}

run "same_bucket_names_are_rejected" {
  command = plan

  variables {
    destination_bucket_name = "acme-photo-uploads"
  }

  expect_failures = [var.destination_bucket_name]
}

run "invalid_bucket_name_is_rejected" {
  command = plan

  variables {
    source_bucket_name = "Acme_Photos"
  }

  expect_failures = [var.source_bucket_name]
}

run "missing_package_is_rejected" {
  command = plan

  variables {
    lambda_zip_path = "dist/missing.zip"
  }

  expect_failures = [var.lambda_zip_path]
}

run "unknown_architecture_is_rejected" {
  command = plan

  variables {
    architecture = "arm"
  }

  expect_failures = [var.architecture]
}

run "unknown_orientation_is_rejected" {
  command = plan

  variables {
    orientation = "rotate"
  }

  expect_failures = [var.orientation]
}

run "logs_kept_forever_are_rejected" {
  command = plan

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}

run "too_many_retries_are_rejected" {
  command = plan

  variables {
    maximum_retry_attempts = 3
  }

  expect_failures = [var.maximum_retry_attempts]
}

run "kms_alias_is_rejected" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:alias/photos"
  }

  expect_failures = [var.kms_key_arn]
}

run "unknown_event_delivery_is_rejected" {
  command = plan

  variables {
    event_delivery = "sns"
  }

  expect_failures = [var.event_delivery]
}

run "oversized_timeout_is_rejected" {
  command = plan

  variables {
    timeout = 901
  }

  expect_failures = [var.timeout]
}
