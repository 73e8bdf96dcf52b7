#!/usr/bin/env bash
# api-load.sh: GET /1.0 latency (p50/p90/p99) and throughput of the jlxd daemon over its Unix socket, with 1, 8 and
# 16 concurrent clients, and the same load against a raw static server (the ceiling of this machine + load generator).
#
#   bench/api-load.sh [--quick] [--rounds R] [--configs "serial serial+c1 plain"] [--clients "1 8 16"]
#
# bench/.build/loadgen (C, built from bench/src/loadgen.c) runs C client threads, each with one persistent
# keep-alive connection, sending GET /1.0 back to back and reading each answer by Content-Length. Bounded: a fixed
# request count per client AND a time cap per run. One daemon per JVM configuration (fresh data dir) and the raw
# reference (bench/.build/rawserver: a C server with a fixed body of the same size) run side by side; each is
# warmed up (16 clients, untimed: lets the JIT compile the request path), then R rounds (default 3, --quick 1) of
# each client count are measured, interleaved across targets; the round with the median throughput is reported.
# The daemons are stopped with SIGTERM at the end (bench/.build/startbench: bounded, SIGKILL after 30 s).
# JLXD_JAVA_OPTS is added to every configuration; daemon/target/jlxd.aot (if it fits the jar) is used as the
# launcher does.
# Results: bench/results/api-load-<stamp>.{json,txt} and api-load-latest.{json,txt}.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

QUICK=0
ROUNDS=""
CONFIGS=""
CLIENTS="1 8 16"
WAIT_QUIET=1
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1; shift ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --configs) CONFIGS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --no-wait-quiet) WAIT_QUIET=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  ROUNDS=${ROUNDS:-1}; CAP_MS=5000; WARM_REQ=500; CONFIGS=${CONFIGS:-serial}
else
  ROUNDS=${ROUNDS:-3}; CAP_MS=15000; WARM_REQ=3000; CONFIGS=${CONFIGS:-"serial serial+c1 plain"}
fi
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 20 ] || die "--rounds must be 1..20"
# requests per client for a client count (total work roughly constant per run)
reqs_for() {
  local c=$1 total
  if [ "$QUICK" = 1 ]; then total=5000; else total=40000; fi
  local r=$((total / c)); [ "$c" = 1 ] && r=$((total / 2))
  [ "$r" -lt 200 ] && r=200
  echo "$r"
}

check_jar
build_tools
snapshot_daemon

BASE="--enable-native-access=ALL-UNNAMED"
declare -A FLAGS
FLAGS[plain]="$BASE"
FLAGS[serial]="$BASE -XX:+UseSerialGC"
FLAGS[serial+c1]="$BASE -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
for c in $CONFIGS; do [ -n "${FLAGS[$c]:-}" ] || die "unknown configuration $c (known: ${!FLAGS[*]})"; done
# The launcher's AOT cache only fits daemon/target/jlxd.jar: with it, run that jar; without, the snapshot.
RUNJAR=$DJAR
AOTFLAG=""
if [ -f "$ROOT/daemon/target/jlxd.aot" ] && aot_usable "$ROOT/daemon/target/jlxd.aot" "$JAR" "$BASE -XX:+UseSerialGC ${JLXD_JAVA_OPTS:-}"; then
  RUNJAR=$JAR
  AOTFLAG="-XX:AOTCache=$ROOT/daemon/target/jlxd.aot -Xlog:aot=off -Xlog:cds=off"
fi
flags_of() {
  echo "${FLAGS[$1]} ${JLXD_JAVA_OPTS:-} $AOTFLAG" | tr -s ' ' | sed 's/ $//'
}

TMP=$(mktemp -d /tmp/jlxd-bench-load.XXXXXX)
RAWPID=""
cleanup() {
  local p
  [ -n "$RAWPID" ] && kill -TERM "$RAWPID" 2>/dev/null || true
  touch "$TMP/done" 2>/dev/null || true
  sleep 1
  for p in $(leftover_pids "$TMP"); do kill -TERM "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$WAIT_QUIET" = 1 ]; then
  busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
  log "machine CPU busy before start: ${busy}% (waited up to ${BENCH_QUIET_WAIT:-60} s for < ${BENCH_QUIET_PCT:-25}%)"
else
  busy=$(cpu_busy_pct 1)
fi
ENV=$(env_json)
RAW="$TMP/raw.jsonl"
: > "$RAW"

# All targets run side by side (an idle JVM costs nothing) and the measurements are interleaved (round r, client
# count c: every target in turn), so background load on a shared machine hits every target alike. Each daemon runs
# under startbench, whose --then command holds it until $TMP/done exists (bounded: 1 hour), then SIGTERM + wait.
TARGETS=""   # "label=socket" words
SBPIDS=()
for cfg in $CONFIGS; do
  dir="$TMP/data-$cfg"
  log "daemon [$cfg]: $(flags_of "$cfg")"
  # shellcheck disable=SC2046
  "$BUILD/startbench" --socket "$dir/unix.socket" --log "$TMP/daemon-$cfg.log" --timeout-ms 120000 --stop-timeout-ms 30000 \
    --then "touch '$TMP/ready-$cfg'; for i in \$(seq 1 7200); do [ -f '$TMP/done' ] && exit 0; sleep 0.5; done; exit 1" \
    -- "$JAVA" $(flags_of "$cfg") -jar "$RUNJAR" --datadir "$dir" > "$TMP/start-$cfg.json" &
  SBPIDS+=($!)
  TARGETS="$TARGETS jlxd:$cfg=$dir/unix.socket"
