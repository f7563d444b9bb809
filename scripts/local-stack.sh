#!/usr/bin/env bash
# local-stack.sh - run the whole pipeline on 127.0.0.1: Ceph RGW with buckets A and B, an RGW
# bucket notification that pushes every create and delete in A to the Lambda Runtime API
# emulator, and the emulator running our bootstrap. After 'up', an upload to A with any S3
# client is scrubbed into B, and a deletion from A deletes the copy in B.
#
# Does not build anything (make local-up builds first) and does not install packages.
#
# Usage:
#   local-stack.sh up       start everything, print export lines for S3 clients
#   local-stack.sh down     stop what 'up' started (by the PIDs in the run folder)
#   local-stack.sh status   show the PIDs and the emulator's counters
#   local-stack.sh wait-idle [SECONDS]
#                           wait until the emulator has no queued or running invocation
#
# Env knobs (defaults in brackets):
#   STACK_DIR [${TMPDIR:-/tmp}/exifscrub-stack]  run folder: state, logs, the RGW data
#   BUILD_DIR [build]             where bin/exifscrub is (relative to the repository)
#   LAMBDA_BOOTSTRAP [$BUILD_DIR/bin/exifscrub started as 'bootstrap']  executable to run
#   LAMBDA_PORT [9001]            emulator port on 127.0.0.1 (invocations, /rgw, /status)
#   LAMBDA_CONCURRENCY [4]        bootstrap processes
#   LAMBDA_TIMEOUT [30]           function timeout, seconds
#   EMULATOR [tools/lambda-emulator/emulator.py]  Runtime API emulator to run
#   STACK_RGW_ENV [unset]         env file of an RGW that is already up (as written by
#                                 'local-rgw.sh up --env-file'); then 'up' starts no RGW and
#                                 'down' leaves it running
#   RGW_DIR [$STACK_DIR/rgw], RGW_PORT, MON_V2_PORT, MON_V1_PORT, OSD_PORT_MIN, OSD_PORT_MAX,
#   SOURCE_BUCKET, DEST_BUCKET    passed to scripts/local-rgw.sh, or with STACK_RGW_ENV, buckets
#                                 on that RGW to use in place of its own (created when missing)
#   ORIENTATION, KEEP_ICC, MAX_OBJECT_BYTES, LOG_LEVEL  passed to the bootstrap
#
# Ceph RGW 16.2 bucket notifications, as found on Debian 12's 16.2.15:
# - Topics are created with RGW's SNS-compatible API on the S3 endpoint itself (boto3 'sns'
#   client with endpoint_url = the RGW URL; region "us-east-1" and "default" both work) and the
#   attribute push-endpoint=http://127.0.0.1:PORT/rgw. The topic ARN names the zonegroup:
#   arn:aws:sns:default::NAME. An http:// endpoint needs no
#   rgw_allow_notification_secrets_in_cleartext because the topic carries no credentials.
# - The notification is synchronous (the default, not "persistent"): RGW posts the event before
#   it answers the client's PUT or DELETE, so once an upload returns, the emulator has queued its
#   event. With a "persistent" topic, in one trial, a PUT made while the endpoint was down logged
#   "publishing notification failed, with error: -5" and its event had not arrived a minute after
#   the endpoint came back, while an event delivered before was posted a second time.
# - The body is {"Records":[...]} with eventSource "ceph:s3", eventVersion "2.2", awsRegion ""
#   and s3.object.key NOT URL-encoded (a key "a b+c%20.JPG" arrives as it is), unlike AWS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
STACK_DIR=${STACK_DIR:-${TMPDIR:-/tmp}/exifscrub-stack}
BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$root/$BUILD_DIR
LAMBDA_PORT=${LAMBDA_PORT:-9001}
LAMBDA_CONCURRENCY=${LAMBDA_CONCURRENCY:-4}
LAMBDA_TIMEOUT=${LAMBDA_TIMEOUT:-30}
export RGW_DIR=${RGW_DIR:-$STACK_DIR/rgw}
state=$STACK_DIR/stack.env
if [[ -r $state ]]; then
  # 'down', 'status' and 'wait-idle' act on the stack that 'up' recorded, not on the current environment.
  LAMBDA_PORT=$(sed -n 's/^LAMBDA_PORT=//p' "$state")
  RGW_DIR=$(sed -n 's/^RGW_DIR=//p' "$state")
fi
topic=exifscrub-local-$LAMBDA_PORT

