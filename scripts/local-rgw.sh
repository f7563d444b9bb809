#!/usr/bin/env bash
# local-rgw.sh - bring up a throw-away single-node Ceph (1 mon, 1 memstore OSD, no mgr) plus
# radosgw (beast frontend) on 127.0.0.1 only, with one S3 user and the buckets exifscrub uses.
#
# Tested on Debian 12 (bookworm) as root, Ceph 16.2.15 (Debian package 16.2.15+ds-0+deb12u2),
# no systemd (daemons are started directly).
#
# Usage:
#   local-rgw.sh install   # apt-get install the minimal package set (ceph-mon ceph-osd radosgw ceph-common)
#   local-rgw.sh up [--env-file FILE]
#                          # create cluster in $RGW_DIR, start mon, osd, rgw, create S3 user and the
#                          # buckets $SOURCE_BUCKET and $DEST_BUCKET; prints shell export lines (also
#                          # written to FILE when given)
#   local-rgw.sh down      # stop every daemon started by 'up' (by PID from pid files), keep the dir
#   local-rgw.sh purge     # down + rm -rf $RGW_DIR
#   local-rgw.sh status    # show PIDs and 'ceph -s'
#
# Env knobs (defaults in brackets):
#   RGW_DIR [$TMPDIR/exifscrub-rgw] scratch dir (all data, logs, sockets, pid files)
#   RGW_PORT [7480]                S3 port on 127.0.0.1
#   MON_V2_PORT [40300] MON_V1_PORT [40789]  monitor ports on 127.0.0.1
#   OSD_PORT_MIN [40800] OSD_PORT_MAX [40899]  port range for the OSD messengers
#   MEMSTORE_BYTES [2147483648]    capacity the memstore OSD reports (data lives in RAM; when it
#                                  is reached, writes HANG rather than fail - keep test data small)
#   PAXOS_PROPOSE_INTERVAL [0.1]   mon commit delay (Ceph default 1.0; 1.0 makes bring-up ~15 s slower)
#   PRECREATE_POOLS [1]            create the 7 RGW pools before radosgw starts
#   S3_ACCESS_KEY / S3_SECRET_KEY  made-up credentials for the test user (uid "ci")
#   SOURCE_BUCKET [photos-a] DEST_BUCKET [photos-b]  buckets created after the user
#
# Needs: ceph-mon ceph-osd radosgw ceph-common (brings python3-rados), curl. No ceph-mgr.
set -euo pipefail

D=${RGW_DIR:-${TMPDIR:-/tmp}/exifscrub-rgw}
RGW_PORT=${RGW_PORT:-7480}
MON_V2_PORT=${MON_V2_PORT:-40300}
MON_V1_PORT=${MON_V1_PORT:-40789}
OSD_PORT_MIN=${OSD_PORT_MIN:-40800}
OSD_PORT_MAX=${OSD_PORT_MAX:-40899}
MEMSTORE_BYTES=${MEMSTORE_BYTES:-2147483648}
PAXOS_PROPOSE_INTERVAL=${PAXOS_PROPOSE_INTERVAL:-0.1}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-CITESTACCESSKEY00001}
S3_SECRET_KEY=${S3_SECRET_KEY:-citestsecretkey0000000000000000000000001}
SOURCE_BUCKET=${SOURCE_BUCKET:-photos-a}
DEST_BUCKET=${DEST_BUCKET:-photos-b}
export CEPH_CONF=$D/ceph.conf

log() { printf '[local-rgw +%ss] %s\n' "$SECONDS" "$*" >&2; }