done
for cfg in $CONFIGS; do
  for _ in $(seq 1 1300); do [ -f "$TMP/ready-$cfg" ] || [ -s "$TMP/start-$cfg.json" ] && break; sleep 0.1; done
  [ -f "$TMP/ready-$cfg" ] || { touch "$TMP/done"; tail -20 "$TMP/daemon-$cfg.log" >&2; die "daemon [$cfg] did not start: $(cat "$TMP/start-$cfg.json")"; }
done
first=$(echo "$TARGETS" | awk '{print $1}'); first=${first#*=}
bytes=$("$BUILD/loadgen" --socket "$first" --clients 1 --requests 1 --warmup 0 | jfield body_bytes || true)
[ -n "$bytes" ] && [ "$bytes" -gt 0 ] || bytes=1758
# raw reference: a C server with a fixed body of the same size
awk -v n="$bytes" 'BEGIN { s="{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"metadata\":{\"pad\":\""; e="\"}}";
  p=n-length(s)-length(e); printf "%s", s; for (i=0;i<p;i++) printf "x"; printf "%s", e }' > "$TMP/body.json"
"$BUILD/rawserver" --socket "$TMP/raw.sock" --body "$TMP/body.json" --max-seconds 3600 & RAWPID=$!
for _ in $(seq 1 200); do [ -S "$TMP/raw.sock" ] && break; sleep 0.01; done
TARGETS="$TARGETS raw=$TMP/raw.sock"
declare -A SPID   # server pid per target, for its CPU time
for cfg in $CONFIGS; do
  SPID[jlxd:$cfg]=$(leftover_pids "--datadir $TMP/data-$cfg " | head -1)
