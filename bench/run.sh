#!/usr/bin/env bash
# run.sh: runs every jlxd bench and prints a summary against the LXD reference figures.
#
#   bench/run.sh [--quick]
#
# 1. daemon-start.sh: exec -> first answered GET /1.0, fresh and warm data dir, with and without a JDK AOT cache
# 2. api-load.sh:     GET /1.0 latency and throughput with 1, 8 and 16 keep-alive clients, and a raw server
# Then writes bench/results/summary-<stamp>.{json,txt} and summary-latest.{json,txt} (the benches write their own
# daemon-start-* and api-load-* files with the same stamp). --quick: fewer runs (~4 min instead of ~10-15, plus up
# to BENCH_QUIET_WAIT s per bench waiting for a quiet machine).
# Needs: JDK 25 (JLXD_JAVA or /usr/lib/jvm/temurin-25-jdk-amd64), gcc, a built daemon/target/jlxd.jar.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

QUICK=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=(--quick); shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
check_jar
build_tools
export BENCH_STAMP=${BENCH_STAMP:-$(stamp)}
t0=$(date +%s)
log "bench run $BENCH_STAMP ${QUICK[*]:-}"
"$BENCH_DIR/daemon-start.sh" "${QUICK[@]}"
"$BENCH_DIR/api-load.sh" "${QUICK[@]}"

S="$RESULTS/daemon-start-$BENCH_STAMP.json"
L="$RESULTS/api-load-$BENCH_STAMP.json"
[ -f "$S" ] && [ -f "$L" ] || die "bench results missing ($S, $L)"

# start_median CONFIG DATADIR -> median ready ms (or empty)
start_median() { grep -o "{\"config\":\"$1\",\"datadir\":\"$2\",[^}]*\"ready_ms\":{\"median\":[0-9.-]*" "$S" | sed 's/.*"median"://' | head -1; }
start_cpu() { grep -o "{\"config\":\"$1\",\"datadir\":\"$2\",[^}]*}[^}]*\"cpu_ms_at_ready_median\":[0-9.-]*" "$S" | sed 's/.*"cpu_ms_at_ready_median"://' | head -1; }
start_flags() { grep -o "{\"config\":\"$1\",\"datadir\":\"$2\",\"flags\":\"[^\"]*\"" "$S" | sed 's/.*"flags":"//; s/"$//' | head -1; }
# load_field TARGET CLIENTS FIELD
load_field() { grep -o "{\"target\":\"$1\",\"clients\":$2,[^}]*}" "$L" | head -1 | jfield "$3"; }

cfgs=$(grep -o '"config":"[^"]*","datadir":"warm"' "$S" | sed 's/"config":"//; s/".*//' | awk '!seen[$0]++')
noaot=""; aot=""
for c in $cfgs; do
  case $c in
    serial) noaot=serial ;;
    plain) [ -z "$noaot" ] && noaot=plain ;;
    serial+aot) aot=serial+aot ;;
  esac
done
best=$(grep -o '"best_warm":{"config":"[^"]*"' "$S" | sed 's/.*"config":"//; s/"$//')
ltarget=$(grep -o '"target":"jlxd:[^"]*"' "$L" | head -1 | sed 's/"target":"//; s/"$//')

