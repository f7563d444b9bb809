// Checks Terraform configurations offline against the hashicorp/aws
// provider schema: every .tf file under the given folders is parsed with
// HashiCorp's HCL parser (@cdktf/hcl2json), then every resource, data
// source and provider block is compared with the schema from
// @cdktf/provider-aws, and every call of a local module with that module's
// variables. Reports unknown types, unknown arguments and blocks, missing
// required ones, and a required_providers constraint that excludes the
// schema's version, each with the file and block named.
//
// Does not evaluate expressions: an argument set through a variable or a
// dynamic block counts as present whatever its value, and types of values
// are left to Terraform.
//
// Usage: node check_schema.js DIR...   (exit 0: clean, 1: findings, 2: usage or parse error)

"use strict";

const fs = require("fs");
const path = require("path");
const { parse } = require("@cdktf/hcl2json");
const { AwsSchema } = require("./aws_schema");

const RESOURCE_META = new Set(["count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"]);
const DATA_META = new Set(["count", "for_each", "depends_on", "provider", "lifecycle"]);
const MODULE_META = new Set(["source", "version", "count", "for_each", "depends_on", "providers"]);
const PROVIDER_META = new Set(["alias"]);
const PROVIDER_CONFIG = "@cdktf/provider-aws.provider.AwsProviderConfig";

function list_tf_files(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".terraform" || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...list_tf_files(full));
    else if (entry.name.endsWith(".tf")) files.push(full);
  }
  return files.sort();
}

// Compares one block body with its schema struct and returns findings as
// strings prefixed with `where`.
function check_body(body, struct, schema, meta, where) {
  const findings = [];
  const present = new Set();

  for (const [name, value] of Object.entries(body)) {
    if (meta.has(name)) continue;
    if (name === "dynamic") {
      for (const [block_name, instances] of Object.entries(value)) {
        present.add(block_name);
        findings.push(...check_member(block_name, instances.map((d) => (d.content || [{}])[0]), struct, schema, `${where}: dynamic`));
      }
      continue;
    }
    present.add(name);
    findings.push(...check_member(name, value, struct, schema, where));
  }

  for (const [name, member] of struct) {
    if (member.required && !present.has(name)) {
      const member_kind = member.block ? "block" : "argument";
      findings.push(`${where}: missing required ${member_kind} "${name}"`);
    }
  }
  return findings;
}

function check_member(name, value, struct, schema, where) {
  const member = struct.get(name);
  if (!member) return [`${where}: unknown argument or block "${name}"`];
  if (member.map && Array.isArray(value)) return [`${where}: "${name}" is a map argument, not a block; write ${name} = { ... }`];
  if (!member.block) return [];
  if (!Array.isArray(value)) return [`${where}: "${name}" is a block, not an argument`];

  const findings = [];
  value.forEach((instance, i) => {
    if (instance === null || typeof instance !== "object" || Array.isArray(instance)) {
      findings.push(`${where}: "${name}" is a block, not an argument`);
      return;
    }
    findings.push(...check_body(instance, schema.struct(member.block), schema, new Set(), `${where} ${name}[${i}]`));
  });
  return findings;
}

function check_typed_blocks(ast, kind, meta, schema, file) {
  const findings = [];
  const keyword = kind === "data" ? "data" : "resource";
  for (const [type_name, by_name] of Object.entries(ast[keyword] || {})) {
    for (const [name, instances] of Object.entries(by_name)) {
      const where = `${file}: ${keyword} "${type_name}" "${name}"`;
      const struct = type_name.startsWith("aws_") ? schema.lookup(kind, type_name) : undefined;
      if (struct === undefined) {
        findings.push(`${where}: provider of type "${type_name}" is not checked (only hashicorp/aws is)`);
        continue;
      }
      if (struct === null) {
        findings.push(`${where}: unknown ${kind === "data" ? "data source" : "resource"} type "${type_name}" in hashicorp/aws ${schema.provider_version}`);
        continue;
      }
      for (const body of instances) findings.push(...check_body(body, struct, schema, meta, where));
    }
  }
  return findings;
}

function check_providers(ast, schema, file) {
  const findings = [];
  for (const [name, instances] of Object.entries(ast.provider || {})) {
    const where = `${file}: provider "${name}"`;
    if (name !== "aws") {
      findings.push(`${where}: provider is not checked (only hashicorp/aws is)`);
      continue;
    }
    for (const body of instances) findings.push(...check_body(body, schema.struct(PROVIDER_CONFIG), schema, PROVIDER_META, where));
  }
  return findings;
}

