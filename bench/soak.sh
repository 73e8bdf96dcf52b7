#!/usr/bin/env bash
# soak.sh: 32 concurrent clients mixing lifecycle, exec, file, snapshot and listing operations on 50 busybox containers
# for 10 minutes (not CI):
#
#   bench/soak.sh [-d SECONDS] [-c CLIENTS] [-n CONTAINERS]      (defaults: 600, 32, 50)
#
# Starts a jlxd daemon (a copy of daemon/target, see lib/common.sh) on a temporary data dir, launches the containers,
# then bench/src/SoakBench.java runs the clients (each on its own keep-alive connection) while sampling the daemon's
# heap (after a full GC at the start and at the end), threads, open descriptors and RSS every 5 s. Passes when there was
# no 5xx, no lost connection and no operation left running after 120 s, and the daemon's threads and descriptors are
# back near where they started once the containers are settled (heap: reported). Conflicts between clients (a start
# of a container another client started) are expected and counted as "_refused".
# Results: bench/results/soak-<stamp>.{json,txt} and soak-latest.*.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

D=600 C=32 CT=50
while [ $# -gt 0 ]; do
  case $1 in
    -d) D=$2; shift 2 ;;
    -c) C=$2; shift 2 ;;
    -n) CT=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$D" =~ ^[0-9]+$ && "$C" =~ ^[0-9]+$ && "$CT" =~ ^[0-9]+$ ]] || die "-d, -c and -n take numbers"
[ "$(id -u)" = 0 ] || die "run as root (containers)"

bench_prepare soak
trap bench_cleanup EXIT
bench_start_daemon
"$ROOT/scripts/jlxc" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
log "soak: $C clients, $CT containers, $D s"
OUT="$WORK/out.json"
"$JAVA" "$BENCH_DIR/src/SoakBench.java" "$DATA/unix.socket" "$D" "$C" "$CT" "$DPID" > "$OUT"

JSON="$WORK/result.json"
TXT="$WORK/result.txt"
printf '{"bench":"soak","env":%s,"result":%s}\n' "$(env_json)" "$(cat "$OUT")" > "$JSON"
field() { grep -o "\"$1\":{[^}]*}" "$OUT" | head -1; }
b_thr=$(field before | jfield threads); a_thr=$(field after | jfield threads)
b_fd=$(field before | jfield fds); a_fd=$(field after | jfield fds)
b_heap=$(field before | jfield heap_kib); a_heap=$(field after | jfield heap_kib)
fails=$(jfield failures < "$OUT")
total=$(jfield total < "$OUT")
verdict=PASS
[ "$fails" = 0 ] || verdict=FAIL
[ "$a_fd" -le $((b_fd + b_fd / 5 + 10)) ] || verdict=FAIL
[ "$a_thr" -le $((b_thr + b_thr / 2 + 10)) ] || verdict=FAIL
{
  echo "jlxd soak, $C clients, $CT containers, ${D}s, $(date -u +%Y-%m-%dT%H:%M:%SZ): $verdict"
  echo "requests/operations: $total; failures (5xx, lost connections, unfinished operations): $fails"
  echo "daemon before -> after (settled): threads $b_thr -> $a_thr, fds $b_fd -> $a_fd, heap after full GC ${b_heap} KiB -> ${a_heap} KiB"
  echo "counts: $(grep -o '"counts":{[^}]*}' "$OUT" | sed 's/"counts"://')"
  echo "latency (ms, p50/p99/max):"
  grep -o '"[a-z_]*":{"n":[0-9]*,"p50":[0-9.]*,"p99":[0-9.]*,"max":[0-9.]*}' "$OUT" \
    | sed 's/"\([a-z_]*\)":{"n":\([0-9]*\),"p50":\([0-9.]*\),"p99":\([0-9.]*\),"max":\([0-9.]*\)}/  \1 n=\2 \3\/\4\/\5/'
  echo "samples (t, heap KiB, threads, fds, rss KiB):"
  grep -o '"samples":\[.*\]' "$OUT" | grep -o '{[^}]*}' | sed 's/[{}"]//g; s/^/  /'
  grep -o '"failure_examples":\[.*\]' "$OUT" | sed 's/^/  /'
} > "$TXT"
cat "$TXT"
write_result soak "$JSON" "$TXT"
[ "$verdict" = PASS ]
