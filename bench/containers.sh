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
# `lxc-start`, `lxc-attach -- true` and jlxd's own `jlxd-forkexec -- true` run directly (the exec floor). Results: bench/results/containers-<stamp>.{json,txt} and containers-latest.*,
# with LXD 5.0.2's figures on this machine kind for reference.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

bench_rounds_opts 5 "$@"
bench_prepare ct
RAW="$WORK/raw"
mkdir -p "$RAW"
cleanup() {
  local c
  for c in "$RAW"/*/; do
    [ -d "$c" ] && lxc-stop -k -n "$(basename "$c")" -P "$RAW" >/dev/null 2>&1 || true
  done
  bench_cleanup
}
trap cleanup EXIT
CLI_DIR="$ROOT/client-cli/target"
if [ ! -f "$CLI_DIR/jlxc.aot" ] || [ "$CLI_DIR/jlxc.jar" -nt "$CLI_DIR/jlxc.aot" ]; then
  JLXD_JAVA="$JAVA" "$ROOT/scripts/build-cli-aot.sh" "$CLI_DIR" >&2 || log "no CLI AOT cache (exec_cli measured without)"
fi

bench_start_daemon
"$JLXC" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
"$JLXC" image import "$DEBIAN_IMG" --alias debian >/dev/null

busy=0
[ "$WAIT_QUIET" = 1 ] && busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
log "measuring $N rounds (cpu busy before: $busy%)"
OUT="$WORK/out.json"
"$JAVA" "$BENCH_DIR/src/ContainerBench.java" "$DATA/unix.socket" "$DATA/containers" "$RAW" "$JLXC" "$N" \
  "$(dirname "$DJAR")/native/jlxd-forkexec" > "$OUT"

JSON="$WORK/result.json"
TXT="$WORK/result.txt"
printf '{"bench":"containers","env":%s,"cpu_busy_before_pct":%s,"result":%s}\n' "$(env_json)" "$busy" "$(cat "$OUT")" > "$JSON"
{
  echo "jlxd containers bench, $N rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), cpu busy before: $busy%"
  bench_row_table "$OUT" <<'ROWS'
busybox_launch raw_busybox_launch 218
busybox_start raw_busybox_start 139
busybox_stop_force raw_busybox_stop_force -
exec_rest raw_exec 7.3
exec_rest raw_forkexec 7.3
exec_cli raw_exec 20
debian_launch_running raw_debian_launch_running 2800
busybox_stateful_stop - -
busybox_stateful_start - -
debian_stateful_stop - 730
debian_stateful_start - 316
ROWS
} > "$TXT"
cat "$TXT"
write_result containers "$JSON" "$TXT"
