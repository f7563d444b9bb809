// Proves that check_module_rules.js can fail: copies the exifscrub module
// into a temporary folder, breaks one rule at a time with a text edit and
// asserts the exact findings.
//
// Usage: node check_module_rules_selftest.js MODULE_DIR

"use strict";

const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { check } = require("./check_module_rules");

const NOTIFICATION = 'notifications.tf: resource "aws_s3_bucket_notification" "source"';

const CASES = [
  {
    name: "notification before permission",
    file: "notifications.tf",
    from: "    aws_lambda_permission.s3,\n",
    to: "",
    expected: [`${NOTIFICATION}: depends_on does not list aws_lambda_permission.s3, so S3 may reject the notification`],
  },
  {
    name: "public bucket policy allowed",
    file: "s3.tf",
    from: "restrict_public_buckets = true",
    to: "restrict_public_buckets = false",
    expected: ['s3.tf: resource "aws_s3_bucket_public_access_block" "this": restrict_public_buckets is false, expected true'],
  },
  {
    name: "logs kept forever",
    file: "lambda.tf",
    from: "  retention_in_days = var.log_retention_days\n",
    to: "",
    expected: ['lambda.tf: resource "aws_cloudwatch_log_group" "function": retention_in_days is not set, so the logs are kept forever'],
  },
  {
    name: "access key in state",
    file: "iam.tf",
    append: '\nresource "aws_iam_access_key" "a" {\n  user = aws_iam_user.a[0].name\n}\n',
    expected: ['iam.tf: resource "aws_iam_access_key" "a": access keys must not be created in Terraform, because their secret is stored in the state'],
  },
  {
    name: "recursive loops allowed",
    file: "lambda.tf",
    from: 'recursive_loop = "Terminate"',
    to: 'recursive_loop = "Allow"',
    expected: ['lambda.tf: resource "aws_lambda_function_recursion_config" "this": recursive_loop is "Allow", expected "Terminate"'],
  },
  {
    name: "upper-case suffix missing",
    file: "main.tf",
    from: '[".jpg", ".JPG", ".jpeg", ".JPEG"]',
    to: '[".jpg", ".jpeg"]',
    expected: ['locals: jpeg_suffixes is [".jpg",".jpeg"], expected [".jpg",".JPG",".jpeg",".JPEG"] because S3 suffix filters are case-sensitive'],
  },
  {
    name: "permission without source account",
    file: "notifications.tf",
    from: "  source_account = local.account_id\n",
    to: "",
    expected: ['notifications.tf: resource "aws_lambda_permission" "s3": source_account is not set, so any s3.amazonaws.com resource could invoke the function'],
  },
  {
    name: "unencrypted failure queue",
    file: "lambda.tf",
    from: "  sqs_managed_sse_enabled   = true\n  tags                      = var.tags\n}\n",
    to: "  tags = var.tags\n}\n",
    expected: ['lambda.tf: resource "aws_sqs_queue" "failures": queue is not encrypted; set sqs_managed_sse_enabled = true or kms_master_key_id'],
  },
  {
    name: "rule target without dead letter queue",
    file: "notifications.tf",
    from: "  dead_letter_config {\n    arn = aws_sqs_queue.failures.arn\n  }\n",
    to: "",
    expected: ['notifications.tf: resource "aws_cloudwatch_event_target" "function": no dead_letter_config block, so events EventBridge cannot deliver are lost'],
  },
  {
    name: "user policies swapped",
    file: "iam.tf",
    from: "module.policies.user_a_policy_json",
    to: "module.policies.user_b_policy_json",
    expected: ['iam.tf: resource "aws_iam_group_policy" "uploaders": policy is "${module.policies.user_b_policy_json}", expected "${module.policies.user_a_policy_json}"'],
  },
  {
    name: "bucket deny aimed at another role",
    file: "main.tf",
    from: "function_role_arn       = aws_iam_role.function.arn",
    to: "function_role_arn       = \"arn:aws:iam::123456789012:role/other\"",
    expected: ['main.tf: module "policies": function_role_arn is "arn:aws:iam::123456789012:role/other", expected "${aws_iam_role.function.arn}"'],
  },
  {
    name: "undescribed variable",
    file: "variables.tf",
    prepend: 'variable "extra" {\n  type = string\n}\n\n',
    expected: ['variables.tf: variable "extra" has no description'],
  },
];

function apply(dir, test_case) {
  const file = path.join(dir, test_case.file);
  let text = fs.readFileSync(file, "utf8");
  if (test_case.prepend) text = test_case.prepend + text;
  if (test_case.append) text += test_case.append;
  if (test_case.from !== undefined) {
    if (!text.includes(test_case.from)) throw new Error(`${test_case.file} no longer contains ${JSON.stringify(test_case.from)}; update this case`);
    text = text.replace(test_case.from, test_case.to);
  }
  fs.writeFileSync(file, text);
}

async function run_case(module_dir, test_case) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "module-rules-"));
  const cwd = process.cwd();
  try {
    for (const file of fs.readdirSync(module_dir).filter((f) => f.endsWith(".tf"))) {
      fs.copyFileSync(path.join(module_dir, file), path.join(dir, file));
    }
    apply(dir, test_case);
    process.chdir(dir);
    assert.deepStrictEqual(await check(".", []), test_case.expected, test_case.name);
  } finally {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv) {
  if (argv.length !== 1) {
    console.error("usage: node check_module_rules_selftest.js MODULE_DIR");
    return 2;
  }
  const module_dir = path.resolve(argv[0]);
  let failures = 0;
  for (const test_case of CASES) {
    try {
      await run_case(module_dir, test_case);
      console.log(`ok   ${test_case.name}`);
    } catch (error) {
      failures += 1;
      console.log(`FAIL ${test_case.name}\n${error.message}`);
    }
  }
  console.log(`${CASES.length - failures} of ${CASES.length} cases passed`);
  return failures === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
