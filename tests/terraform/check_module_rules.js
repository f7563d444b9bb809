// Checks the exifscrub Terraform module for the deployment rules that a
// schema check cannot see. The rules: no access keys in state, the
// notification ordered after the permission it needs, private and
// encrypted buckets, bounded log retention, the function's runtime
// settings, each policy document wired to its resource, and typed,
// described variables and outputs. Works offline on the output of
// HashiCorp's HCL parser.
//
// Does not evaluate expressions: a rule that expects `true` accepts only
// the literal, and references are compared as written.
//
// Usage: node check_module_rules.js MODULE_DIR [ROOT_DIR...]
//   MODULE_DIR: infra/terraform/modules/exifscrub; every ROOT_DIR is also
//   checked for typed, described variables and outputs.

"use strict";

const fs = require("fs");
const path = require("path");
const { parse } = require("@cdktf/hcl2json");

// Parses the .tf files of one folder into its resources, variables,
// outputs, locals and terraform blocks, each resource with its file.
async function load_module(dir) {
  const module = { resources: [], variables: [], outputs: [], locals: {}, terraform: [], modules: {} };
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".tf")).sort();
  for (const file of files) {
    const ast = await parse(file, fs.readFileSync(path.join(dir, file), "utf8"));
    for (const [type, by_name] of Object.entries(ast.resource || {})) {
      for (const [name, bodies] of Object.entries(by_name)) module.resources.push({ file, type, name, body: bodies[0] });
    }
    for (const [name, bodies] of Object.entries(ast.variable || {})) module.variables.push({ file, name, body: bodies[0] });
    for (const [name, bodies] of Object.entries(ast.output || {})) module.outputs.push({ file, name, body: bodies[0] });
    for (const locals of ast.locals || []) Object.assign(module.locals, locals);
    for (const [name, bodies] of Object.entries(ast.module || {})) module.modules[name] = bodies.map((body) => ({ file, body }));
    for (const block of ast.terraform || []) module.terraform.push({ file, body: block });
  }
  return module;
}

function where(r) {
  return `${r.file}: resource "${r.type}" "${r.name}"`;
}

function of_type(module, type) {
  return module.resources.filter((r) => r.type === type);
}

function expect_values(findings, resource, body, expected, prefix = "") {
  for (const [argument, value] of Object.entries(expected)) {
    if (JSON.stringify(body[argument]) !== JSON.stringify(value)) {
      findings.push(`${where(resource)}: ${prefix}${argument} is ${JSON.stringify(body[argument])}, expected ${JSON.stringify(value)}`);
    }
  }
}

function check_no_access_keys(module, findings) {
  for (const r of of_type(module, "aws_iam_access_key")) {
    findings.push(`${where(r)}: access keys must not be created in Terraform, because their secret is stored in the state`);
  }
}

