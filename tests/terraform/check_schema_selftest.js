// Proves that check_schema.js can fail: writes small configurations with
// one known mistake each into a temporary folder and asserts the exact
// findings, then asserts that a correct configuration passes.
//
// Usage: node check_schema_selftest.js   (exit 0: every case behaved, 1: a case did not)

"use strict";

const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { AwsSchema } = require("./aws_schema");
const { check_dirs, satisfies } = require("./check_schema");

const CASES = [
  {
    name: "misspelt argument",
    tf: 'resource "aws_s3_bucket" "a" {\n  bucket_name = "x"\n}\n',
    expected: ['main.tf: resource "aws_s3_bucket" "a": unknown argument or block "bucket_name"'],
  },
  {
    name: "unknown resource type",
    tf: 'resource "aws_s3_bucket_acls" "a" {\n  bucket = "x"\n}\n',
    expected: ['main.tf: resource "aws_s3_bucket_acls" "a": unknown resource type "aws_s3_bucket_acls" in hashicorp/aws 6.25.0'],
  },
  {
    name: "missing required argument",
    tf: 'resource "aws_lambda_permission" "a" {\n  function_name = "f"\n  principal     = "s3.amazonaws.com"\n}\n',
    expected: ['main.tf: resource "aws_lambda_permission" "a": missing required argument "action"'],
  },
  {
    name: "misspelt argument in nested block",
    tf: 'resource "aws_s3_bucket_ownership_controls" "a" {\n  bucket = "x"\n  rule {\n    object_owner = "BucketOwnerEnforced"\n  }\n}\n',
    expected: [
      'main.tf: resource "aws_s3_bucket_ownership_controls" "a" rule[0]: unknown argument or block "object_owner"',
      'main.tf: resource "aws_s3_bucket_ownership_controls" "a" rule[0]: missing required argument "object_ownership"',
    ],
  },
  {
    name: "missing required block",
    tf: 'resource "aws_s3_bucket_versioning" "a" {\n  bucket = "x"\n}\n',
    expected: ['main.tf: resource "aws_s3_bucket_versioning" "a": missing required block "versioning_configuration"'],
  },
  {
    name: "misspelt argument in dynamic block",
    tf: 'resource "aws_s3_bucket_notification" "a" {\n  bucket = "x"\n  dynamic "lambda_function" {\n    for_each = [".jpg"]\n    content {\n      lambda_arn = "f"\n      events     = ["s3:ObjectCreated:*"]\n    }\n  }\n}\n',
    expected: ['main.tf: resource "aws_s3_bucket_notification" "a": dynamic lambda_function[0]: unknown argument or block "lambda_arn"'],
  },
  {
    name: "map argument written as a block",
    tf: 'resource "aws_sqs_queue" "a" {\n  name = "q"\n  tags {\n    a = "b"\n  }\n}\n',
    expected: ['main.tf: resource "aws_sqs_queue" "a": "tags" is a map argument, not a block; write tags = { ... }'],
  },
  {
    name: "block written as an argument",
    tf: 'resource "aws_lambda_function" "a" {\n  function_name = "f"\n  role          = "r"\n  environment   = { variables = {} }\n}\n',
    expected: ['main.tf: resource "aws_lambda_function" "a": "environment" is a block, not an argument'],
  },
  {
    name: "misspelt data source argument",
    tf: 'data "aws_iam_role" "a" {\n  role_name = "r"\n}\n',
    expected: [
      'main.tf: data "aws_iam_role" "a": unknown argument or block "role_name"',
      'main.tf: data "aws_iam_role" "a": missing required argument "name"',
    ],
  },
  {
    name: "misspelt provider argument",
    tf: 'provider "aws" {\n  regoin = "eu-west-1"\n}\n',
    expected: ['main.tf: provider "aws": unknown argument or block "regoin"'],
  },
  {
    name: "provider constraint excluding the schema",
    tf: 'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n  }\n}\n',
    expected: ['main.tf: terraform required_providers "aws": constraint "~> 5.0" excludes 6.25.0, the version this check knows'],
  },
  {
    name: "unknown and missing module arguments",
    tf: 'module "m" {\n  source = "./child"\n  nmae   = "x"\n}\n',
    child: 'variable "name" {\n  type = string\n}\n\nvariable "size" {\n  type    = number\n  default = 1\n}\n',
    expected: [
      'main.tf: module "m": unknown argument "nmae" (no such variable in ./child)',
      'main.tf: module "m": missing required argument "name"',
    ],
  },
  {
    name: "correct configuration",
    tf: 'resource "aws_s3_bucket_versioning" "a" {\n  count  = 1\n  bucket = "x"\n  versioning_configuration {\n    status = "Enabled"\n  }\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
    expected: [],
  },
];

async function run_case(schema, test_case) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-schema-"));
  try {
    fs.writeFileSync(path.join(dir, "main.tf"), test_case.tf);
    if (test_case.child) {
      fs.mkdirSync(path.join(dir, "child"));
      fs.writeFileSync(path.join(dir, "child", "variables.tf"), test_case.child);
    }
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const result = await check_dirs(["."], schema);
      // The child module's own files are checked too; they contain no resources.
      assert.deepStrictEqual(result.findings, test_case.expected, test_case.name);
    } finally {
      process.chdir(cwd);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function check_constraints() {
  const table = [
    ["6.25.0", ">= 6.25.0, < 7.0.0", true],
    ["6.25.0", "~> 6.25", true],
    ["6.25.0", "~> 6.25.1", false],
    ["6.25.0", "~> 5.0", false],
    ["6.25.0", "= 6.25.0", true],
    ["6.25.0", "!= 6.25.0", false],
    ["6.25.0", "< 6.25.0", false],
  ];
  for (const [version, constraint, expected] of table) {
    assert.strictEqual(satisfies(version, constraint), expected, `${version} against "${constraint}"`);
  }
}

async function main() {
  const schema = AwsSchema.load();
  let failures = 0;
  for (const test_case of CASES) {
    try {
      await run_case(schema, test_case);
      console.log(`ok   ${test_case.name}`);
    } catch (error) {
      failures += 1;
      console.log(`FAIL ${test_case.name}\n${error.message}`);
    }
  }
  try {
    check_constraints();
    console.log("ok   version constraints");
  } catch (error) {
    failures += 1;
    console.log(`FAIL version constraints\n${error.message}`);
  }
  console.log(`${CASES.length + 1 - failures} of ${CASES.length + 1} cases passed`);
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code));
