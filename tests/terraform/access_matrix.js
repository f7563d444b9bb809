// Evaluates the rendered exifscrub policies with AWS's policy evaluation
// logic (@cloud-copilot/iam-simulate, used here only as a test tool) and
// compares every decision with the access matrix below: user A, user B and
// the function's role, each S3 action that matters, on bucket A, A/*,
// bucket B and B/*. Each request carries the bucket policy of the bucket it
// addresses, so explicit denies in bucket policies count. The function's
// log and queue permissions and the event queue's policy are checked the
// same way, and so is KMS use when the buckets use SSE-KMS.
//
// Does not model S3 Block Public Access or SCPs, which the deployment does
// not use to grant access. KMS requests assume the default key policy,
// which delegates the key to the account's IAM policies.
//
// Usage: node access_matrix.js RENDERED_POLICIES_JSON RENDERED_KMS_POLICIES_JSON
//   (the output of render_policies.sh with buckets photos-a and photos-b,
//   the event queue arn:aws:sqs:eu-west-1:123456789012:exifscrub-events and
//   the rule arn:aws:events:eu-west-1:123456789012:rule/exifscrub-objects;
//   the second file also with KMS_KEY_ARN set to KMS_KEY below)

"use strict";

const fs = require("fs");
const { runSimulation } = require("@cloud-copilot/iam-simulate");

const ACCOUNT = "123456789012";
const A = "arn:aws:s3:::photos-a";
const B = "arn:aws:s3:::photos-b";
const A_OBJECT = `${A}/holiday/IMG_0001.jpg`;
const B_OBJECT = `${B}/holiday/IMG_0001.jpg`;

const USER_A = `arn:aws:iam::${ACCOUNT}:user/exifscrub-user-a`;
const USER_B = `arn:aws:iam::${ACCOUNT}:user/exifscrub-user-b`;
// Lambda calls S3 with a session of the execution role.
const FUNCTION = `arn:aws:sts::${ACCOUNT}:assumed-role/exifscrub-function/exifscrub`;

const ALLOW = "Allowed";
const IMPLICIT = "ImplicitlyDenied";
const EXPLICIT = "ExplicitlyDenied";

const BUCKET_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketVersions", "s3:PutBucketPolicy", "s3:PutBucketNotification", "s3:DeleteBucket"];
const OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:PutObjectTagging"];

// Everything not listed for a principal and resource is expected to be
// ImplicitlyDenied: no statement grants it.
const GRANTS = {
  "user A": {
    principal: USER_A,
    [A]: { "s3:ListBucket": ALLOW, "s3:GetBucketLocation": ALLOW },
    [A_OBJECT]: { "s3:GetObject": ALLOW, "s3:PutObject": ALLOW, "s3:DeleteObject": ALLOW },
  },
  "user B": {
    principal: USER_B,
    [B]: { "s3:ListBucket": ALLOW },
    [B_OBJECT]: { "s3:GetObject": ALLOW },
  },
  function: {
    principal: FUNCTION,
    // Bucket A's policy denies the role every write, so those are explicit.
    [A]: { "s3:ListBucket": ALLOW, "s3:PutBucketPolicy": EXPLICIT, "s3:PutBucketNotification": EXPLICIT, "s3:DeleteBucket": EXPLICIT },
    [A_OBJECT]: { "s3:GetObject": ALLOW, "s3:PutObject": EXPLICIT, "s3:DeleteObject": EXPLICIT, "s3:DeleteObjectVersion": EXPLICIT, "s3:PutObjectAcl": EXPLICIT, "s3:PutObjectTagging": EXPLICIT },
    [B_OBJECT]: { "s3:GetObject": ALLOW, "s3:PutObject": ALLOW, "s3:DeleteObject": ALLOW },
  },
};

const LOG_GROUP = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/exifscrub`;
const EVENT_QUEUE = `arn:aws:sqs:eu-west-1:${ACCOUNT}:exifscrub-events`;
const FAILURE_QUEUE = `arn:aws:sqs:eu-west-1:${ACCOUNT}:exifscrub-failures`;
const RULE = `arn:aws:events:eu-west-1:${ACCOUNT}:rule/exifscrub-objects`;
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0b1c2d3e-1111-2222-3333-444455556666`;
const VIA_S3 = { "kms:ViaService": "s3.eu-west-1.amazonaws.com" };

// KMS's default key policy, which lets IAM policies of the account grant
// use of the key. Without it no identity policy takes effect.
const DEFAULT_KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

