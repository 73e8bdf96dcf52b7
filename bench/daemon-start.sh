#!/usr/bin/env bash
# daemon-start.sh: cold start of the jlxd daemon, from process exec to the first answered GET /1.0 on its Unix socket.
#
#   bench/daemon-start.sh [-n N] [--quick] [--configs "plain serial serial+aot ..."] [--no-wait-quiet]
#
# For each JVM configuration, N starts (default 10, --quick 3) on a FRESH data dir (first start: creates the DB and
# generates the TLS key) and N on a WARM one (initialised by an earlier, unmeasured start). Runs are interleaved
# (iteration i runs every configuration) so background noise spreads evenly. Each run: bench/.build/startbench execs
# the JVM, polls the socket every 1 ms with a tiny C client, stops the clock at the first complete HTTP 200 answer,
# then sends SIGTERM and waits for the exit (bounded: 60 s to ready, 30 s to exit, then SIGKILL and the run fails).
# The raw tool: the same measurement on a minimal Java program answering GET /1.0 on a Unix socket (the JVM floor).
# Configurations with "aot" use a JDK 25 AOT cache made by a training run (-XX:AOTCacheOutput, written by the JVM
# when the daemon exits after SIGTERM), kept in bench/.build/aot/ and remade when the jar, lib/ or flags change.
# JLXD_JAVA_OPTS is added to every configuration; if daemon/target/jlxd.aot exists, configuration "target-aot"
# (the launcher's flags with that cache) is measured too.
# Results: bench/results/daemon-start-<stamp>.{json,txt} and daemon-start-latest.{json,txt}.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

N=10
QUICK=0
WAIT_QUIET=1
CONFIGS=""
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --configs) CONFIGS=$2; shift 2 ;;
    --no-wait-quiet) WAIT_QUIET=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
[ "$QUICK" = 1 ] && [ "$N" = 10 ] && N=3
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 100 ] || die "-n must be 1..100"

check_jar
build_tools
snapshot_daemon

BASE="--enable-native-access=ALL-UNNAMED"
QUIET_AOT="-Xlog:aot=off -Xlog:cds=off"   # the JVM warns about classes it can't cache (signed jars, ...)
declare -A FLAGS AOT
# name -> JVM flags (before -jar); AOT[name]=1: also -XX:AOTCache=<cache trained with exactly these flags>
FLAGS[plain]="$BASE";                                                  AOT[plain]=0
FLAGS[serial]="$BASE -XX:+UseSerialGC";                                AOT[serial]=0
FLAGS[plain+aot]="$BASE";                                              AOT[plain+aot]=1
FLAGS[serial+aot]="$BASE -XX:+UseSerialGC";                            AOT[serial+aot]=1
FLAGS[serial+aot+c1]="$BASE -XX:+UseSerialGC -XX:TieredStopAtLevel=1"; AOT[serial+aot+c1]=1
FLAGS[serial+aot+noperf]="$BASE -XX:+UseSerialGC -XX:-UsePerfData";    AOT[serial+aot+noperf]=1
FLAGS[serial+aot+coh]="$BASE -XX:+UseSerialGC -XX:+UseCompactObjectHeaders"; AOT[serial+aot+coh]=1
FLAGS[serial+aot+c1+noperf]="$BASE -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"; AOT[serial+aot+c1+noperf]=1
declare -A JAROF   # the jar each configuration runs (default: the snapshot $DJAR)
TARGET_NOTE=""
if [ -f "$ROOT/daemon/target/jlxd.aot" ]; then
  # pass-through of the launcher's cache: it only fits daemon/target/jlxd.jar itself, so this one runs the original jar
  if aot_usable "$ROOT/daemon/target/jlxd.aot" "$JAR" "$BASE -XX:+UseSerialGC ${JLXD_JAVA_OPTS:-}"; then
    FLAGS[target-aot]="$BASE -XX:+UseSerialGC -XX:AOTCache=$ROOT/daemon/target/jlxd.aot $QUIET_AOT"; AOT[target-aot]=0
    JAROF[target-aot]=$JAR
  else
    TARGET_NOTE="daemon/target/jlxd.aot exists but does not fit daemon/target/jlxd.jar (stale): not measured"
    log "$TARGET_NOTE"
  fi