wait_for() { # wait_for <timeout_s> <daemon name> <description> <command...>
  # polls <command> every 0.25 s; fails early if the daemon's pid file is missing or its
  # process is gone after 3 s
  local t=$1 name=$2 what=$3; shift 3
  local i pid
  for ((i = 0; i < t * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ((i >= 12)); then
      pid=$(cat "$D/run/$name.pid" 2>/dev/null || true)
      if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
        echo "$name is not running; last log lines:" >&2
        tail -n 20 "$D/log/$name.log" "$D/log/rgw.log" 2>/dev/null | grep -v '^$' >&2 || true
        return 1
      fi
    fi
    sleep 0.25
  done
  echo "timeout (${t}s) waiting for: $what" >&2
  return 1
}

do_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
    ceph-mon ceph-osd radosgw ceph-common curl
}

write_conf() {
  local fsid=$1
  cat >"$D/ceph.conf" <<EOF
[global]
fsid = $fsid
mon_host = [v2:127.0.0.1:$MON_V2_PORT,v1:127.0.0.1:$MON_V1_PORT]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
public_network = 127.0.0.0/8
ms_bind_port_min = $OSD_PORT_MIN
ms_bind_port_max = $OSD_PORT_MAX
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
keyring = $D/keyring
run_dir = $D/run
admin_socket = $D/run/\$name.asok
pid_file = $D/run/\$name.pid
crash_dir = $D/crash
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_warn_on_pool_no_redundancy = false
mon_max_pg_per_osd = 1000
mon_warn_on_insecure_global_id_reclaim_allowed = false
# there is deliberately no ceph-mgr: don't raise MGR_DOWN (HEALTH_WARN) after the default 120 s
mon_mgr_mkfs_grace = 31536000
# throw-away test cluster: commit map changes faster (default 1.0 s) so pool creation is quicker
paxos_propose_interval = $PAXOS_PROPOSE_INTERVAL
# the monitor refuses to start / shuts down when its data fs has <= crit % free (default 5)
mon_data_avail_warn = 1
mon_data_avail_crit = 0

[mon]
mon_data = $D/mon/\$name
log_file = $D/log/\$name.log
mon_cluster_log_file = $D/log/cluster.log

[osd]
osd_data = $D/osd/\$name
log_file = $D/log/\$name.log
osd_objectstore = memstore
memstore_device_bytes = $MEMSTORE_BYTES

[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_data = $D/rgw
log_file = $D/log/rgw.log
rgw_thread_pool_size = 128
# garbage-collect the tails of deleted/overwritten multipart objects within seconds instead of
# the default 2 h, so a long test run does not fill the in-memory OSD
rgw_gc_obj_min_wait = 5
rgw_gc_processor_period = 5
EOF
}

do_up() {
  local env_file=
  if [[ ${1:-} == --env-file ]]; then
    env_file=${2:?--env-file needs a file name}
  fi
  if [[ -e $D/ceph.conf ]]; then
    echo "$D already exists; run '$0 purge' first (with the same RGW_DIR)" >&2
    exit 1
  fi
  local port
  for port in "$RGW_PORT" "$MON_V2_PORT" "$MON_V1_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port 127.0.0.1:$port is already in use" >&2
      exit 1
    fi
  done
  mkdir -p "$D"/{run,log,crash,mon,osd,rgw}
  # on any failure from here on, stop whatever was already started
  trap 'rc=$?; if ((rc != 0)); then echo "local-rgw: bring-up failed (rc=$rc), stopping started daemons; logs: $D/log" >&2; do_down; fi' EXIT
  local fsid osd_uuid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"

  log "keys + monmap"
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n osd.0 \
    --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n client.rgw.a \
    --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
  monmaptool --create --fsid "$fsid" \
    --addv a "[v2:127.0.0.1:$MON_V2_PORT,v1:127.0.0.1:$MON_V1_PORT]" "$D/monmap" >/dev/null

  log "mon mkfs + start"
  ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring"
  ceph-mon -i a
  wait_for 60 mon.a "mon quorum" ceph --connect-timeout 5 mon stat

  log "osd create + mkfs + start (memstore)"
  ceph osd new "$osd_uuid" >/dev/null
  mkdir -p "$D/osd/osd.0"
  ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" 2>"$D/log/osd-mkfs.err"
  ceph-osd -i 0
  wait_for 60 osd.0 "osd.0 up" bash -c 'ceph osd dump | grep -q "^osd.0 up"'

  if [[ ${PRECREATE_POOLS:-1} == 1 ]]; then
    # create every pool RGW will use up front (one mon connection), so neither radosgw start-up
    # nor the first CreateBucket / PutObject / multipart upload in a test pays for pool creation
    log "pre-create rgw pools"
    /usr/bin/python3 - "$CEPH_CONF" <<'PY'
import json, sys, rados
pools = [".rgw.root", "default.rgw.log", "default.rgw.control", "default.rgw.meta",
         "default.rgw.buckets.index", "default.rgw.buckets.data", "default.rgw.buckets.non-ec"]
with rados.Rados(conffile=sys.argv[1], name="client.admin") as r:
    for p in pools:
        for cmd in ({"prefix": "osd pool create", "pool": p, "pg_num": 8, "pgp_num": 8},
                    {"prefix": "osd pool application enable", "pool": p, "app": "rgw"}):
            ret, out, err = r.mon_command(json.dumps(cmd), b"", timeout=60)
            if ret != 0:
                sys.exit("%s: %s (%d)" % (cmd["prefix"], err, ret))
PY
  fi

  log "rgw start"
  radosgw -n client.rgw.a
  wait_for 120 client.rgw.a "rgw http 200 on 127.0.0.1:$RGW_PORT" \
    curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$RGW_PORT/"
  log "rgw answering HTTP"

  log "create S3 user 'ci'"
  radosgw-admin user create --uid=ci --display-name="CI test user" \
    --access-key="$S3_ACCESS_KEY" --secret="$S3_SECRET_KEY" >/dev/null
  # admin caps so the same user can call the RGW IAM/SNS style APIs in tests
  radosgw-admin caps add --uid=ci --caps="users=*;buckets=*;metadata=*;usage=*;zone=*;user-policy=*" >/dev/null

  local bucket
  for bucket in "$SOURCE_BUCKET" "$DEST_BUCKET"; do
    log "create bucket $bucket"
    # curl signs with Signature V4 itself (a PUT without a query string is signed correctly);
    # RGW rejects a V4 request without x-amz-content-sha256, here the SHA-256 of an empty body.
    curl -fsS -m 30 -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
      -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
      --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" -o /dev/null "http://127.0.0.1:$RGW_PORT/$bucket"
  done

  log "up. S3 endpoint http://127.0.0.1:$RGW_PORT"
  print_env | if [[ -n $env_file ]]; then tee "$env_file"; else cat; fi
}

print_env() {
  cat <<EOF
export AWS_ENDPOINT_URL=http://127.0.0.1:$RGW_PORT
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$RGW_PORT
export S3_ENDPOINT=http://127.0.0.1:$RGW_PORT
export AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export SOURCE_BUCKET=$SOURCE_BUCKET
export DEST_BUCKET=$DEST_BUCKET
export CEPH_CONF=$CEPH_CONF
export RGW_DIR=$D
EOF
}

stop_pidfile() { # stop_pidfile <pid file> <expected command name>
  # SIGTERM the daemon whose PID this script recorded (only if that PID still runs the expected
  # command), wait up to 15 s, then SIGKILL.
  local f=$1 comm=$2 pid i
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if [[ -n $pid ]] && [[ $(ps -o comm= -p "$pid" 2>/dev/null) == "$comm"* ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$f"
}

do_down() { # rgw first, then osd, then mon (about 2 s each)
  stop_pidfile "$D/run/client.rgw.a.pid" radosgw
  stop_pidfile "$D/run/osd.0.pid" ceph-osd
  stop_pidfile "$D/run/mon.a.pid" ceph-mon
}

do_status() {
  local f
  for f in "$D"/run/*.pid; do
    [[ -e $f ]] || continue
    echo "$(basename "$f" .pid): pid $(cat "$f") $(ps -o comm=,rss= -p "$(cat "$f")" 2>/dev/null || echo '(dead)')"
  done
  ceph --connect-timeout 5 -s || true
}

case ${1:-up} in
  install) do_install ;;
  up) shift; do_up "$@" ;;
  down) do_down ;;
  purge) do_down; rm -rf "$D" ;;
  status) do_status ;;
  *) echo "usage: $0 install|up [--env-file FILE]|down|purge|status" >&2; exit 2 ;;
esac