TXT=$(mktemp /tmp/jlxd-bench-summary.XXXXXX)
JSON=$(mktemp /tmp/jlxd-bench-summary.XXXXXX)
trap 'rm -f "$TXT" "$JSON"' EXIT
ROWS=""
row() {  # row METRIC VALUE UNIT REFERENCE HIGHER_IS_BETTER(0/1)
  local x="n/a"
  [ -n "$2" ] && [ "$4" != "-" ] && x=$(ratio "$2" "$4")
  [ -n "$2" ] || set -- "$1" "n/a" "$3" "$4" "$5"
  printf '%-52s %12s %-5s %12s %9s\n' "$1" "$2" "$3" "$4" "$x" >> "$TXT"
  ROWS="$ROWS,{\"metric\":\"$1\",\"jlxd\":\"$2\",\"unit\":\"$3\",\"lxd\":\"$4\",\"ratio_jlxd_over_lxd\":\"$x\",\"higher_is_better\":$5}"
}
ms_to_s() { [ -n "$1" ] && awk -v v="$1" 'BEGIN{printf "%.3f", v/1000}'; }
{
  echo "jlxd bench summary $BENCH_STAMP ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo ?))"
  printf '%-52s %12s %-5s %12s %9s\n' metric jlxd unit "LXD $REF_LXD_VERSION" jlxd/LXD
} > "$TXT"
[ -n "$noaot" ] && row "start, warm data dir, no AOT cache [$noaot]" "$(ms_to_s "$(start_median "$noaot" warm)")" s "$REF_START_S" 0
[ -n "$noaot" ] && row "start, fresh data dir, no AOT cache [$noaot]" "$(ms_to_s "$(start_median "$noaot" fresh)")" s "$REF_START_S" 0
[ -n "$aot" ] && row "start, warm data dir, AOT cache [$aot]" "$(ms_to_s "$(start_median "$aot" warm)")" s "$REF_START_S" 0
[ -n "$aot" ] && row "start, fresh data dir, AOT cache [$aot]" "$(ms_to_s "$(start_median "$aot" fresh)")" s "$REF_START_S" 0
[ -n "$best" ] && [ "$best" != "$aot" ] && [ "$best" != "$noaot" ] && \
  row "start, warm data dir, fastest [$best]" "$(ms_to_s "$(start_median "$best" warm)")" s "$REF_START_S" 0
[ -n "$noaot" ] && row "start CPU time (user+sys), warm, no AOT [$noaot]" "$(ms_to_s "$(start_cpu "$noaot" warm)")" s "-" 0
[ -n "$aot" ] && row "start CPU time (user+sys), warm, AOT [$aot]" "$(ms_to_s "$(start_cpu "$aot" warm)")" s "-" 0
row "start with 50 instances (no instances API yet)" "" s "$REF_START_50_S" 0
row "JVM floor: minimal Java answering GET /1.0" "$(ms_to_s "$(start_median jvm-floor none)")" s "-" 0
row "GET /1.0 latency p50, 1 client [$ltarget]" "$(load_field "$ltarget" 1 p50_ms)" ms "$REF_GET_MS" 0
row "GET /1.0 latency p99, 1 client" "$(load_field "$ltarget" 1 p99_ms)" ms "-" 0
row "GET /1.0 latency p50, 16 clients" "$(load_field "$ltarget" 16 p50_ms)" ms "-" 0
row "GET /1.0 latency p99, 16 clients" "$(load_field "$ltarget" 16 p99_ms)" ms "-" 0
row "GET /1.0 throughput, 1 client" "$(load_field "$ltarget" 1 rps)" req/s "-" 1
row "GET /1.0 throughput, 8 clients" "$(load_field "$ltarget" 8 rps)" req/s "$REF_RPS_8" 1
row "GET /1.0 throughput, 16 clients" "$(load_field "$ltarget" 16 rps)" req/s "-" 1
row "raw server throughput, 8 clients (machine ceiling)" "$(load_field raw 8 rps)" req/s "-" 1
{
  echo "jlxd/LXD: below 1 is better for times and latencies, above 1 is better for throughput."
  echo "fastest start flags: $(start_flags "$best" warm)"
  echo "details: $RESULTS/daemon-start-$BENCH_STAMP.txt, $RESULTS/api-load-$BENCH_STAMP.txt (took $(( $(date +%s) - t0 )) s)"
} >> "$TXT"
printf '{"bench":"summary","stamp":"%s","quick":%s,"daemon_start":"%s","api_load":"%s","fastest_start_flags":"%s","rows":[%s]}\n' \
  "$BENCH_STAMP" "$([ ${#QUICK[@]} -gt 0 ] && echo true || echo false)" "$(basename "$S")" "$(basename "$L")" \
  "$(start_flags "$best" warm)" "${ROWS#,}" > "$JSON"
echo
cat "$TXT"
write_result summary "$JSON" "$TXT"
