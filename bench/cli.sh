#!/usr/bin/env bash
# cli.sh: wall and CPU time of `jlxc` commands against a one-line Java program and Debian's Go `lxc`, in one run.
#
#   bench/cli.sh [-n N] [--no-wait-quiet]
#
# Starts a jlxd daemon (a copy of daemon/target, see lib/common.sh) on a temporary data dir, launches a busybox
# container c1, takes a copy of this tree's jlxc (client-cli/target: jlxc.jar + lib/, and scripts/jlxc) and makes
# its AOT cache with scripts/build-cli-aot.sh, as an install does. The floor is a one-line Java program under jlxc's
# main-class name (bench/src/clifloor) started by the very same launcher (same java, same flags), measured without
# an AOT cache (the JDK's own CDS archive, "floor") and with one made the same way as jlxc's ("floor_aot").
# bench/.build/cmdbench (src/cmdbench.c) then runs N rounds (default 20), interleaved, of: the floors, `jlxc
# version`, `jlxc list`, `jlxc profile list`, `jlxc exec c1 -- true`, and the same four with Debian's `lxc` (LXD
# 5.0's Go client, /usr/bin/lxc) against the same daemon (LXD_DIR). Each run: wall time (fork to exit) and CPU
# time (user + system, all threads). Rows: median wall ms, the floor's, jlxc/floor (goals: <= 1.7 for one-request
# commands, <= 2 for exec), lxc's median and jlxc/lxc; the same for CPU time, which background load disturbs less.
# Results: bench/results/cli-<stamp>.{json,txt} and cli-latest.*. Needs root (container), gcc, a built
# daemon/target and client-cli/target.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

bench_rounds_opts 20 "$@"
[ "$N" -ge 3 ] || die "-n must be at least 3 here"
command -v gcc >/dev/null || die "gcc is needed to build the bench helpers"
mkdir -p "$BUILD"
if [ ! -x "$BUILD/cmdbench" ] || [ "$BENCH_DIR/src/cmdbench.c" -nt "$BUILD/cmdbench" ]; then
  gcc -O2 -Wall -o "$BUILD/cmdbench" "$BENCH_DIR/src/cmdbench.c" || die "cannot compile cmdbench.c"
fi
CLI_SRC="$ROOT/client-cli/target"
[ -f "$CLI_SRC/jlxc.jar" ] || die "$CLI_SRC/jlxc.jar not found: build with mvn first"
bench_prepare cli
cleanup() { bench_cleanup; }
trap cleanup EXIT