done
SPID[raw]=$RAWPID
HZ=$(getconf CLK_TCK)
proc_cpu_ms() { awk -v hz="$HZ" '{ sub(/^.*\) /, ""); print ($12+$13)*1000/hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
log "targets: $TARGETS (raw: rawserver, C, static $bytes-byte answer)"

for t in $TARGETS; do
  "$BUILD/loadgen" --socket "${t#*=}" --clients 16 --requests "$WARM_REQ" --warmup 0 --duration-ms 30000 --label warmup > "$TMP/warmup-${t%%=*}.json" || true
done
log "warmed up (16 clients x $WARM_REQ requests each); measuring $ROUNDS round(s) x clients ($CLIENTS) x targets"
for r in $(seq 1 "$ROUNDS"); do
  for c in $CLIENTS; do
    for t in $TARGETS; do
      sp=${SPID[${t%%=*}]:-}
      c0=$( [ -n "$sp" ] && proc_cpu_ms "$sp" || echo 0)
      line=$("$BUILD/loadgen" --socket "${t#*=}" --clients "$c" --requests "$(reqs_for "$c")" --warmup 100 --duration-ms "$CAP_MS" --label "${t%%=*}") || true
      c1=$( [ -n "$sp" ] && proc_cpu_ms "$sp" || echo 0)
      # server CPU per request (includes its 100 warm-up requests per client), and other processes' share of the CPUs
      extra=$(awk -v a="$c0" -v b="$c1" -v n="$(echo "$line" | jfield requests)" -v w="$c" -v mb="$(echo "$line" | jfield machine_busy_ms)" \
        -v mt="$(echo "$line" | jfield machine_total_ms)" -v lg="$(echo "$line" | jfield loadgen_cpu_ms)" 'BEGIN {
          s=b-a; per=(n>0)? s*1000/(n+100*w) : -1; o=mb-lg-s; if (o<0) o=0; op=(mt>0)? 100*o/mt : -1;
          printf "\"server_cpu_ms\":%.0f,\"server_cpu_us_per_req\":%.1f,\"others_busy_pct\":%.0f,", s, per, op }')
      echo "{\"target\":\"${t%%=*}\",\"round\":$r,$extra${line#\{}" >> "$RAW"
      echo "  ${t%%=*} round $r, $c clients: $(echo "$line" | sed -n 's/.*"rps":\([^,]*\).*"p50":\([^,]*\).*"p99":\([^,]*\).*/\1 req\/s, p50 \2 ms, p99 \3 ms/p')" >&2
    done
  done
done
touch "$TMP/done"
for p in "${SBPIDS[@]}"; do wait "$p" || true; done
kill -TERM "$RAWPID" 2>/dev/null; wait "$RAWPID" 2>/dev/null || true; RAWPID=""
STARTS=""
for cfg in $CONFIGS; do
  out=$(cat "$TMP/start-$cfg.json")
  [ "$(echo "$out" | jfield ok)" = true ] || log "WARNING: daemon [$cfg] did not stop cleanly: $out"
  STARTS="$STARTS,{\"config\":\"$cfg\",${out#\{}"
done
[ -z "$(leftover_pids "$TMP")" ] || die "daemon left running"
log "daemons stopped, none left running"

# --- summary: per target and client count, the round with the median throughput -----------------------------------
pick() {  # pick TARGET CLIENTS -> the JSON line of the median-throughput round
  grep "\"target\":\"$1\"" "$RAW" | grep "\"clients\":$2," | awk '{ if (match($0, /"rps":[0-9.]+/)) print substr($0, RSTART+6, RLENGTH-6) "\t" $0 }' \
    | sort -t$'\t' -k1,1g | awk -F'\t' '{ l[NR]=$2 } END { if (NR) print l[int((NR+1)/2)] }'
}
lat() { sed -n "s/.*\"lat_ms\":{[^}]*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"; }
JSON="$TMP/out.json"
TXT="$TMP/out.txt"
{
  echo "jlxd GET /1.0 over the Unix socket: closed loop, one keep-alive connection per client ($ROUNDS round(s), median-throughput round shown; $(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo "machine: $(nproc) CPUs, CPU busy before start ${busy}%, load $(cut -d' ' -f1-3 /proc/loadavg); raw = C static server, same body size ($bytes bytes)"
  printf '%-18s %7s %9s %9s %8s %8s %8s %8s %7s %10s %6s %9s %9s\n' target clients requests req/s p50_ms p90_ms p99_ms max_ms errors srv_us/req busy% xraw_rps xLXD
} > "$TXT"
SUMMARY=""
for t in $(for c in $CONFIGS; do echo "jlxd:$c"; done) raw; do
  for c in $CLIENTS; do
    line=$(pick "$t" "$c")
    [ -n "$line" ] || continue
    rps=$(echo "$line" | jfield rps)
    req=$(echo "$line" | jfield requests)
    err=$(( $(echo "$line" | jfield errors) + $(echo "$line" | jfield non_200) ))
    p50=$(lat "$line" p50); p90=$(lat "$line" p90); p99=$(lat "$line" p99); mx=$(lat "$line" max)
    rawline=$(pick raw "$c"); rawrps=$(echo "$rawline" | jfield rps)
    xr=$(ratio "$rps" "$rawrps")
    xl="-"
    [ "$c" = 1 ] && xl="$(ratio "$p50" "$REF_GET_MS")(lat)"
    [ "$c" = 8 ] && xl="$(ratio "$rps" "$REF_RPS_8")(rps)"
    [ "$t" = raw ] && xl="-"
    us=$(echo "$line" | jfield server_cpu_us_per_req); ob=$(echo "$line" | jfield others_busy_pct)
    printf '%-18s %7s %9s %9.0f %8.3f %8.3f %8.3f %8.2f %7s %10.1f %6.0f %9s %9s\n' "$t" "$c" "$req" "$rps" "$p50" "$p90" "$p99" "$mx" "$err" "$us" "$ob" "$xr" "$xl" >> "$TXT"
    SUMMARY="$SUMMARY,{\"target\":\"$t\",\"clients\":$c,\"requests\":$req,\"errors\":$err,\"rps\":$rps,\"p50_ms\":$p50,\"p90_ms\":$p90,\"p99_ms\":$p99,\"max_ms\":$mx,\"server_cpu_us_per_req\":$us,\"others_busy_pct\":$ob,\"ratio_rps_vs_raw\":\"$xr\"}"
  done
done
{
  echo "reference: LXD $REF_LXD_VERSION GET /1.0 in $REF_GET_MS ms (compared with the 1-client p50), about $REF_RPS_8 req/s at 8 clients"
  echo "xLXD: (lat) = jlxd p50 / $REF_GET_MS ms, lower is better; (rps) = jlxd req/s / $REF_RPS_8, higher is better. xraw_rps = req/s / raw server's req/s"
  echo "srv_us/req = server process CPU time per request (user+sys, all threads; robust to background load); busy% = share of"
  echo "all CPUs' time used by OTHER processes (not the server, not loadgen) during that run: above ~10% the figures are inflated"
  for cfg in $CONFIGS; do echo "jlxd:$cfg flags: $(flags_of "$cfg")"; done
} >> "$TXT"
{
  printf '{"bench":"api-load","timestamp":"%s","env":%s,"cpu_busy_pct_before":%s,' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ENV" "$busy"
  printf '"reference":{"lxd_version":"%s","get_ms":%s,"rps_8_clients":%s},' "$REF_LXD_VERSION" "$REF_GET_MS" "$REF_RPS_8"
  printf '"rounds":%s,"duration_cap_ms":%s,"configs":{' "$ROUNDS" "$CAP_MS"
  first=1; for cfg in $CONFIGS; do [ $first = 1 ] || printf ','; first=0; printf '"%s":"%s"' "$cfg" "$(flags_of "$cfg")"; done
  printf '},"daemon_runs":[%s],"summary":[%s],"runs":[' "${STARTS#,}" "${SUMMARY#,}"
  paste -sd, "$RAW"
  printf ']}\n'
} > "$JSON"
cat "$TXT"
write_result api-load "$JSON" "$TXT"
