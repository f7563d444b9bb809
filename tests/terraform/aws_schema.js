// Reads the hashicorp/aws provider schema out of the jsii assembly that
// @cdktf/provider-aws ships (.jsii, generated from the provider's own
// schema) and indexes it by Terraform names: resource and data source
// types, their arguments and their nested blocks.
//
// Does not know about computed-only attributes: the assembly lists every
// settable argument, so an argument that only exists as an output (arn, for
// example) is not in the index and is reported as unknown, like Terraform
// does.

"use strict";

const fs = require("fs");
const path = require("path");

const PACKAGE_DIR = path.dirname(require.resolve("@cdktf/provider-aws/package.json"));

// "Represents a {@link https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/s3_bucket aws_s3_bucket}."
const CLASS_DOC = /^Represents a \{@link https:\/\/registry\.terraform\.io\/providers\/hashicorp\/aws\/([0-9.]+)\/docs\/(resources|data-sources)\/\S+ (aws_[a-z0-9_]+)\}\.$/;
// "Docs at Terraform Registry: {@link https://...#function_name LambdaFunction#function_name}."
const ARGUMENT_DOC = /#([a-z0-9_]+) [A-Za-z0-9]+#\1\}/;
// "cors_rule block."
const BLOCK_DOC = /^([a-z0-9_]+) block\.$/;

function snake_case(camel) {
  return camel.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

// Returns the struct fqn when the jsii type reference is a nested block
// (a struct, or a list of structs possibly wrapped in a union with
// cdktf.IResolvable), otherwise null.
function block_struct(type_ref, types) {
  if (type_ref.fqn && types[type_ref.fqn] && types[type_ref.fqn].datatype) return type_ref.fqn;
  if (type_ref.collection) return block_struct(type_ref.collection.elementtype, types);
  if (type_ref.union) {
    for (const member of type_ref.union.types) {
      const fqn = block_struct(member, types);
      if (fqn) return fqn;
    }
  }
  return null;
}

function is_map(type_ref) {
  if (type_ref.collection) return type_ref.collection.kind === "map";
  if (type_ref.union) return type_ref.union.types.some(is_map);
  return false;
}

class AwsSchema {
  constructor(assembly) {
    this.types_ = assembly.types;
    this.provider_version_ = null;
    this.resources_ = new Map();
    this.data_sources_ = new Map();
    this.structs_ = new Map();
    this.index_classes_();
  }

  static load() {
    const text = fs.readFileSync(path.join(PACKAGE_DIR, ".jsii"), "utf8");
    return new AwsSchema(JSON.parse(text));
  }

  get provider_version() {
    return this.provider_version_;
  }

  // Returns the struct of a resource ("resource") or data source ("data")
  // type, or null when the provider has no such type.
  lookup(kind, type_name) {
    const table = kind === "data" ? this.data_sources_ : this.resources_;
    const fqn = table.get(type_name);
    return fqn ? this.struct(fqn) : null;
  }

  // Returns Map<terraform name, {required, block: struct fqn | null, map}>.
  struct(fqn) {
    if (!this.structs_.has(fqn)) this.structs_.set(fqn, this.read_struct_(fqn));
    return this.structs_.get(fqn);
  }

  index_classes_() {
    for (const type of Object.values(this.types_)) {
      if (type.kind !== "class" || !type.docs || !type.docs.summary) continue;
      const match = CLASS_DOC.exec(type.docs.summary);
      if (!match || !type.initializer) continue;
      const config = type.initializer.parameters.find((p) => p.name === "config");
      if (!config) continue;
      this.provider_version_ = match[1];
      const table = match[2] === "resources" ? this.resources_ : this.data_sources_;
      table.set(match[3], config.type.fqn);
    }
  }

  read_struct_(fqn) {
    const members = new Map();
    for (const property of this.types_[fqn].properties || []) {
      const nested = block_struct(property.type, this.types_);
      members.set(this.terraform_name_(property), {
        required: !property.optional,
        block: nested,
        map: !nested && is_map(property.type),
      });
    }
    return members;
  }

  terraform_name_(property) {
    const docs = property.docs || {};
    const block = BLOCK_DOC.exec(docs.summary || "");
    if (block) return block[1];
    const argument = ARGUMENT_DOC.exec(docs.summary || "") || ARGUMENT_DOC.exec(docs.remarks || "");
    if (argument) return argument[1];
    return snake_case(property.name);
  }
}

module.exports = { AwsSchema };
