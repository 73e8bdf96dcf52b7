#!/usr/bin/env bash
# migration.sh: live migration between two jlxd daemons on one host, against raw CRIU with a page server, in one run.
#
#   bench/migration.sh [-n N] [--no-wait-quiet] [--pools "dir btrfs"] [--workloads "busybox debian dirty500"]
#
# For each pool type, starts two daemons (a copy of daemon/target, see lib/common.sh) on temporary data dirs with
# that default storage driver and without a default network, HTTPS on two loopback addresses (127.0.0.1 and
# 127.0.0.2), and a jlxc configuration where "local" is the first and "b" the second (added with a trust token).
# A bridge made by the bench (jtcmig0, a free 10.250.X.0/24 chosen from `ip route`, removed at the end) is the
# shared segment: each container has a bridged NIC on it with a static address, and an echo server (busybox nc).
# Workloads: an idle busybox container, a systemd (Debian bookworm) container, and a busybox container whose
# process rewrites 500 MiB of memory in a loop (src/dirtier.c, static). Each is moved N times (default 3) back and
# forth with `jlxc move` (live, pull mode). Per move: total time of the command; frozen time (from the freeze on the
# source until running on the target, as the daemons report it in the operation: jlxc's last line); the longest
# gap a TCP client on the host sees (src/TcpGap.java: one byte echoed every 2 ms over a connection kept open across
# the move; a broken connection is counted in "errors"). Raw floor in the same run: `criu dump` of a process tree
# (an idle process; the same dirtier; single processes, whose pids the restore on this same host can take again) with `--page-server` to a `criu page-server` on 127.0.0.1, then `criu restore`
# from the received images: frozen = dump start until the restore returned. LXD 5.0.2's figures on this machine
# kind (issue 11) for reference: a running busybox moves with 551 ms downtime between btrfs pools and 10.5 s between
# dir pools. Results: bench/results/migration-<stamp>.{json,txt} and migration-latest.*.
#
# Needs live migration in both daemons (issue 11); a move that fails is recorded under "errors" with jlxc's message.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

POOLS="dir btrfs"
WORKLOADS="busybox debian dirty500"
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --pools) POOLS=$2; shift 2 ;;
    --workloads) WORKLOADS=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
bench_rounds_opts 3 "${args[@]+"${args[@]}"}"
bench_prepare mig
BR=${BENCH_MIG_BRIDGE:-jtcmig0}   # host-global: parallel runs on one host give each its own name
DATA_B="$WORK/data-b"
BPID=""
RAWDIR="$WORK/raw"
SAMPLES="$WORK/samples"   # lines: METRIC VALUE_MS
ERRORS="$WORK/errors"     # lines: text
mkdir -p "$RAWDIR" "$DATA_B"
: > "$SAMPLES"
: > "$ERRORS"

