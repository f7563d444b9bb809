# Renders every document with fixed ARNs and asserts on the decoded JSON.
# Runs offline: the module has no provider.

variables {
  account_id              = "123456789012"
  source_bucket_name      = "photos-a"
  destination_bucket_name = "photos-b"
  function_role_arn       = "arn:aws:iam::123456789012:role/exifscrub"
  log_group_arn           = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/exifscrub"
  failure_queue_arn       = "arn:aws:sqs:eu-west-1:123456789012:exifscrub-failures"
}

run "user_a_reads_and_writes_only_bucket_a" {
  command = plan

  assert {
    condition = jsondecode(output.user_a_policy_json).Statement == [
      {
        Sid      = "ListSourceBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::photos-a"]
      },
      {
        Sid      = "ReadWriteSourceObjects"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
        Resource = ["arn:aws:s3:::photos-a/*"]
      },
    ]
    error_message = "user A policy differs from list on A plus get/put/delete on A/*: ${output.user_a_policy_json}"
  }
}

run "user_b_reads_only_bucket_b" {
  command = plan

  assert {
    condition = jsondecode(output.user_b_policy_json).Statement == [
      {
        Sid      = "ListDestinationBucket"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = ["arn:aws:s3:::photos-b"]
      },
      {
        Sid      = "ReadDestinationObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["arn:aws:s3:::photos-b/*"]
      },
    ]
    error_message = "user B policy differs from list on B plus get on B/*: ${output.user_b_policy_json}"
  }
}

run "function_cannot_write_bucket_a" {
  command = plan

  assert {
    condition = length([
      for s in jsondecode(output.function_policy_json).Statement : s
      if anytrue([for r in s.Resource : startswith(r, "arn:aws:s3:::photos-a")])
      && anytrue([for a in s.Action : !contains(["s3:GetObject", "s3:ListBucket"], a)])
    ]) == 0
    error_message = "the function role has an action other than s3:GetObject or s3:ListBucket on bucket A: ${output.function_policy_json}"
  }

  assert {
    condition = [
      for s in jsondecode(output.function_policy_json).Statement : [s.Action, s.Resource]
      if anytrue([for r in s.Resource : startswith(r, "arn:aws:s3:::")])
      ] == [
      [["s3:ListBucket"], ["arn:aws:s3:::photos-a"]],
      [["s3:GetObject"], ["arn:aws:s3:::photos-a/*"]],
      [["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::photos-b/*"]],
    ]
    error_message = "the function role's S3 statements differ from the specification: ${output.function_policy_json}"
  }

  assert {
    condition = [
      for s in jsondecode(output.function_policy_json).Statement : [s.Action, s.Resource]
      if s.Sid == "WriteOwnLogs"
      ] == [
      [["logs:CreateLogStream", "logs:PutLogEvents"], ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/exifscrub:log-stream:*"]],
    ]
    error_message = "the function may write logs to other log groups than its own: ${output.function_policy_json}"
  }

  assert {
    condition     = length([for s in jsondecode(output.function_policy_json).Statement : s if s.Sid == "SendFailedEvents" && s.Resource == ["arn:aws:sqs:eu-west-1:123456789012:exifscrub-failures"] && s.Action == ["sqs:SendMessage"]]) == 1
    error_message = "the function cannot send to its failure queue, or may send elsewhere: ${output.function_policy_json}"
  }
}

run "no_allow_has_wildcard_action_or_kms_by_default" {
  command = plan

  assert {
    condition = length(flatten([
      for doc in [output.user_a_policy_json, output.user_b_policy_json, output.function_policy_json] : [
        for s in jsondecode(doc).Statement : [
          for a in s.Action : a if strcontains(a, "*") || startswith(a, "kms:") || startswith(a, "sqs:Receive")
        ] if s.Effect == "Allow"
      ]
    ])) == 0
    error_message = "an Allow statement grants a wildcard action, KMS without a key or an event queue action without a queue."
  }
}

run "bucket_policies_deny_requests_without_tls" {
  command = plan

  assert {
    condition = jsondecode(output.source_bucket_policy_json).Statement[0] == {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::photos-a", "arn:aws:s3:::photos-a/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    error_message = "bucket A does not deny requests without TLS: ${output.source_bucket_policy_json}"
  }

  assert {
    condition = jsondecode(output.destination_bucket_policy_json).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::photos-b", "arn:aws:s3:::photos-b/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "bucket B does not deny requests without TLS: ${output.destination_bucket_policy_json}"
  }

  assert {
    condition = [
      for s in jsondecode(output.source_bucket_policy_json).Statement : [s.Principal, s.Action]
      if s.Sid == "DenyFunctionWrites"
      ] == [
      [{ AWS = "arn:aws:iam::123456789012:role/exifscrub" }, ["s3:AbortMultipartUpload", "s3:Delete*", "s3:Put*", "s3:RestoreObject"]],
    ]
    error_message = "bucket A does not deny the function role its writes: ${output.source_bucket_policy_json}"
  }
}

run "no_event_queue_policy_without_queue" {
  command = plan

  assert {
    condition     = output.event_queue_policy_json == null
    error_message = "an event queue policy was rendered although no event queue is configured."
  }
}

run "event_queue_accepts_only_bucket_a_of_this_account" {
  command = plan

  variables {
    event_queue_arn = "arn:aws:sqs:eu-west-1:123456789012:exifscrub-events"
  }

  assert {
    condition = jsondecode(output.event_queue_policy_json).Statement == [{
      Sid       = "AcceptSourceBucketEvents"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = ["sqs:SendMessage"]
      Resource  = ["arn:aws:sqs:eu-west-1:123456789012:exifscrub-events"]
      Condition = {
        ArnEquals    = { "aws:SourceArn" = "arn:aws:s3:::photos-a" }
        StringEquals = { "aws:SourceAccount" = "123456789012" }
      }
    }]
    error_message = "the event queue policy differs: ${output.event_queue_policy_json}"
  }

  assert {
    condition = [
      for s in jsondecode(output.function_policy_json).Statement : s.Action if s.Sid == "ConsumeEventQueue"
      ] == [
      ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
    ]
    error_message = "the function cannot consume the event queue: ${output.function_policy_json}"
  }
}

run "kms_key_grants_only_through_s3" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-1111-2222-3333-444455556666"
  }

  assert {
    condition = [for s in jsondecode(output.user_b_policy_json).Statement : s if s.Sid == "UseBucketKeyToRead"] == [{
      Sid       = "UseBucketKeyToRead"
      Effect    = "Allow"
      Action    = ["kms:Decrypt"]
      Resource  = ["arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-1111-2222-3333-444455556666"]
      Condition = { StringLike = { "kms:ViaService" = "s3.*.amazonaws.com" } }
    }]
    error_message = "user B cannot decrypt through S3 with the bucket key: ${output.user_b_policy_json}"
  }

  assert {
    condition     = length([for s in jsondecode(output.function_policy_json).Statement : s if s.Sid == "UseBucketKeyToReadAndWrite"]) == 1
    error_message = "the function cannot use the bucket key: ${output.function_policy_json}"
  }
}

run "same_bucket_names_are_rejected" {
  command = plan

  variables {
    destination_bucket_name = "photos-a"
  }

  expect_failures = [var.destination_bucket_name]
}

run "role_arn_must_be_a_role" {
  command = plan

  variables {
    function_role_arn = "arn:aws:iam::123456789012:user/exifscrub"
  }

  expect_failures = [var.function_role_arn]
}

run "no_failure_queue_policy_without_eventbridge" {
  command = plan

  assert {
    condition     = output.failure_queue_policy_json == null
    error_message = "a failure queue policy was rendered although no EventBridge rule is configured."
  }
}

run "failure_queue_accepts_only_the_eventbridge_rule" {
  command = plan

  variables {
    eventbridge_rule_arn = "arn:aws:events:eu-west-1:123456789012:rule/exifscrub-objects"
  }

  assert {
    condition = jsondecode(output.failure_queue_policy_json).Statement == [{
      Sid       = "AcceptUndeliverableRuleEvents"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["sqs:SendMessage"]
      Resource  = ["arn:aws:sqs:eu-west-1:123456789012:exifscrub-failures"]
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:events:eu-west-1:123456789012:rule/exifscrub-objects" } }
    }]
    error_message = "the failure queue policy differs: ${output.failure_queue_policy_json}"
  }
}