// With SSE-KMS buckets, every identity that reads needs kms:Decrypt and
// every identity that writes kms:GenerateDataKey, but only through S3.
function kms_requests(policies) {
  const request = (who, principal, action, context, expected) => ({
    who, principal, identity: [policies.identity[who]], resource_policy: DEFAULT_KEY_POLICY, action, resource: KMS_KEY, context, expected,
    note: Object.keys(context).length ? " via S3" : " called directly",
  });
  return [
    request("user A", USER_A, "kms:GenerateDataKey", VIA_S3, ALLOW),
    request("user A", USER_A, "kms:Decrypt", VIA_S3, ALLOW),
    request("user A", USER_A, "kms:Decrypt", {}, IMPLICIT),
    request("user B", USER_B, "kms:Decrypt", VIA_S3, ALLOW),
    request("user B", USER_B, "kms:GenerateDataKey", VIA_S3, IMPLICIT),
    request("user B", USER_B, "kms:Decrypt", {}, IMPLICIT),
    request("function", FUNCTION, "kms:GenerateDataKey", VIA_S3, ALLOW),
    request("function", FUNCTION, "kms:Decrypt", VIA_S3, ALLOW),
    request("function", FUNCTION, "kms:Decrypt", {}, IMPLICIT),
    request("function", FUNCTION, "kms:ScheduleKeyDeletion", VIA_S3, IMPLICIT),
  ];
}