stop_daemon_b() {
  local c
  if [ -n "$BPID" ]; then
    for c in "$DATA_B"/containers/*/; do
      [ -d "$c" ] && lxc-stop -k -n "$(basename "$c")" -P "$DATA_B/containers" >/dev/null 2>&1 || true
    done
    kill "$BPID" 2>/dev/null || true
    wait "$BPID" 2>/dev/null || true
    BPID=""
  fi
  { grep -o " $DATA_B/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  for c in "$DATA_B"/disks/*.img; do
    [ -f "$c" ] || continue
    { losetup -j "$c" 2>/dev/null || true; } | cut -d: -f1 | while read -r d; do losetup -d "$d" || true; done
  done
}
cleanup() {
  stop_daemon_b
  [ -n "${RAWPID:-}" ] && kill -9 "$RAWPID" 2>/dev/null || true
  [ -n "${GAPPID:-}" ] && kill "$GAPPID" 2>/dev/null || true
  ip link del "$BR" 2>/dev/null || true
  bench_cleanup
}
trap cleanup EXIT

build_tools
DIRTIER="$BUILD/dirtier"
if [ ! -x "$DIRTIER" ] || [ "$BENCH_DIR/src/dirtier.c" -nt "$DIRTIER" ]; then
  gcc -O2 -static -o "$DIRTIER" "$BENCH_DIR/src/dirtier.c" || die "cannot build the static dirtier (gcc, libc6-dev)"
fi
CRIU=$(command -v criu || true)
[ -n "$CRIU" ] || die "criu is not installed (scripts/setup-host.sh builds it)"

# --- the shared segment: a bridge of our own on a free 10.250.X.0/24 ------------------------------------------------
NET=""
for x in $(seq 10 250); do
  if ! ip -4 route show | grep -q "^10\.250\.$x\."; then NET="10.250.$x"; break; fi
done
[ -n "$NET" ] || die "no free 10.250.X.0/24 for the bench bridge"
ip link del "$BR" 2>/dev/null || true
ip link add "$BR" type bridge
ip addr add "$NET.1/24" dev "$BR"
ip link set "$BR" up

# --- two daemons ------------------------------------------------------------------------------------------------
JLXC_CONF="$WORK/jlxc-conf"
export JLXC_CONF
start_pair() { # start_pair DRIVER
  local port_a port_b tok
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$DJAR" --datadir "$DATA" --log-file "$WORK/jlxd-a.log" \
    --storage-driver "$1" --network none >/dev/null 2>&1 &
  DPID=$!
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$DJAR" --datadir "$DATA_B" --log-file "$WORK/jlxd-b.log" \
    --storage-driver "$1" --network none >/dev/null 2>&1 &
  BPID=$!
  for _ in $(seq 1 300); do [ -S "$DATA/unix.socket" ] && [ -S "$DATA_B/unix.socket" ] && break; sleep 0.1; done
  [ -S "$DATA/unix.socket" ] && [ -S "$DATA_B/unix.socket" ] || die "daemons did not start (see $WORK/jlxd-*.log)"
  port_a=$((20000 + RANDOM % 20000)); port_b=$((port_a + 1))
  JLXD_DIR=$DATA "$JLXC" config set core.https_address "127.0.0.1:$port_a"
  JLXD_DIR=$DATA_B "$JLXC" config set core.https_address "127.0.0.2:$port_b"
  export JLXD_DIR=$DATA
  rm -rf "$JLXC_CONF"
  tok=$(JLXD_DIR=$DATA_B JLXC_CONF="$WORK/conf-b" "$JLXC" config trust add --name bench -q)
  "$JLXC" remote add b "$tok" >/dev/null
  "$JLXC" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
  "$JLXC" image import "$DEBIAN_IMG" --alias debian >/dev/null
}
stop_pair() {
  local c
  for c in "$DATA"/containers/*/; do
    [ -d "$c" ] && lxc-stop -k -n "$(basename "$c")" -P "$DATA/containers" >/dev/null 2>&1 || true
  done
  kill "$DPID" 2>/dev/null || true
  wait "$DPID" 2>/dev/null || true
  DPID=""
  { grep -o " $DATA/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  for c in "$DATA"/disks/*.img; do
    [ -f "$c" ] || continue
    { losetup -j "$c" 2>/dev/null || true; } | cut -d: -f1 | while read -r d; do losetup -d "$d" || true; done
  done
  stop_daemon_b
  rm -rf "$DATA" "$DATA_B"
  mkdir -p "$DATA" "$DATA_B"
}

sample() { echo "$1 $2" >> "$SAMPLES"; }
err() { log "error: $*"; printf '%s' "$*" | tr '\n\t' '  ' | sed "s/[\"\\\\]/'/g" >> "$ERRORS"; echo >> "$ERRORS"; }
now_ms() { date +%s%3N; }

# in REF SCRIPT: runs a shell script in the container (busybox sh, or the pushed busybox in Debian)
in_ct() { "$JLXC" exec "$1" -- /bin/sh -c "$2"; }

# setup_ct WORKLOAD NAME ADDR: a running container of the workload with its NIC on the bench bridge (each step is
# checked: the function runs under "if", where set -e does not apply)
setup_ct() {
  local w=$1 name=$2 addr=$3 img=busybox
  [ "$w" = debian ] && img=debian
  "$JLXC" init "$img" "$name" >/dev/null || return 1
  "$JLXC" config device add "$name" eth0 nic nictype=bridged parent="$BR" name=eth0 >/dev/null || return 1
  "$JLXC" start "$name" || return 1
  if [ "$w" = debian ]; then
    timeout 120 "$JLXC" exec "$name" -- systemctl is-system-running --wait >/dev/null 2>&1 || true
  fi
  "$JLXC" file push -p /bin/busybox "$name/usr/local/bin/busybox" --mode 0755 >/dev/null || return 1
  in_ct "$name" "/usr/local/bin/busybox ip addr add $addr/24 dev eth0 && /usr/local/bin/busybox ip link set eth0 up" || return 1
  if [ "$w" = dirty500 ]; then
    "$JLXC" file push "$DIRTIER" "$name/root/dirtier" --mode 0755 >/dev/null || return 1
    in_ct "$name" "setsid /root/dirtier 500 </dev/null >/dev/null 2>&1 &" || return 1
  fi
}

# one_move WORKLOAD POOL NAME FROM TO ADDR: one measured live move with a TCP client across it
one_move() {
  local w=$1 pool=$2 name=$3 from=$4 to=$5 addr=$6 out t0 t1 gap frozen stopf readyf gapout
  in_ct "$from$name" "setsid /usr/local/bin/busybox nc -l -p 7000 -e /bin/cat </dev/null >/dev/null 2>&1 &" \
    || { err "$w/$pool: cannot start the echo server in $from$name"; return; }
  stopf="$WORK/stop.$$"; readyf="$WORK/ready.$$"; gapout="$WORK/gap.out"
  rm -f "$stopf" "$readyf"
  for _ in $(seq 1 10); do
    "$JAVA" "$BENCH_DIR/src/TcpGap.java" "$addr" 7000 "$stopf" "$readyf" > "$gapout" 2>/dev/null &
    GAPPID=$!
    for _ in $(seq 1 100); do [ -f "$readyf" ] || ! kill -0 "$GAPPID" 2>/dev/null && break; sleep 0.05; done
    [ -f "$readyf" ] && break
    wait "$GAPPID" 2>/dev/null || true
    sleep 0.1
  done
  [ -f "$readyf" ] || { err "$w/$pool: the echo server in $from$name did not answer"; return; }
  t0=$(now_ms)
  local moved=0
  if out=$("$JLXC" move "$from$name" "$to" 2>&1); then
    t1=$(now_ms)
    moved=1
    sample "${w}_${pool}_total" "$((t1 - t0))"
    frozen=$(echo "$out" | sed -n 's/.*frozen for \([0-9.]*\) s.*/\1/p' | tail -1)
    if [ -n "$frozen" ]; then
      sample "${w}_${pool}_frozen" "$(awk -v s="$frozen" 'BEGIN { printf "%.0f", s * 1000 }')"
    else
      err "$w/$pool: no frozen time in jlxc's output: $(echo "$out" | tail -1)"
    fi
    steps "$w" "$pool" "$from"
  else
    err "$w/$pool: jlxc move $from$name $to failed: $(echo "$out" | tail -2)"
  fi
  touch "$stopf"
  wait "$GAPPID" 2>/dev/null || true
  gap=$(jfield max_gap_ms < "$gapout" || true)   # none after a failed move: not fatal
  if grep -q '"broke":null' "$gapout"; then
    [ "$moved" = 1 ] && [ -n "$gap" ] && sample "${w}_${pool}_tcp_gap" "$gap"   # only across a real move
  else
    err "$w/$pool: the TCP connection broke: $(cat "$gapout")"
  fi
}

# steps WORKLOAD POOL FROM: the per-step figures of the last move from the two daemons' logs (the source's "migration
# of NAME (live) done: {...}", the target's "received ... steps {...}" and its driver's "restore of NAME: {...}"),
# each *_ms value as a sample "<w>_<pool>_src_<step>" / "_dst_<step>"
steps() {
  local w=$1 pool=$2 from=$3 srclog dstlog kv
  if [ "$from" = "b:" ]; then srclog="$WORK/jlxd-b.log"; dstlog="$WORK/jlxd-a.log"; else srclog="$WORK/jlxd-a.log"; dstlog="$WORK/jlxd-b.log"; fi
  for kv in $(grep -a ' (live) done: ' "$srclog" | tail -1 | sed 's/.*done: {//; s/}.*//; s/, / /g'); do
    case $kv in *_ms=*) sample "${w}_${pool}_src_${kv%%=*}" "${kv#*=}" ;; esac
  done
  for kv in $( { grep -a ' received (live) in ' "$dstlog" | tail -1 | sed 's/.*steps {//; s/}.*//; s/, / /g'
                 grep -a 'restore of .*: {' "$dstlog" | tail -1 | sed 's/.*: {//; s/}.*//; s/, / /g'; } ); do
    case $kv in *_ms=*) sample "${w}_${pool}_dst_${kv%%=*}" "${kv#*=}" ;; esac
  done
}