fi
if [ -z "$CONFIGS" ]; then
  CONFIGS="plain serial serial+aot serial+aot+c1"
  [ "$QUICK" = 1 ] && CONFIGS="serial serial+aot"
  [ -n "${FLAGS[target-aot]:-}" ] && CONFIGS="$CONFIGS target-aot"
fi
for c in $CONFIGS; do [ -n "${FLAGS[$c]:-}" ] || die "unknown configuration $c (known: ${!FLAGS[*]})"; done

TMP=$(mktemp -d /tmp/jlxd-bench-start.XXXXXX)
cleanup() {
  local p left
  left=$(leftover_pids "$TMP")
  for p in $left; do kill -TERM "$p" 2>/dev/null || true; done
  [ -n "$left" ] && sleep 2 && for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Flags with JLXD_JAVA_OPTS and the AOT cache of configuration $1.
flags_of() {
  local f="${FLAGS[$1]} ${JLXD_JAVA_OPTS:-}"
  [ "${AOT[$1]}" = 1 ] && f="$f -XX:AOTCache=$BUILD/aot/$1.aot $QUIET_AOT"
  echo "$f" | tr -s ' ' | sed 's/ $//'
}

# One start: run_one CONFIG DATADIR -> startbench JSON on stdout.
run_one() {
  local cfg=$1 dir=$2
  # shellcheck disable=SC2046
  "$BUILD/startbench" --socket "$dir/unix.socket" --log "$TMP/daemon.log" --timeout-ms 60000 --stop-timeout-ms 30000 \
    -- "$JAVA" $(flags_of "$cfg") -jar "${JAROF[$cfg]:-$DJAR}" --datadir "$dir" || true
}

# --- AOT caches: one training run per configuration that needs one -----------------------------------------------
TRAIN="$BUILD/train.sh"
cat > "$TRAIN" <<EOF
#!/usr/bin/env bash
# AOT training workload, run against the ready daemon (\$BENCH_SOCKET) before it is stopped with SIGTERM.
L="$BUILD/loadgen"
S=\$BENCH_SOCKET
\$L --socket \$S --path / --clients 1 --requests 20 --warmup 0 >/dev/null || true
\$L --socket \$S --path /1.0 --clients 4 --requests 2500 --warmup 0 --duration-ms 20000 >/dev/null || true
\$L --socket \$S --path /1.0/operations --clients 1 --requests 100 --warmup 0 >/dev/null || true
\$L --socket \$S --path '/1.0/operations?recursion=1' --clients 1 --requests 100 --warmup 0 >/dev/null || true
\$L --socket \$S --path /1.0/no-such-endpoint --clients 1 --requests 50 --warmup 0 >/dev/null || true
if command -v curl >/dev/null; then
  curl -s --max-time 5 --unix-socket \$S -X PATCH -d '{"config":{"user.bench":"1"}}' http://jlxd/1.0 >/dev/null || true
  curl -s --max-time 5 --unix-socket \$S -X PATCH -d '{"config":{"user.bench":""}}' http://jlxd/1.0 >/dev/null || true
fi
exit 0
EOF
chmod +x "$TRAIN"
mkdir -p "$BUILD/aot"
AOT_INFO=""
for c in $CONFIGS; do
  [ "${AOT[$c]}" = 1 ] || continue
  cache="$BUILD/aot/$c.aot"
  key=$( { echo "${FLAGS[$c]} ${JLXD_JAVA_OPTS:-}"; "$JAVA" -version 2>&1; cat "$BUILD/daemon/.sum"; md5sum "$TRAIN" | cut -d' ' -f1; } | md5sum | cut -d' ' -f1)
  if [ -f "$cache" ] && [ "$(cat "$cache.key" 2>/dev/null)" = "$key" ] && aot_usable "$cache" "$DJAR" "${FLAGS[$c]} ${JLXD_JAVA_OPTS:-}"; then
    log "AOT cache for $c is up to date ($cache)"
    AOT_INFO="$AOT_INFO,{\"config\":\"$c\",\"cache\":\"$cache\",\"bytes\":$(stat -c %s "$cache"),\"trained_now\":false}"
    continue
  fi
  rm -f "$cache" "$cache.key" "$cache.config"
  tdir="$TMP/train-$c"
  log "training AOT cache for $c (warm data dir; init start, then a training start with -XX:AOTCacheOutput)"
  run_one serial "$tdir" >/dev/null    # initialise the data dir (TLS key, DB): the training run is a warm start
  t0=$(date +%s.%N)
  # shellcheck disable=SC2046
  out=$("$BUILD/startbench" --socket "$tdir/unix.socket" --log "$TMP/train-$c.log" --timeout-ms 120000 --stop-timeout-ms 180000 \
        --then "$TRAIN" -- "$JAVA" ${FLAGS[$c]} ${JLXD_JAVA_OPTS:-} -XX:AOTCacheOutput="$cache" -jar "$DJAR" --datadir "$tdir" || true)
  t1=$(date +%s.%N)
  if [ ! -s "$cache" ]; then
    tail -20 "$TMP/train-$c.log" >&2
    die "AOT training for $c did not write $cache: $out"
  fi
  aot_usable "$cache" "$DJAR" "${FLAGS[$c]} ${JLXD_JAVA_OPTS:-}" || die "the new AOT cache $cache is not usable"
  echo "$key" > "$cache.key"
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  log "AOT cache for $c: $(stat -c %s "$cache") bytes in ${secs}s (training run incl. cache assembly at exit)"
  AOT_INFO="$AOT_INFO,{\"config\":\"$c\",\"cache\":\"$cache\",\"bytes\":$(stat -c %s "$cache"),\"trained_now\":true,\"train_seconds\":$secs}"
  rm -rf "$tdir"
done

# --- the JVM floor (raw tool) --------------------------------------------------------------------------------------
FLOOR="$BUILD/floor"
if [ ! -f "$FLOOR/JvmFloor.class" ] || [ "$BENCH_DIR/src/JvmFloor.java" -nt "$FLOOR/JvmFloor.class" ]; then
  mkdir -p "$FLOOR"
  "$JAVAC" -nowarn -XDignore.symbol.file -d "$FLOOR" "$BENCH_DIR/src/JvmFloor.java" 2>/dev/null || die "cannot compile JvmFloor.java"
fi
run_floor() {
  "$BUILD/startbench" --socket "$TMP/floor.socket" --log "$TMP/floor.log" --timeout-ms 30000 --stop-timeout-ms 10000 \
    -- "$JAVA" $BASE ${JLXD_JAVA_OPTS:-} -cp "$FLOOR" JvmFloor "$TMP/floor.socket" || true
}

# --- the measurements -----------------------------------------------------------------------------------------------
if [ "$WAIT_QUIET" = 1 ]; then
  busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
  log "machine CPU busy before start: ${busy}% (waited up to ${BENCH_QUIET_WAIT:-60} s for < ${BENCH_QUIET_PCT:-25}%)"
else
  busy=$(cpu_busy_pct 1)
fi
ENV=$(env_json)
RAW="$TMP/raw.jsonl"
: > "$RAW"
for c in $CONFIGS; do
  log "initialising warm data dir for $c"
  run_one "$c" "$TMP/warm-$c" >/dev/null
done
run_floor >/dev/null   # page cache for the JDK, not measured
log "measuring: $N iterations x (configs: $CONFIGS) x (fresh, warm) + JVM floor"
for i in $(seq 1 "$N"); do
  for c in $CONFIGS; do
    for kind in fresh warm; do
      if [ $kind = fresh ]; then dir="$TMP/fresh-$c-$i"; else dir="$TMP/warm-$c"; fi
      out=$(run_one "$c" "$dir")
      [ $kind = fresh ] && rm -rf "$dir"
      pid=$(echo "$out" | jfield pid)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then die "daemon pid $pid still running after its run"; fi
      echo "{\"config\":\"$c\",\"datadir\":\"$kind\",\"iter\":$i,\"loadavg1\":$(cut -d' ' -f1 /proc/loadavg),${out#\{}" >> "$RAW"
      echo "  [$i/$N] $c $kind: ready $(echo "$out" | jfield ready_ms) ms $( [ "$(echo "$out" | jfield ok)" = true ] || echo "FAILED: $out")" >&2
    done
  done
  out=$(run_floor)
  echo "{\"config\":\"jvm-floor\",\"datadir\":\"none\",\"iter\":$i,\"loadavg1\":$(cut -d' ' -f1 /proc/loadavg),${out#\{}" >> "$RAW"
done
left=$(leftover_pids "$TMP")
[ -z "$left" ] || die "daemons left running: $left"
log "no daemon left running"
AOT_AFTER=true
for c in $CONFIGS; do
  if [ "${AOT[$c]}" = 1 ] && ! aot_usable "$BUILD/aot/$c.aot" "$DJAR" "${FLAGS[$c]} ${JLXD_JAVA_OPTS:-}"; then AOT_AFTER=false; fi
  if [ "$c" = target-aot ] && ! aot_usable "$ROOT/daemon/target/jlxd.aot" "$JAR" "$BASE -XX:+UseSerialGC ${JLXD_JAVA_OPTS:-}"; then
    AOT_AFTER=false; TARGET_NOTE="daemon/target/jlxd.jar or jlxd.aot changed during the run: target-aot figures are not reliable"
  fi
done
[ "$AOT_AFTER" = true ] || log "WARNING: an AOT cache was not usable after the run: ${TARGET_NOTE:-see bench/.build/aot}"

# --- summary ---------------------------------------------------------------------------------------------------------
# field values of the ok runs of one case
vals() { grep "\"config\":\"$1\",\"datadir\":\"$2\"" "$RAW" | grep '"ok":true' | jfield_all "$3"; }
jfield_all() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }

