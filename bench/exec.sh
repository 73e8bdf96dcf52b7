#!/usr/bin/env bash
# exec.sh: an exec round trip over jlxd's REST API against the floors of an exec, in one run.
#
#   bench/exec.sh [-n ROUNDS] [--no-wait-quiet]
#
# Starts a jlxd daemon (a copy of daemon/target, see lib/common.sh) on a temporary data dir, launches one busybox
# container, then bench/src/ExecBench.java measures ROUNDS (default 10) rounds of 5 samples each, interleaved:
#   exec_rest_ws   `true` the way clients run it: POST .../exec with wait-for-websocket, control + stdin/stdout/stderr
#                  websockets, end of stdin, outputs read to their close, GET the operation for the exit code;
#   exec_rest      POST .../exec without websockets, GET .../wait for the exit code;
#   floor_helper   a minimal setns+execve helper (src/setnsfloor.c) spawned from C: setns into the container's
#                  namespaces, fork, execve `true`, wait (the issue's floor);
#   floor_inproc   the same without a helper exec: fork, setns, fork, execve `true` (the least possible);
#   floor_forkexec jlxd's one-shot `jlxd-forkexec --pid PID -- true` spawned from C (cgroups, caps, seccomp, ids).
# Prints jlxd_ms, floor_ms and their ratio per row, with LXD 5.0.2's 7.3 ms for reference.
# Results: bench/results/exec-<stamp>.{json,txt} and exec-latest.*.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

bench_rounds_opts 10 "$@"
bench_prepare exec
trap bench_cleanup EXIT
mkdir -p "$BUILD"
for p in setnsfloor execfloor; do
  if [ ! -x "$BUILD/$p" ] || [ "$BENCH_DIR/src/$p.c" -nt "$BUILD/$p" ]; then
    gcc -O2 -Wall -o "$BUILD/$p" "$BENCH_DIR/src/$p.c" || die "cannot compile $p.c"
  fi
done

bench_start_daemon
"$JLXC" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
"$JLXC" launch busybox bench-exec >/dev/null
INIT=$(lxc-info -n bench-exec -P "$DATA/containers" -pH)
[ -n "$INIT" ] || die "no init pid for bench-exec"

busy=0
[ "$WAIT_QUIET" = 1 ] && busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
log "measuring $N rounds (cpu busy before: $busy%)"
OUT="$WORK/out.json"
"$JAVA" "$BENCH_DIR/src/ExecBench.java" "$DATA/unix.socket" bench-exec "$INIT" "$N" 5 "$BUILD/execfloor" \
  "$BUILD/setnsfloor" "$(dirname "$DJAR")/native/jlxd-forkexec" "$DPID" > "$OUT"

JSON="$WORK/result.json"
TXT="$WORK/result.txt"
printf '{"bench":"exec","env":%s,"cpu_busy_before_pct":%s,"result":%s}\n' "$(env_json)" "$busy" "$(cat "$OUT")" > "$JSON"
{
  echo "jlxd exec bench, $N rounds x 5, $(date -u +%Y-%m-%dT%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg), cpu busy before: $busy%"
  bench_row_table "$OUT" <<'ROWS'
exec_rest floor_helper 7.3
exec_rest_ws floor_helper 7.3
exec_rest floor_inproc 7.3
exec_rest_ws floor_inproc 7.3
floor_forkexec floor_helper -
ROWS
  for m in exec_rest exec_rest_ws; do
    printf '%-28s %10s   (the daemon JVM'"'"'s own CPU time per exec, load-independent)\n' "cpu_ms_$m" "$(jfield "daemon_cpu_ms_per_$m" < "$OUT")"
  done
} > "$TXT"
cat "$TXT"
write_result exec "$JSON" "$TXT"