// The function's non-S3 permissions and the queues' resource policies: S3
// may send only events of bucket A in this account to the event queue, and
// only the object rule may send undeliverable events to the failure queue.
function runtime_requests(policies) {
  const as_function = (action, resource, expected) => ({
    who: "function", principal: FUNCTION, identity: [policies.identity.function], resource_policy: undefined, action, resource, context: {}, expected,
  });
  const as_s3 = (source_arn, source_account, expected) => ({
    who: "s3", principal: "s3.amazonaws.com", identity: [], resource_policy: policies.event_queue, action: "sqs:SendMessage", resource: EVENT_QUEUE,
    context: { "aws:SourceArn": source_arn, "aws:SourceAccount": source_account }, expected,
    note: ` from ${source_arn.replace("arn:aws:s3:::", "")} in ${source_account}`,
  });
  const as_eventbridge = (source_arn, expected) => ({
    who: "events", principal: "events.amazonaws.com", identity: [], resource_policy: policies.failure_queue, action: "sqs:SendMessage", resource: FAILURE_QUEUE,
    context: { "aws:SourceArn": source_arn }, expected,
    note: ` from ${source_arn.replace(/^.*:rule\//, "rule ")}`,
  });
  return [
    as_function("logs:CreateLogStream", `${LOG_GROUP}:log-stream:abc`, ALLOW),
    as_function("logs:PutLogEvents", `${LOG_GROUP}:log-stream:abc`, ALLOW),
    as_function("logs:PutLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/other:log-stream:x`, IMPLICIT),
    as_function("logs:CreateLogGroup", LOG_GROUP, IMPLICIT),
    as_function("sqs:SendMessage", FAILURE_QUEUE, ALLOW),
    as_function("sqs:ReceiveMessage", FAILURE_QUEUE, IMPLICIT),
    as_function("sqs:SendMessage", EVENT_QUEUE, IMPLICIT),
    as_function("sqs:ReceiveMessage", EVENT_QUEUE, ALLOW),
    as_function("sqs:DeleteMessage", EVENT_QUEUE, ALLOW),
    as_function("sqs:PurgeQueue", EVENT_QUEUE, IMPLICIT),
    as_s3(A, ACCOUNT, ALLOW),
    as_s3(B, ACCOUNT, IMPLICIT),
    as_s3(A, "999999999999", IMPLICIT),
    as_eventbridge(RULE, ALLOW),
    as_eventbridge(`arn:aws:events:eu-west-1:${ACCOUNT}:rule/other`, IMPLICIT),
  ];
}

function load_policies(file) {
  const rendered = JSON.parse(fs.readFileSync(file, "utf8"));
  const doc = (name) => {
    if (typeof rendered[name] !== "string") throw new Error(`${file}: output ${name} is missing`);
    return JSON.parse(rendered[name]);
  };
  return {
    identity: { "user A": doc("user_a_policy_json"), "user B": doc("user_b_policy_json"), function: doc("function_policy_json") },
    bucket: { [A]: doc("source_bucket_policy_json"), [B]: doc("destination_bucket_policy_json") },
    event_queue: doc("event_queue_policy_json"),
    failure_queue: doc("failure_queue_policy_json"),
  };
}

function bucket_of(resource) {
  return resource.startsWith(A) ? A : B;
}

// Returns the overall decision, or throws when the simulator rejects the
// request (an action against the wrong resource type, an invalid policy).
async function decide(principal, identity_policies, resource_policy, action, resource, secure_transport, context = {}) {
  const result = await runSimulation({
    identityPolicies: identity_policies.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resource_policy,
    request: {
      action,
      principal,
      resource: { accountId: ACCOUNT, resource },
      contextVariables: { "aws:SecureTransport": secure_transport ? "true" : "false", ...context },
    },
  }, {});
  if (result.resultType === "error") throw new Error(`${action} on ${resource}: simulator error ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

function matrix_requests() {
  const requests = [];
  for (const [who, grants] of Object.entries(GRANTS)) {
    for (const resource of [A, A_OBJECT, B, B_OBJECT]) {
      const actions = resource === A || resource === B ? BUCKET_ACTIONS : OBJECT_ACTIONS;
      for (const action of actions) {
        const expected = (grants[resource] || {})[action] || IMPLICIT;
        requests.push({ who, principal: grants.principal, action, resource, secure: true, expected });
      }
    }
  }
  // Without TLS, the bucket policies deny even what the identity allows.
  requests.push({ who: "user A", principal: USER_A, action: "s3:PutObject", resource: A_OBJECT, secure: false, expected: EXPLICIT });
  requests.push({ who: "user A", principal: USER_A, action: "s3:ListBucket", resource: A, secure: false, expected: EXPLICIT });
  requests.push({ who: "user B", principal: USER_B, action: "s3:GetObject", resource: B_OBJECT, secure: false, expected: EXPLICIT });
  requests.push({ who: "function", principal: FUNCTION, action: "s3:GetObject", resource: A_OBJECT, secure: false, expected: EXPLICIT });
  requests.push({ who: "function", principal: FUNCTION, action: "s3:PutObject", resource: B_OBJECT, secure: false, expected: EXPLICIT });
  return requests;
}

async function main(argv) {
  if (argv.length !== 2) {
    console.error("usage: node access_matrix.js RENDERED_POLICIES_JSON RENDERED_KMS_POLICIES_JSON");
    return 2;
  }
  const policies = load_policies(argv[0]);
  let mismatches = 0;
  const requests = matrix_requests();

  for (const r of requests) {
    const bucket_policy = policies.bucket[bucket_of(r.resource)];
    const actual = await decide(r.principal, [policies.identity[r.who]], bucket_policy, r.action, r.resource, r.secure);
    const ok = actual === r.expected;
    if (!ok) mismatches += 1;
    const where = r.resource.replace("arn:aws:s3:::", "");
    const tls = r.secure ? "" : " (no TLS)";
    console.log(`${ok ? "ok  " : "FAIL"} ${r.who.padEnd(8)} ${r.action.padEnd(26)} ${(where + tls).padEnd(38)} ${actual}${ok ? "" : `, expected ${r.expected}`}`);
  }

  // A broader policy attached to the role by mistake still cannot write to A.
  const broader = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: [`${A}/*`] }] };
  for (const action of ["s3:PutObject", "s3:DeleteObject"]) {
    const actual = await decide(FUNCTION, [policies.identity.function, broader], policies.bucket[A], action, A_OBJECT, true);
    const ok = actual === EXPLICIT;
    if (!ok) mismatches += 1;
    console.log(`${ok ? "ok  " : "FAIL"} function ${action.padEnd(26)} ${"photos-a/* (extra Allow attached)".padEnd(38)} ${actual}${ok ? "" : `, expected ${EXPLICIT}`}`);
  }

  const kms_policies = load_policies(argv[1]);
  const runtime = [...runtime_requests(policies), ...kms_requests(kms_policies)];
  // Without a key, no identity may use KMS at all.
  for (const who of ["user A", "user B", "function"]) {
    runtime.push({ ...kms_requests(policies).find((r) => r.who === who), action: "kms:Decrypt", identity: [policies.identity[who]], expected: IMPLICIT, note: " via S3, no key configured" });
  }
  for (const r of runtime) {
    const actual = await decide(r.principal, r.identity, r.resource_policy, r.action, r.resource, true, r.context);
    const ok = actual === r.expected;
    if (!ok) mismatches += 1;
    const where = r.resource.replace(/^arn:aws:[a-z]+:eu-west-1:[0-9]+:/, "").replace(/^key\/.*/, "bucket key") + (r.note || "");
    console.log(`${ok ? "ok  " : "FAIL"} ${r.who.padEnd(8)} ${r.action.padEnd(26)} ${where.padEnd(38)} ${actual}${ok ? "" : `, expected ${r.expected}`}`);
  }

  const total = requests.length + 2 + runtime.length;
  console.log(`${total - mismatches} of ${total} decisions as specified`);
  return mismatches === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(`access_matrix: ${error.message}`);
  process.exit(2);
});