read -r _ floor_med _ <<<"$(vals jvm-floor none ready_ms | stats)"
JSON="$TMP/out.json"
TXT="$TMP/out.txt"
CASES=""
{
  echo "jlxd daemon start: exec -> first answered GET /1.0 on the Unix socket ($N runs per case, $(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo "machine: $(nproc) CPUs, CPU busy before start ${busy}%, load $(cut -d' ' -f1-3 /proc/loadavg); JVM floor = minimal Java program answering GET /1.0"
  printf '%-20s %-6s %5s %9s %9s %9s %10s %8s %8s %8s %8s %6s %7s %7s\n' config datadir ok median_ms p90_ms min_ms connect_ms get1_ms cpu_ms rss_MB stop_ms busy% xLXD xfloor
} > "$TXT"
best_cfg="" best_med=""
for c in $CONFIGS jvm-floor; do
  kinds="fresh warm"; [ $c = jvm-floor ] && kinds=none
  for kind in $kinds; do
    total=$(grep -c "\"config\":\"$c\",\"datadir\":\"$kind\"" "$RAW" || true)
    read -r n med p90 min max mean <<<"$(vals "$c" "$kind" ready_ms | stats)"
    read -r _ cmed _ <<<"$(vals "$c" "$kind" connect_ms | stats)"
    read -r _ gmed _ <<<"$(vals "$c" "$kind" first_get_ms | stats)"
    read -r _ cpu _ <<<"$(vals "$c" "$kind" cpu_ms_at_ready | stats)"
    read -r _ rss _ <<<"$(vals "$c" "$kind" rss_kb_at_ready | stats)"
    read -r _ stop _ <<<"$(vals "$c" "$kind" stop_ms | stats)"
    read -r _ noise _ <<<"$(vals "$c" "$kind" others_busy_pct | stats)"
    xl=$(ratio "$med" "$(awk -v s=$REF_START_S 'BEGIN{print s*1000}')")
    xf=$(ratio "$med" "$floor_med")
    if [ $c = jvm-floor ]; then fl=$(echo "$BASE ${JLXD_JAVA_OPTS:-}" | sed 's/ *$//'); else fl=$(flags_of "$c" | sed 's/ *$//'); fi
    printf '%-20s %-6s %5s %9.1f %9.1f %9.1f %10.1f %8.1f %8.0f %8.0f %8.1f %6.0f %7s %7s\n' "$c" "$kind" "$n/$total" "$med" "$p90" "$min" \
      "$cmed" "$gmed" "$cpu" "$(awk -v r="$rss" 'BEGIN{print r/1024}')" "$stop" "$noise" "$xl" "$xf" >> "$TXT"
    CASES="$CASES,{\"config\":\"$c\",\"datadir\":\"$kind\",\"flags\":\"$fl\",\"runs\":$total,\"ok\":$n,\"ready_ms\":{\"median\":$med,\"p90\":$p90,\"min\":$min,\"max\":$max,\"mean\":$mean},\"connect_ms_median\":$cmed,\"first_get_ms_median\":$gmed,\"cpu_ms_at_ready_median\":$cpu,\"rss_kb_at_ready_median\":$rss,\"stop_ms_median\":$stop,\"others_busy_pct_median\":$noise,\"ratio_vs_lxd\":\"$xl\",\"ratio_vs_jvm_floor\":\"$xf\"}"
    if [ $kind = warm ] && [ "$n" -gt 0 ] && { [ -z "$best_med" ] || awk -v a="$med" -v b="$best_med" 'BEGIN{exit !(a<b)}'; }; then
      best_cfg=$c; best_med=$med
    fi
  done
