#!/usr/bin/env bash
# containers.sh: container operations through jlxd against the raw liblxc tools, in one run.
#
#   bench/containers.sh [-n N] [--no-wait-quiet]
#
# Starts a jlxd daemon (a copy of daemon/target, see lib/common.sh) on a temporary data dir, imports the busybox
# and debian/bookworm images from the image cache (scripts/images/build-image.sh builds them when missing), then
# bench/src/ContainerBench.java measures N rounds (default 5) of, through the REST API on one keep-alive
# connection: busybox launch (create + start until RUNNING), stop --force, start, exec round trip (`true`,
# non-interactive, 5 per round; also through the `jlxc` CLI), stateful stop and start (CRIU), Debian launch until
# `systemctl is-system-running --wait` returns. The raw counterparts, on copies of the same containers (same LXC
# config and shifted rootfs) under a separate lxcpath: `cp -a` + `lxc-start -d` + `lxc-wait`, `lxc-stop -k`,
# `lxc-start`, `lxc-attach -- true`. Results: bench/results/containers-<stamp>.{json,txt} and containers-latest.*,
# with LXD 5.0.2's figures on this machine kind for reference.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

N=5
WAIT_QUIET=1
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    --no-wait-quiet) WAIT_QUIET=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 50 ] || die "-n must be 1..50"
[ "$(id -u)" = 0 ] || die "run as root (containers)"
check_jar
snapshot_daemon

# build-image.sh prints the cached image's path at once when its inputs did not change
BUSYBOX_IMG=$("$ROOT/scripts/images/build-image.sh" busybox | sed -n 's/^path: //p')
DEBIAN_IMG=$("$ROOT/scripts/images/build-image.sh" debian/bookworm | sed -n 's/^path: //p')
[ -f "$BUSYBOX_IMG" ] && [ -f "$DEBIAN_IMG" ] || die "image build failed"
JLXC="$ROOT/scripts/jlxc"   # this tree's CLI, with its AOT cache (made here when missing or older than the jar)
CLI_DIR="$ROOT/client-cli/target"
if [ ! -f "$CLI_DIR/jlxc.aot" ] || [ "$CLI_DIR/jlxc.jar" -nt "$CLI_DIR/jlxc.aot" ]; then
  JLXD_JAVA="$JAVA" "$ROOT/scripts/build-cli-aot.sh" "$CLI_DIR" >&2 || log "no CLI AOT cache (exec_cli measured without)"
fi

WORK=$(mktemp -d /tmp/jlxd-bench-ct.XXXXXX)
chmod 0711 "$WORK"
DATA="$WORK/data"
RAW="$WORK/raw"
mkdir -p "$DATA" "$RAW"
DPID=""
cleanup() {
  local c
  for c in "$RAW"/*/; do
    [ -d "$c" ] && lxc-stop -k -n "$(basename "$c")" -P "$RAW" >/dev/null 2>&1 || true
  done
  if [ -n "$DPID" ]; then
    for c in "$DATA"/containers/*/; do
      [ -d "$c" ] && lxc-stop -k -n "$(basename "$c")" -P "$DATA/containers" >/dev/null 2>&1 || true
    done
    kill "$DPID" 2>/dev/null || true
    wait "$DPID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$DJAR" --datadir "$DATA" --log-file "$WORK/jlxd.log" >/dev/null 2>&1 &
DPID=$!
for _ in $(seq 1 300); do [ -S "$DATA/unix.socket" ] && break; sleep 0.1; done
[ -S "$DATA/unix.socket" ] || die "daemon did not start (see $WORK/jlxd.log)"
export JLXD_DIR=$DATA
"$JLXC" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
"$JLXC" image import "$DEBIAN_IMG" --alias debian >/dev/null

busy=0
[ "$WAIT_QUIET" = 1 ] && busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
log "measuring $N rounds (cpu busy before: $busy%)"
OUT="$WORK/out.json"
"$JAVA" "$BENCH_DIR/src/ContainerBench.java" "$DATA/unix.socket" "$DATA/containers" "$RAW" "$JLXC" "$N" > "$OUT"

JSON="$WORK/result.json"
TXT="$WORK/result.txt"
printf '{"bench":"containers","env":%s,"cpu_busy_before_pct":%s,"result":%s}\n' "$(env_json)" "$busy" "$(cat "$OUT")" > "$JSON"
med() { { grep -o "\"$1\":{\"n\":[0-9]*,\"median_ms\":[0-9.]*" "$OUT" || true; } | sed 's/.*"median_ms"://'; }
{
  echo "jlxd containers bench, $N rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), cpu busy before: $busy%"
  printf '%-28s %10s %10s %8s %10s %8s\n' metric jlxd_ms raw_ms /raw lxd_ms /lxd
  row() { # row METRIC RAW_METRIC LXD_MS
    local j r
    j=$(med "$1"); r=$( [ -n "$2" ] && med "$2" || true)
    printf '%-28s %10s %10s %8s %10s %8s\n' "$1" "${j:-n/a}" "${r:-n/a}" "$(ratio "${j:-0}" "${r:-0}")" "${3:-n/a}" "$(ratio "${j:-0}" "${3:-0}")"
  }
  row busybox_launch raw_busybox_launch 218
  row busybox_start raw_busybox_start 139
  row busybox_stop_force raw_busybox_stop_force ""
  row exec_rest raw_exec 7.3
  row exec_cli raw_exec 20
  row debian_launch_running raw_debian_launch_running 2800
  row busybox_stateful_stop "" ""
  row busybox_stateful_start "" ""
  row debian_stateful_stop "" 730
  row debian_stateful_start "" 316
  grep -o '"errors":{.*}' "$OUT" | grep -v '"errors":{}' | sed 's/^/errors: /' || true
} > "$TXT"
cat "$TXT"
write_result containers "$JSON" "$TXT"
