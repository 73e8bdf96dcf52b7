#!/usr/bin/env bash
# instances.sh: the daemon with 50 running instances: listing with state, processes spawned by it, idle memory and
# start time, in one run.
#
#   bench/instances.sh [-n ROUNDS] [--count N] [--no-wait-quiet]
#
# Starts a jlxd daemon (a copy of daemon/target, see lib/common.sh) on a temporary data dir, makes a btrfs pool (loop
# file) and COUNT (default 50) busybox instances on it, all running (src/InstancesBench.java), then measures:
#   list_recursion2   GET /1.0/instances?recursion=2 (each instance with its state: processes, memory, root disk
#                     usage from the btrfs qgroup), ROUNDS (default 30) times, against GET /1.0 on the same daemon;
#   spawned_per_list  processes the daemon starts while answering one such listing (strace -f of the daemon, execve
#                     counted over 3 listings);
#   rss_idle_mb       the daemon's RSS after the listings and 10 s idle;
#   start_ready       a new daemon on the same data dir (COUNT instances defined and running) from exec to the first
#                     answered GET /1.0 (bench/.build/startbench; the launcher's JVM flags without an AOT cache, and
#                     with the cache when daemon/target/jlxd.aot fits the jar), with its RSS at that moment.
# LXD 5.0.2 figures for reference: recursion=2 with 50 instances 57 ms, start with 50 instances 1.54 s, RSS 123-168 MB.
# Results: bench/results/instances-<stamp>.{json,txt} and instances-latest.*.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

COUNT=50
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --count) COUNT=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ "$COUNT" =~ ^[0-9]+$ ]] && [ "$COUNT" -ge 1 ] && [ "$COUNT" -le 200 ] || die "--count must be 1..200"
bench_rounds_opts 30 "${args[@]+"${args[@]}"}"
command -v strace >/dev/null || die "strace is needed (apt-get install strace)"
bench_prepare instances
trap bench_cleanup EXIT
build_tools

bench_start_daemon
"$JLXC" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
"$JLXC" storage create bench btrfs size=2GiB >/dev/null
log "creating and starting $COUNT instances"

busy=0
OUT="$WORK/out.json"
"$JAVA" "$BENCH_DIR/src/InstancesBench.java" "$DATA/unix.socket" bench "$COUNT" 0 > "$WORK/create.json"
grep -q '"errors":{}' "$WORK/create.json" || die "creating the instances failed: $(cat "$WORK/create.json")"
[ "$WAIT_QUIET" = 1 ] && busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
log "measuring $N rounds (cpu busy before: $busy%)"
# the instances exist now: the program measures without creating any (COUNT 0), on the running ones
"$JAVA" "$BENCH_DIR/src/InstancesBench.java" "$DATA/unix.socket" bench 0 "$N" > "$OUT" || true

# processes started while answering 3 listings
strace -f -qq -e trace=execve -e signal=none -o "$WORK/strace.txt" -p "$DPID" &
SPID=$!
sleep 1
for _ in 1 2 3; do curl -s --unix-socket "$DATA/unix.socket" "http://jlxd/1.0/instances?recursion=2" >/dev/null; done
sleep 0.5
kill "$SPID" 2>/dev/null || true
wait "$SPID" 2>/dev/null || true
execs=$(grep -cE '= 0$' "$WORK/strace.txt" || true) # successful execve: processes started (PATH look-ups fail first)
spawned=$(awk -v e="$execs" 'BEGIN { printf "%.2f", e/3 }')

sleep 10
rss_idle_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$DPID/status")

# start with COUNT instances defined: stop this daemon (the containers keep running), time a new one
kill "$DPID"; wait "$DPID" 2>/dev/null || true
starts=()
flags="--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching"
for i in 1 2 3; do
  # shellcheck disable=SC2086
  s=$("$BUILD/startbench" --socket "$DATA/unix.socket" --log "$WORK/start-$i.log" --timeout-ms 60000 --stop-timeout-ms 30000 \
      -- "$JAVA" $flags -jar "$DJAR" --datadir "$DATA" --log-file "$WORK/jlxd-start.log" || true)
  starts+=("$s")
done
# the cleanup stops the containers by lxc-stop; no daemon runs any more
DPID=""
for c in "$DATA"/containers/*/; do
  [ -d "$c" ] && lxc-stop -k -n "$(basename "$c")" -P "$DATA/containers" >/dev/null 2>&1 || true
done
ready=$(for s in "${starts[@]}"; do echo "$s" | jfield ready_ms; done | stats | cut -d' ' -f2)
rss_ready=$(for s in "${starts[@]}"; do echo "$s" | jfield rss_kb_at_ready; done | stats | cut -d' ' -f2)

JSON="$WORK/result.json"
TXT="$WORK/result.txt"
printf '{"bench":"instances","env":%s,"count":%s,"cpu_busy_before_pct":%s,"result":%s,"spawned_per_list":%s,"rss_idle_kb":%s,"starts":[%s]}\n' \
  "$(env_json)" "$COUNT" "$busy" "$(cat "$OUT")" "$spawned" "$rss_idle_kb" "$(IFS=,; echo "${starts[*]}")" > "$JSON"
{
  echo "jlxd instances bench, $COUNT running instances on a btrfs pool, $N rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg), cpu busy before: $busy%"
  bench_row_table "$OUT" <<'ROWS'
list_recursion2 get_1_0 57
ROWS
  printf '%-28s %10s %10s\n' spawned_per_list "$spawned" "(processes started per recursion=2 listing)"
  printf '%-28s %10s %10s %8s\n' rss_idle_mb "$(awk -v k="$rss_idle_kb" 'BEGIN{printf "%.1f", k/1024}')" lxd_mb "123-168"
  printf '%-28s %10s %10s %8s\n' start_ready_ms "$ready" lxd_ms "$(ratio "$ready" 1540)"
  printf '%-28s %10s\n' rss_at_ready_mb "$(awk -v k="$rss_ready" 'BEGIN{printf "%.1f", k/1024}')"
} > "$TXT"
cat "$TXT"
write_result instances "$JSON" "$TXT"