done
{
  echo "reference: LXD $REF_LXD_VERSION ${REF_START_S} s median (${REF_START_50_S} s with 50 instances; jlxd has no instances API yet: not measured)"
  echo "fastest warm start: $best_cfg, median ${best_med} ms; JVM flags: $(flags_of "$best_cfg" | sed 's/ *$//')"
  echo "columns: ok = successful runs/runs; connect = first accepted connect(); get1 = the first successful GET itself;"
  echo "cpu = process CPU time (user+sys) at ready; rss = resident memory at ready; stop = SIGTERM -> exit; x = ratio of medians;"
  echo "busy% = median share of all CPUs' time used by OTHER processes during the start (noise: above ~10% the times are inflated)"
} >> "$TXT"
{
  printf '{"bench":"daemon-start","timestamp":"%s","runs_per_case":%s,"env":%s,"cpu_busy_pct_before":%s,' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$N" "$ENV" "$busy"
  printf '"reference":{"lxd_version":"%s","start_median_s":%s,"start_50_instances_median_s":%s},' "$REF_LXD_VERSION" "$REF_START_S" "$REF_START_50_S"
  printf '"daemon_snapshot":"%s","aot_usable_after_run":%s,"target_aot_note":"%s",' "$DJAR" "$AOT_AFTER" "$TARGET_NOTE"
  printf '"aot_caches":[%s],"best_warm":{"config":"%s","ready_ms_median":%s,"flags":"%s"},' "${AOT_INFO#,}" "$best_cfg" "${best_med:-null}" "$(flags_of "$best_cfg" | sed 's/ *$//')"
  printf '"cases":[%s],"runs":[' "${CASES#,}"
  paste -sd, "$RAW"
  printf ']}\n'
} > "$JSON"
cat "$TXT"
write_result daemon-start "$JSON" "$TXT"