// Returns true when `version` satisfies every comma-separated clause of a
// Terraform version constraint (=, !=, >, >=, <, <=, ~>).
function satisfies(version, constraint) {
  const parts = (v) => v.split(".").map((n) => parseInt(n, 10));
  const compare = (a, b) => {
    for (let i = 0; i < 3; i++) {
      const d = (a[i] || 0) - (b[i] || 0);
      if (d !== 0) return d;
    }
    return 0;
  };
  const have = parts(version);
  return constraint.split(",").every((clause) => {
    const m = /^\s*(=|!=|>=|<=|>|<|~>)?\s*([0-9.]+)\s*$/.exec(clause);
    if (!m) return false;
    const want = parts(m[2]);
    const c = compare(have, want);
    switch (m[1] || "=") {
      case "=": return c === 0;
      case "!=": return c !== 0;
      case ">": return c > 0;
      case ">=": return c >= 0;
      case "<": return c < 0;
      case "<=": return c <= 0;
      default: {
        // ~> 6.25 allows 6.x >= 6.25; ~> 6.25.0 allows 6.25.x.
        const upper = want.slice(0, Math.max(1, want.length - 1));
        upper[upper.length - 1] += 1;
        return c >= 0 && compare(have, upper) < 0;
      }
    }
  });
}

function check_required_providers(ast, schema, file) {
  const findings = [];
  for (const terraform of ast.terraform || []) {
    for (const required of terraform.required_providers || []) {
      const aws = required.aws;
      if (!aws) continue;
      const where = `${file}: terraform required_providers "aws"`;
      if (aws.source !== "hashicorp/aws") findings.push(`${where}: source is "${aws.source}", expected "hashicorp/aws"`);
      if (!aws.version) findings.push(`${where}: no version constraint; pin one that includes ${schema.provider_version}`);
      else if (!satisfies(schema.provider_version, aws.version)) {
        findings.push(`${where}: constraint "${aws.version}" excludes ${schema.provider_version}, the version this check knows`);
      }
    }
  }
  return findings;
}

async function module_variables(dir, cache) {
  if (!cache.has(dir)) {
    const variables = new Map();
    for (const file of list_tf_files(dir).filter((f) => path.dirname(f) === dir)) {
      const ast = await parse(file, fs.readFileSync(file, "utf8"));
      for (const [name, bodies] of Object.entries(ast.variable || {})) {
        variables.set(name, { required: !("default" in bodies[0]) });
      }
    }
    cache.set(dir, variables);
  }
  return cache.get(dir);
}

async function check_module_calls(ast, file, cache) {
  const findings = [];
  for (const [name, instances] of Object.entries(ast.module || {})) {
    for (const body of instances) {
      const where = `${file}: module "${name}"`;
      if (typeof body.source !== "string" || !body.source.startsWith(".")) continue;
      const dir = path.resolve(path.dirname(file), body.source);
      if (!fs.existsSync(dir)) {
        findings.push(`${where}: source folder ${body.source} does not exist`);
        continue;
      }
      const variables = await module_variables(dir, cache);
      for (const argument of Object.keys(body)) {
        if (!MODULE_META.has(argument) && !variables.has(argument)) findings.push(`${where}: unknown argument "${argument}" (no such variable in ${body.source})`);
      }
      for (const [variable, info] of variables) {
        if (info.required && !(variable in body)) findings.push(`${where}: missing required argument "${variable}"`);
      }
    }
  }
  return findings;
}

async function check_dirs(dirs, schema) {
  const findings = [];
  const cache = new Map();
  let files = 0;
  for (const dir of dirs) {
    for (const file of list_tf_files(dir)) {
      files += 1;
      const display_path = path.relative(process.cwd(), file) || file;
      const ast = await parse(file, fs.readFileSync(file, "utf8"));
      findings.push(...check_typed_blocks(ast, "resource", RESOURCE_META, schema, display_path));
      findings.push(...check_typed_blocks(ast, "data", DATA_META, schema, display_path));
      findings.push(...check_providers(ast, schema, display_path));
      findings.push(...check_required_providers(ast, schema, display_path));
      findings.push(...(await check_module_calls(ast, display_path, cache)));
    }
  }
  return { files, findings };
}

async function main(argv) {
  if (argv.length === 0) {
    console.error("usage: node check_schema.js DIR...");
    return 2;
  }
  const schema = AwsSchema.load();
  let result;
  try {
    result = await check_dirs(argv, schema);
  } catch (error) {
    console.error(`check_schema: ${error.message}`);
    return 2;
  }
  for (const finding of result.findings) console.log(finding);
  if (result.files === 0) {
    console.error(`check_schema: no .tf files under ${argv.join(" ")}`);
    return 2;
  }
  console.error(`check_schema: ${result.files} files, ${result.findings.length} findings (hashicorp/aws ${schema.provider_version})`);
  return result.findings.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

module.exports = { check_dirs, satisfies };