function check_buckets(module, findings) {
  for (const r of of_type(module, "aws_s3_bucket_public_access_block")) {
    expect_values(findings, r, r.body, { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
  }
  for (const r of of_type(module, "aws_s3_bucket_ownership_controls")) {
    expect_values(findings, r, (r.body.rule || [{}])[0], { object_ownership: "BucketOwnerEnforced" }, "rule.");
  }
  for (const r of of_type(module, "aws_s3_bucket_versioning")) {
    expect_values(findings, r, (r.body.versioning_configuration || [{}])[0], { status: "Enabled" }, "versioning_configuration.");
  }
  for (const r of of_type(module, "aws_s3_bucket_lifecycle_configuration")) {
    const rule = (r.body.rule || [{}])[0];
    for (const block of ["abort_incomplete_multipart_upload", "noncurrent_version_expiration"]) {
      if (!rule[block]) findings.push(`${where(r)}: rule has no ${block} block`);
    }
  }
  for (const r of of_type(module, "aws_s3_bucket")) {
    expect_values(findings, r, r.body, { force_destroy: "${var.force_destroy}" });
  }
  const required = ["aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_policy"];
  for (const type of required) {
    if (of_type(module, type).length === 0) findings.push(`module: no ${type} resource; every bucket needs one`);
  }
}

function check_function(module, findings) {
  for (const r of of_type(module, "aws_lambda_function")) {
    expect_values(findings, r, r.body, { runtime: "provided.al2023", handler: "bootstrap" });
    expect_values(findings, r, (r.body.logging_config || [{}])[0], { log_format: "JSON" }, "logging_config.");
    const variables = ((r.body.environment || [{}])[0].variables) || {};
    for (const name of ["DEST_BUCKET", "SOURCE_BUCKET", "ORIENTATION", "KEEP_ICC", "MAX_OBJECT_BYTES", "LOG_LEVEL"]) {
      if (!(name in variables)) findings.push(`${where(r)}: environment has no ${name}`);
    }
  }
  for (const r of of_type(module, "aws_lambda_function_recursion_config")) {
    expect_values(findings, r, r.body, { recursive_loop: "Terminate" });
  }
  for (const r of of_type(module, "aws_cloudwatch_log_group")) {
    if (r.body.retention_in_days === undefined || r.body.retention_in_days === 0) {
      findings.push(`${where(r)}: retention_in_days is not set, so the logs are kept forever`);
    }
  }
  for (const r of of_type(module, "aws_sqs_queue")) {
    if (r.body.sqs_managed_sse_enabled !== true && r.body.kms_master_key_id === undefined) {
      findings.push(`${where(r)}: queue is not encrypted; set sqs_managed_sse_enabled = true or kms_master_key_id`);
    }
  }
  for (const type of ["aws_lambda_function_recursion_config", "aws_lambda_function_event_invoke_config", "aws_cloudwatch_log_group"]) {
    if (of_type(module, type).length === 0) findings.push(`module: no ${type} resource`);
  }
}

function check_trigger(module, findings) {
  const notifications = of_type(module, "aws_s3_bucket_notification");
  if (notifications.length !== 1) findings.push(`module: ${notifications.length} aws_s3_bucket_notification resources, expected exactly 1 (S3 keeps one configuration per bucket)`);
  for (const r of notifications) {
    const depends = r.body.depends_on || [];
    // Only the destinations S3 itself invokes: the Lambda permission for
    // s3.amazonaws.com and the policy of the event queue.
    const s3_permissions = of_type(module, "aws_lambda_permission").filter((p) => p.body.principal === "s3.amazonaws.com");
    if (s3_permissions.length === 0) findings.push("module: no aws_lambda_permission for s3.amazonaws.com");
    for (const permission of s3_permissions) {
      if (!depends.includes(`\${aws_lambda_permission.${permission.name}}`)) {
        findings.push(`${where(r)}: depends_on does not list aws_lambda_permission.${permission.name}, so S3 may reject the notification`);
      }
    }
    const event_queue_policies = of_type(module, "aws_sqs_queue_policy").filter((p) => String(p.body.policy).includes("event_queue_policy_json"));
    for (const policy of event_queue_policies) {
      if (!depends.includes(`\${aws_sqs_queue_policy.${policy.name}}`)) {
        findings.push(`${where(r)}: depends_on does not list aws_sqs_queue_policy.${policy.name}, so S3 may reject the notification`);
      }
    }
  }
  const suffixes = module.locals.jpeg_suffixes;
  if (JSON.stringify(suffixes) !== JSON.stringify([".jpg", ".JPG", ".jpeg", ".JPEG"])) {
    findings.push(`locals: jpeg_suffixes is ${JSON.stringify(suffixes)}, expected [".jpg",".JPG",".jpeg",".JPEG"] because S3 suffix filters are case-sensitive`);
  }
  for (const r of of_type(module, "aws_lambda_permission")) {
    expect_values(findings, r, r.body, { action: "lambda:InvokeFunction" });
    for (const argument of ["source_arn", "source_account"]) {
      if (r.body[argument] === undefined) findings.push(`${where(r)}: ${argument} is not set, so any ${r.body.principal} resource could invoke the function`);
    }
  }
  for (const r of of_type(module, "aws_cloudwatch_event_target")) {
    for (const block of ["retry_policy", "dead_letter_config"]) {
      if (!r.body[block]) findings.push(`${where(r)}: no ${block} block, so events EventBridge cannot deliver are lost`);
    }
  }
  for (const r of of_type(module, "aws_lambda_event_source_mapping")) {
    expect_values(findings, r, r.body, { function_response_types: ["ReportBatchItemFailures"] });
  }
}

// Each policy document must reach the resource it was written for: a swap
// of user A's and user B's policies, or a role policy taken from the wrong
// output, passes every other check.
const WIRING = [
  ["aws_iam_group_policy", "uploaders", "policy", "${module.policies.user_a_policy_json}"],
  ["aws_iam_group_policy", "readers", "policy", "${module.policies.user_b_policy_json}"],
  ["aws_iam_role_policy", "function", "policy", "${module.policies.function_policy_json}"],
  ["aws_iam_role", "function", "assume_role_policy", "${module.policies.function_assume_role_policy_json}"],
  ["aws_s3_bucket_policy", "this", "policy", '${each.key == "source" ? module.policies.source_bucket_policy_json : module.policies.destination_bucket_policy_json}'],
  ["aws_sqs_queue_policy", "events", "policy", "${module.policies.event_queue_policy_json}"],
  ["aws_sqs_queue_policy", "failures", "policy", "${module.policies.failure_queue_policy_json}"],
  ["aws_lambda_function", "this", "role", "${aws_iam_role.function.arn}"],
];
const POLICY_INPUTS = {
  function_role_arn: "${aws_iam_role.function.arn}",
  log_group_arn: "${aws_cloudwatch_log_group.function.arn}",
  failure_queue_arn: "${aws_sqs_queue.failures.arn}",
  source_bucket_name: "${var.source_bucket_name}",
  destination_bucket_name: "${var.destination_bucket_name}",
  kms_key_arn: "${var.kms_key_arn}",
};

function check_wiring(module, findings) {
  for (const [type, name, argument, expected] of WIRING) {
    const resource = module.resources.find((r) => r.type === type && r.name === name);
    if (!resource) {
      findings.push(`module: no resource "${type}" "${name}" to carry ${expected}`);
      continue;
    }
    if (resource.body[argument] !== expected) {
      findings.push(`${where(resource)}: ${argument} is ${JSON.stringify(resource.body[argument])}, expected ${JSON.stringify(expected)}`);
    }
  }
  const call = (module.modules.policies || [])[0];
  if (!call) {
    findings.push('module: no module "policies" call');
    return;
  }
  for (const [argument, expected] of Object.entries(POLICY_INPUTS)) {
    if (call.body[argument] !== expected) {
      findings.push(`${call.file}: module "policies": ${argument} is ${JSON.stringify(call.body[argument])}, expected ${JSON.stringify(expected)}`);
    }
  }
}

function check_interface(dir, module, findings) {
  for (const v of module.variables) {
    for (const argument of ["type", "description"]) {
      if (v.body[argument] === undefined) findings.push(`${path.join(dir, v.file)}: variable "${v.name}" has no ${argument}`);
    }
  }
  for (const o of module.outputs) {
    if (o.body.description === undefined) findings.push(`${path.join(dir, o.file)}: output "${o.name}" has no description`);
  }
  if (!module.terraform.some((t) => t.body.required_version)) findings.push(`${dir}: no terraform block with required_version`);
}

async function check(module_dir, root_dirs) {
  const findings = [];
  const module = await load_module(module_dir);
  check_no_access_keys(module, findings);
  check_buckets(module, findings);
  check_function(module, findings);
  check_trigger(module, findings);
  check_wiring(module, findings);
  for (const dir of [module_dir, ...root_dirs]) {
    const loaded = dir === module_dir ? module : await load_module(dir);
    check_interface(path.relative(process.cwd(), dir) || ".", loaded, findings);
    if (dir !== module_dir) check_no_access_keys(loaded, findings);
  }
  return findings;
}

async function main(argv) {
  if (argv.length < 1) {
    console.error("usage: node check_module_rules.js MODULE_DIR [ROOT_DIR...]");
    return 2;
  }
  const findings = await check(argv[0], argv.slice(1));
  for (const finding of findings) console.log(finding);
  console.error(`check_module_rules: ${findings.length} findings`);
  return findings.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    console.error(`check_module_rules: ${error.message}`);
    process.exit(2);
  });
}

module.exports = { check };