log() { printf '[local-stack +%ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'local-stack: %s\n' "$*" >&2; exit 1; }

pick_emulator() {
  local emulator=${EMULATOR:-$root/tools/lambda-emulator/emulator.py}
  [[ -r $emulator ]] || die "the Lambda emulator $emulator is missing; set EMULATOR to its path"
  echo "$emulator"
}

pick_bootstrap() {
  if [[ -n ${LAMBDA_BOOTSTRAP:-} ]]; then
    [[ -x $LAMBDA_BOOTSTRAP ]] || die "LAMBDA_BOOTSTRAP=$LAMBDA_BOOTSTRAP is not an executable file"
    echo "$LAMBDA_BOOTSTRAP"
    return
  fi
  local binary=$BUILD_DIR/bin/exifscrub
  [[ -x $binary ]] || die "$binary is missing; build it first with 'make build' (or set BUILD_DIR)"
  # The binary runs the Lambda runtime loop when its file name is 'bootstrap'.
  ln -sfn "$binary" "$STACK_DIR/bootstrap"
  echo "$STACK_DIR/bootstrap"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

emulator_pid() { # prints the PID when the recorded emulator still runs
  local pid
  pid=$(sed -n 's/^EMULATOR_PID=//p' "$state" 2>/dev/null || true)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

wait_http() { # wait_http <seconds> <url>
  local i
  for ((i = 0; i < $1 * 4; i++)); do
    curl -fsS -m 2 -o /dev/null "$2" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}

configure_notifications() { # configure_notifications create|delete
  /usr/bin/python3 - "$1" "$topic" "http://127.0.0.1:$LAMBDA_PORT/rgw" <<'PY'
import os, sys
import boto3
from botocore.config import Config

action, topic, push_endpoint = sys.argv[1:]
endpoint = os.environ["AWS_ENDPOINT_URL"]
config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2})
sns = boto3.client("sns", endpoint_url=endpoint, region_name="us-east-1", config=config)
s3 = boto3.client("s3", endpoint_url=endpoint, config=config)
bucket = os.environ["SOURCE_BUCKET"]
if action == "create":
    for name in (bucket, os.environ["DEST_BUCKET"]):
        try:
            s3.head_bucket(Bucket=name)
        except s3.exceptions.ClientError:
            s3.create_bucket(Bucket=name)
    arn = sns.create_topic(Name=topic, Attributes={"push-endpoint": push_endpoint})["TopicArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "TopicConfigurations": [{"Id": topic, "TopicArn": arn,
                                 "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]})
    print(arn)
else:
    # RGW 16 rejects an empty NotificationConfiguration (MalformedXML) and keeps a topic that a
    # notification still uses, so remove the notifications with RGW's DELETE ?notification first.
    import urllib.request
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    request = AWSRequest(method="DELETE", url=f"{endpoint}/{bucket}?notification")
    S3SigV4Auth(boto3.Session().get_credentials(), "s3", "us-east-1").add_auth(request)
    urllib.request.urlopen(urllib.request.Request(request.url, method="DELETE",
                                                  headers=dict(request.headers)), timeout=30)
    sns.delete_topic(TopicArn="arn:aws:sns:default::" + topic)
PY
}

write_exports() {
  cat <<EOF
export AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL
export AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID
export AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
export AWS_REGION=$AWS_REGION
export AWS_DEFAULT_REGION=$AWS_REGION
export SOURCE_BUCKET=$SOURCE_BUCKET
export DEST_BUCKET=$DEST_BUCKET
export LAMBDA_ENDPOINT=http://127.0.0.1:$LAMBDA_PORT
EOF
}

start_rgw() {
  if [[ -n ${STACK_RGW_ENV:-} ]]; then
    [[ -r $STACK_RGW_ENV ]] || die "STACK_RGW_ENV=$STACK_RGW_ENV is not readable"
    cp "$STACK_RGW_ENV" "$STACK_DIR/rgw.env"
    # On a shared RGW the caller may bring its own buckets; 'up' creates them when missing.
    [[ -z ${SOURCE_BUCKET:-} ]] || echo "export SOURCE_BUCKET=$SOURCE_BUCKET" >>"$STACK_DIR/rgw.env"
    [[ -z ${DEST_BUCKET:-} ]] || echo "export DEST_BUCKET=$DEST_BUCKET" >>"$STACK_DIR/rgw.env"
    echo "RGW_STARTED=0" >>"$state"
  else
    log "starting Ceph RGW in $RGW_DIR"
    echo "RGW_STARTED=1" >>"$state"
    "$root/scripts/local-rgw.sh" up --env-file "$STACK_DIR/rgw.env" >/dev/null
  fi
  # shellcheck disable=SC1091
  source "$STACK_DIR/rgw.env"
}

start_emulator() { # start_emulator <emulator.py> <bootstrap>
  local emulator=$1 bootstrap=$2
  log "starting $(basename "$emulator") on 127.0.0.1:$LAMBDA_PORT with $LAMBDA_CONCURRENCY x $bootstrap"
  # setsid: the emulator and its bootstraps outlive this script and 'make', and get no SIGINT
  # from the terminal that ran 'make local-up'.
  # The emulator listens on 127.0.0.1 only. Its --log file holds the bootstraps' output (our JSON
  # lines) and its own "[emulator] ..." lines; events that failed every attempt go to
  # dead-letter.jsonl.
  setsid /usr/bin/python3 "$emulator" --port "$LAMBDA_PORT" \
    --bootstrap "$bootstrap" --concurrency "$LAMBDA_CONCURRENCY" --timeout "$LAMBDA_TIMEOUT" \
    --log "$STACK_DIR/log/lambda.log" --dead-letter "$STACK_DIR/log/dead-letter.jsonl" \
    >>"$STACK_DIR/log/emulator.log" 2>&1 </dev/null &
  echo "EMULATOR_PID=$!" >>"$state"
  if ! wait_http 30 "http://127.0.0.1:$LAMBDA_PORT/status"; then
    tail -n 20 "$STACK_DIR/log/emulator.log" >&2 || true
    die "the emulator did not respond on 127.0.0.1:$LAMBDA_PORT within 30 s; log: $STACK_DIR/log/emulator.log"
  fi
}

do_up() {
  local pid
  if pid=$(emulator_pid); then
    log "already up (emulator PID $pid, run folder $STACK_DIR); run '$0 down' first to restart"
    sed -n 's/^\(export .*\)/\1/p' "$state"
    return 0
  fi
  [[ ! -e $state ]] || die "$state is left from a stack that is not running; run '$0 down' first"
  port_in_use "$LAMBDA_PORT" && die "port 127.0.0.1:$LAMBDA_PORT is in use; set LAMBDA_PORT to a free port"
  command -v curl >/dev/null || die "curl is missing; run 'scripts/install-deps.sh test'"
  mkdir -p "$STACK_DIR/log"
  printf 'LAMBDA_PORT=%s\nRGW_DIR=%s\n' "$LAMBDA_PORT" "$RGW_DIR" >"$state"
  trap 'rc=$?; if ((rc != 0)); then echo "local-stack: up failed (rc=$rc); stopping what started; logs: $STACK_DIR/log" >&2; do_down; fi' EXIT

  local emulator bootstrap
  emulator=$(pick_emulator)
  bootstrap=$(pick_bootstrap)
  start_rgw
  export DEST_BUCKET SOURCE_BUCKET AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
  start_emulator "$emulator" "$bootstrap"
  log "creating topic $topic and the notification on bucket $SOURCE_BUCKET"
  echo "TOPIC_ARN=$(configure_notifications create)" >>"$state"
  write_exports >>"$state"
  trap - EXIT
  log "up: uploads to s3://$SOURCE_BUCKET are scrubbed into s3://$DEST_BUCKET; logs in $STACK_DIR/log"
  write_exports
}

stop_pid() { # stop_pid <pid>: SIGTERM, wait up to 30 s, then SIGKILL
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  # The emulator stops its bootstraps one after another, about 0.5 s each.
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "PID $pid did not stop within 30 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

do_down() {
  if [[ ! -e $state ]]; then
    log "nothing to stop: no $state"
    return 0
  fi
  local pid
  if grep -q '^RGW_STARTED=0' "$state" && grep -q '^TOPIC_ARN=' "$state"; then
    # A shared RGW keeps running, so take our notification and topic off it.
    # shellcheck disable=SC1091
    source "$STACK_DIR/rgw.env"
    configure_notifications delete ||
      log "could not delete topic $topic and the notification on $SOURCE_BUCKET; is the RGW up?"
  fi
  if pid=$(emulator_pid); then
    log "stopping emulator PID $pid"
    stop_pid "$pid"
  fi
  if grep -q '^RGW_STARTED=1' "$state"; then
    log "stopping Ceph RGW in $RGW_DIR"
    "$root/scripts/local-rgw.sh" purge
  fi
  rm -f "$state" "$STACK_DIR/rgw.env" "$STACK_DIR/bootstrap"
  log "down"
}

do_status() {
  local pid
  if ! pid=$(emulator_pid); then
    echo "not running (run folder $STACK_DIR)"
    return 1
  fi
  echo "emulator PID $pid on 127.0.0.1:$LAMBDA_PORT"
  curl -fsS -m 5 "http://127.0.0.1:$LAMBDA_PORT/status" | /usr/bin/python3 -c '
import json, sys
status = json.load(sys.stdin)
for name in ("async_events", "invocations", "succeeded", "errors", "async_retries",
             "dead_letters", "queued", "in_flight", "async_pending"):
    print(f"  {name}: {status.get(name)}")'
  "$root/scripts/local-rgw.sh" status 2>/dev/null | grep -E '^[a-z.]+[0-9a-z]*: pid' || true
}

do_wait_idle() {
  local seconds=${1:-60}
  /usr/bin/python3 - "http://127.0.0.1:$LAMBDA_PORT/status" "$seconds" <<'PY'
import json, sys, time, urllib.request
url, seconds = sys.argv[1], float(sys.argv[2])
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    with urllib.request.urlopen(url, timeout=5) as response:
        status = json.load(response)
    # async_pending also counts events waiting for their retry delay, which are neither
    # queued nor in flight.
    if status["queued"] == 0 and status["in_flight"] == 0 and status["async_pending"] == 0:
        sys.exit(0)
    time.sleep(0.2)
sys.exit(f"local-stack: still busy after {seconds:g} s: queued {status['queued']}, "
         f"in_flight {status['in_flight']}, async_pending {status['async_pending']}")
PY
}

case ${1:-} in
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  wait-idle) do_wait_idle "${2:-60}" ;;
  *) echo "usage: $0 up|down|status|wait-idle [SECONDS]" >&2; exit 2 ;;
esac