# this tree's CLI, as installed: launcher, jar, lib/ and the AOT cache beside them
CLI="$WORK/cli"
mkdir -p "$CLI/lib"
cp -p "$CLI_SRC/jlxc.jar" "$CLI/"
cp -p "$CLI_SRC"/lib/*.jar "$CLI/lib/"
cp -p "$ROOT/scripts/jlxc" "$CLI/jlxc"
# the floor: same launcher (a copy, so that it finds floor/jlxc.jar beside it), same flags
FLOOR="$WORK/floor"
FLOOR_AOT="$WORK/floor-aot"
mkdir -p "$FLOOR/classes" "$FLOOR_AOT"
"$JAVAC" -d "$FLOOR/classes" "$BENCH_DIR"/src/clifloor/io/jlxd/cli/Main.java \
  "$BENCH_DIR"/src/clifloor/io/jlxd/cli/aot/Training.java || die "cannot compile the floor"
"$(dirname "$JAVA")/jar" cf "$FLOOR/jlxc.jar" -C "$FLOOR/classes" . || die "cannot make the floor jar"
cp -p "$ROOT/scripts/jlxc" "$FLOOR/jlxc"
cp -p "$FLOOR/jlxc.jar" "$ROOT/scripts/jlxc" "$FLOOR_AOT/"

bench_start_daemon
export LXD_DIR=$DATA LXD_CONF="$WORK/lxc-conf" JLXC_CONF="$WORK/jlxc-conf"
JLXD_JAVA="$JAVA" "$ROOT/scripts/build-cli-aot.sh" "$CLI" >&2 || die "jlxc AOT cache failed"
JLXD_JAVA="$JAVA" "$ROOT/scripts/build-cli-aot.sh" "$FLOOR_AOT" >&2 || die "floor AOT cache failed"
"$CLI/jlxc" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
"$CLI/jlxc" launch busybox c1 >/dev/null 2>&1 || die "launch of c1 failed"
"$CLI/jlxc" exec c1 -- true || die "exec in c1 failed"
LXC=$(command -v lxc || true)
[ -n "$LXC" ] && { "$LXC" version >/dev/null 2>&1 || LXC=""; }
[ -n "$LXC" ] || log "Debian's lxc (lxd-client) not found or not answering: lxc columns n/a"

busy=0
[ "$WAIT_QUIET" = 1 ] && busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
log "measuring $N rounds (cpu busy before: $busy%)"
export JLXD_JAVA="$JAVA"
cmds=(
  "floor=$FLOOR/jlxc"
  "floor_aot=$FLOOR_AOT/jlxc"
  "jlxc_version=$CLI/jlxc version"
  "jlxc_list=$CLI/jlxc list"
  "jlxc_profile_list=$CLI/jlxc profile list"
  "jlxc_exec=$CLI/jlxc exec c1 -- true"
)
if [ -n "$LXC" ]; then
  cmds+=("lxc_version=$LXC version" "lxc_list=$LXC list" "lxc_profile_list=$LXC profile list"
         "lxc_exec=$LXC exec c1 -- true")
fi
OUT="$WORK/out.jsonl"
"$BUILD/cmdbench" "$N" "${cmds[@]}" > "$OUT"

# med NAME FIELD -> median of the samples
med() { grep "\"name\":\"$1\"" "$OUT" | sed "s/.*\"$2\":\[\([^]]*\)\].*/\1/" | tr ',' '\n' | stats | cut -d' ' -f2; }
fails() { grep "\"name\":\"$1\"" "$OUT" | jfield failures; }
TXT="$WORK/result.txt"
ROWS=""
{
  echo "jlxc CLI bench, $N rounds interleaved, $(date -u +%Y-%m-%dT%H:%M:%SZ), cpu busy before: $busy%, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "floor: a one-line Java program started by the jlxc launcher with jlxc's flags; lxc: Debian's Go client (LXD 5.0)"
  printf '%-22s %6s | %9s %9s %7s %5s %9s %8s | %9s %9s %7s %9s %8s\n' metric goal wall_ms floor_ms /floor ok \
    lxc_ms /lxc cpu_ms floor_cpu /floor lxc_cpu /lxc
} > "$TXT"
fw=$(med floor wall_ms); fc=$(med floor cpu_ms)
printf '%-22s %6s | %9s %9s %7s %5s %9s %8s | %9s %9s %7s %9s %8s\n' floor - "$fw" "$fw" 1.00 - - - "$fc" "$fc" 1.00 - - >> "$TXT"
faw=$(med floor_aot wall_ms); fac=$(med floor_aot cpu_ms)
printf '%-22s %6s | %9s %9s %7s %5s %9s %8s | %9s %9s %7s %9s %8s\n' floor_aot - "$faw" "$fw" "$(ratio "$faw" "$fw")" - - - \
  "$fac" "$fc" "$(ratio "$fac" "$fc")" - - >> "$TXT"
for m in version list profile_list exec; do
  goal=1.7
  [ "$m" = exec ] && goal=2.0
  jw=$(med "jlxc_$m" wall_ms); jc=$(med "jlxc_$m" cpu_ms)
  lw=""; lc=""
  if [ -n "$LXC" ]; then lw=$(med "lxc_$m" wall_ms); lc=$(med "lxc_$m" cpu_ms); fi
  x=$(ratio "$jw" "$fw")
  ok=$(awk -v x="$x" -v g="$goal" 'BEGIN { if (x == "n/a") print "n/a"; else print (x + 0 <= g + 0) ? "yes" : "no" }')
  printf '%-22s %6s | %9s %9s %7s %5s %9s %8s | %9s %9s %7s %9s %8s\n' "jlxc_$m" "$goal" "$jw" "$fw" "$x" "$ok" \
    "${lw:-n/a}" "$(ratio "$jw" "${lw:-0}")" "$jc" "$fc" "$(ratio "$jc" "$fc")" "${lc:-n/a}" "$(ratio "$jc" "${lc:-0}")" >> "$TXT"
  ROWS="$ROWS,{\"metric\":\"jlxc_$m\",\"goal_x_floor\":$goal,\"wall_ms\":$jw,\"floor_wall_ms\":$fw,\"x_floor\":\"$x\",\"goal_met\":\"$ok\",\"lxc_wall_ms\":\"${lw:-}\",\"cpu_ms\":$jc,\"floor_cpu_ms\":$fc,\"lxc_cpu_ms\":\"${lc:-}\",\"failures\":$(fails "jlxc_$m")}"
done
echo "medians of $N runs each; ok: jlxc wall/floor within the goal" >> "$TXT"
JSON="$WORK/result.json"
printf '{"bench":"cli","env":%s,"rounds":%s,"cpu_busy_before_pct":%s,"floor_wall_ms":%s,"floor_aot_wall_ms":%s,"rows":[%s],"runs":[%s]}\n' \
  "$(env_json)" "$N" "$busy" "$fw" "$faw" "${ROWS#,}" "$(paste -sd, "$OUT")" > "$JSON"
cat "$TXT"
write_result cli "$JSON" "$TXT"