# raw_floor WORKLOAD: criu dump with --page-server to a criu page-server, restore from the received images
raw_floor() {
  local w=$1 d1="$RAWDIR/dump" d2="$RAWDIR/recv" port t0 t1 pid
  rm -rf "$d1" "$d2"; mkdir -p "$d1" "$d2"
  if [ "$w" = dirty500 ]; then
    cp "$DIRTIER" "$RAWDIR/dirtier"
    setsid "$RAWDIR/dirtier" 500 </dev/null >/dev/null 2>&1 &
  else
    setsid sleep 100000 </dev/null >/dev/null 2>&1 &
  fi
  RAWPID=$!
  sleep 1   # let the workload touch its memory once (a workload settle time, not a wait for a condition)
  port=$((40000 + RANDOM % 20000))
  "$CRIU" page-server -D "$d2" --address 127.0.0.1 --port "$port" -d -o "$RAWDIR/ps.log" || { err "raw/$w: page-server"; kill -9 "$RAWPID"; return; }
  t0=$(now_ms)
  if ! timeout 120 "$CRIU" dump -t "$RAWPID" -D "$d1" --page-server --address 127.0.0.1 --port "$port" \
       --network-lock nftables -o dump.log -v2 >/dev/null 2>&1; then
    err "raw/$w: criu dump failed: $(tail -3 "$d1/dump.log" 2>/dev/null | tr '\n' ' ')"
    kill -9 "$RAWPID" 2>/dev/null || true
    return
  fi
  wait "$RAWPID" 2>/dev/null || true   # reap it (dump killed it): its pid must be free for the restore on this host
  cp -a "$d1"/*.img "$d2"/ 2>/dev/null || true
  rm -f "$RAWDIR/pid"
  if ! timeout 120 "$CRIU" restore -D "$d2" --restore-detached --pidfile "$RAWDIR/pid" -o restore.log -v2 >/dev/null 2>&1; then
    err "raw/$w: criu restore failed: $(tail -3 "$d2/restore.log" 2>/dev/null | tr '\n' ' ')"
    return
  fi
  t1=$(now_ms)
  sample "raw_${w}_frozen" "$((t1 - t0))"
  pid=$(cat "$RAWDIR/pid" 2>/dev/null || echo "$RAWPID")   # CRIU restores the same pid
  kill -9 "$pid" 2>/dev/null || true
  RAWPID=""
}

busy=0
[ "$WAIT_QUIET" = 1 ] && busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
log "measuring $N moves per workload and pool (pools: $POOLS; workloads: $WORKLOADS; cpu busy before: $busy%)"
for r in $(seq 1 "$N"); do
  raw_floor idle
  case " $WORKLOADS " in *" dirty500 "*) raw_floor dirty500 ;; esac
done
i=10
for pool in $POOLS; do
  start_pair "$pool"
  for w in $WORKLOADS; do
    i=$((i + 1))
    name="mig-$w"
    addr="$NET.$i"
    if ! setup_ct "$w" "$name" "$addr" >/dev/null 2>"$WORK/setup.err"; then
      err "$w/$pool: setup failed: $(tail -2 "$WORK/setup.err")"
      continue
    fi
    where="local:"
    for r in $(seq 1 "$N"); do
      if [ "$where" = "local:" ]; then
        one_move "$w" "$pool" "$name" "" "b:" "$addr"; where="b:"
      else
        one_move "$w" "$pool" "$name" "b:" "local:" "$addr"; where="local:"
      fi
      # a failed move leaves the instance where it was
      "$JLXC" list "$where" --format csv -c n 2>/dev/null | grep -qx "$name" || where=$([ "$where" = "b:" ] && echo "local:" || echo "b:")
    done
    "$JLXC" delete --force "${where#local:}$name" >/dev/null 2>&1 || "$JLXC" delete --force "$where$name" >/dev/null 2>&1 || true
  done
  stop_pair
done

OUT="$WORK/out.json"
{
  printf '{'
  sep=""
  for m in $(cut -d' ' -f1 "$SAMPLES" | sort -u); do
    read -r n med p90 min max mean < <(awk -v m="$m" '$1 == m { print $2 }' "$SAMPLES" | stats)
    printf '%s"%s":{"n":%s,"median_ms":%s,"p90_ms":%s,"min_ms":%s,"max_ms":%s,"mean_ms":%s}' "$sep" "$m" "$n" "$med" "$p90" "$min" "$max" "$mean"
    sep=","
  done
  printf '%s"errors":{' "$sep"
  sep=""
  k=0
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    k=$((k + 1)); printf '%s"%d":"%s"' "$sep" "$k" "$line"; sep=","
  done < "$ERRORS"
  printf '}}\n'
} > "$OUT"

JSON="$WORK/result.json"
TXT="$WORK/result.txt"
printf '{"bench":"migration","rounds":%s,"pools":"%s","workloads":"%s","env":%s,"cpu_busy_before_pct":%s,"result":%s}\n' \
  "$N" "$POOLS" "$WORKLOADS" "$(env_json)" "$busy" "$(cat "$OUT")" > "$JSON"
{
  echo "jlxd migration bench, $N moves per row, $(date -u +%Y-%m-%dT%H:%M:%SZ), cpu busy before: $busy%"
  echo "(frozen: from the freeze on the source until running on the target; tcp_gap: longest gap between echoes"
  echo " seen by a client on the bridge; raw: criu dump --page-server + restore of a process tree on this host)"
  bench_row_table "$OUT" <<'ROWS'
busybox_dir_total - -
busybox_dir_frozen raw_idle_frozen 10500
busybox_dir_tcp_gap raw_idle_frozen -
busybox_btrfs_total - -
busybox_btrfs_frozen raw_idle_frozen 551
busybox_btrfs_tcp_gap raw_idle_frozen -
debian_dir_total - -
debian_dir_frozen raw_idle_frozen -
debian_dir_tcp_gap raw_idle_frozen -
debian_btrfs_total - -
debian_btrfs_frozen raw_idle_frozen -
debian_btrfs_tcp_gap raw_idle_frozen -
dirty500_dir_total - -
dirty500_dir_frozen raw_dirty500_frozen -
dirty500_dir_tcp_gap raw_dirty500_frozen -
dirty500_btrfs_total - -
dirty500_btrfs_frozen raw_dirty500_frozen -
dirty500_btrfs_tcp_gap raw_dirty500_frozen -
raw_idle_frozen - 440
raw_dirty500_frozen - 1250
ROWS
  echo
  echo "per-step medians of the live moves (ms; src: the source daemon, dst: the target; from the daemons' logs):"
  for m in $(cut -d' ' -f1 "$SAMPLES" | grep -E '_(src|dst)_' | sort -u); do
    printf '%-48s %8s\n' "$m" "$(awk -v m="$m" '$1 == m { print $2 }' "$SAMPLES" | stats | cut -d' ' -f2)"
  done
} > "$TXT"
cat "$TXT"
write_result migration "$JSON" "$TXT"
