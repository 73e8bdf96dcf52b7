# Shared helpers for the bench scripts (sourced, not run).
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BUILD="$BENCH_DIR/.build"
RESULTS="$BENCH_DIR/results"
JAR=${JLXD_JAR:-$ROOT/daemon/target/jlxd.jar}

# LXD 5.0.2 on this machine kind (figures from the issue).
REF_LXD_VERSION="5.0.2"
REF_START_S=1.15            # median, process start -> first answered GET /1.0
REF_START_50_S=1.54         # same, 50 instances defined
REF_GET_MS=0.41             # GET /1.0 latency
REF_RPS_8=3200              # requests/s at 8 clients

find_java() {
  if [ -n "${JLXD_JAVA:-}" ]; then echo "$JLXD_JAVA"; return; fi
  local c
  for c in /usr/lib/jvm/temurin-25-jdk-amd64/bin/java /usr/lib/jvm/*25*/bin/java; do
    [ -x "$c" ] && { echo "$c"; return; }
  done
  echo "Error: JDK 25 not found (set JLXD_JAVA)" >&2
  return 1
}
JAVA=$(find_java)
JAVAC=$(dirname "$JAVA")/javac

die() { echo "Error: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Compiles the C helpers into bench/.build when missing or older than their sources.
build_tools() {
  mkdir -p "$BUILD"
  command -v gcc >/dev/null || die "gcc is needed to build the bench helpers"
  local p
  for p in startbench loadgen rawserver; do
    if [ ! -x "$BUILD/$p" ] || [ "$BENCH_DIR/src/$p.c" -nt "$BUILD/$p" ] || [ "$BENCH_DIR/src/httpc.h" -nt "$BUILD/$p" ]; then
      gcc -O2 -Wall -pthread -o "$BUILD/$p" "$BENCH_DIR/src/$p.c" || die "cannot compile $p.c"
    fi
  done
}

check_jar() {
  [ -f "$JAR" ] || die "$JAR not found: build with 'JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -B -q -DskipTests install'"
}

# Copies the daemon (jlxd.jar + lib/ + native/) into bench/.build/daemon, so that a rebuild of daemon/target during a run
# (others build all the time) neither changes what is measured nor invalidates the AOT caches (the JVM checks the
# size and mtime of every class path jar: cp -p keeps them). Refreshed only when the content changed. Sets DJAR.
snapshot_daemon() {
  local src dst="$BUILD/daemon" sum try
  src=$(dirname "$JAR")
  for try in 1 2 3 4 5 6; do
    sum=$( (cd "$src" && md5sum jlxd.jar lib/*.jar native/*) | md5sum | cut -d' ' -f1)
    if [ "$(cat "$dst/.sum" 2>/dev/null)" != "$sum" ]; then
      rm -rf "$dst"
      mkdir -p "$dst/lib" "$dst/native"
      cp -p "$src/jlxd.jar" "$dst/jlxd.jar"
      cp -p "$src"/lib/*.jar "$dst/lib/"
      cp -p "$src"/native/* "$dst/native/"
      if [ "$( (cd "$dst" && md5sum jlxd.jar lib/*.jar native/*) | md5sum | cut -d' ' -f1)" != "$sum" ]; then
        log "daemon/target changed while copying it (a build is running?): retrying in 10 s"
        rm -rf "$dst"; sleep 10; continue
      fi
      echo "$sum" > "$dst/.sum"
    fi
    if "$JAVA" -jar "$dst/jlxd.jar" --version >/dev/null 2>&1; then
      DJAR="$dst/jlxd.jar"
      return 0
    fi
    log "snapshot of daemon/target does not run (a build is running?): retrying in 10 s"
    rm -rf "$dst"; sleep 10
  done
  die "cannot take a working snapshot of $src"
}

# aot_usable CACHE JAR FLAGS...: true if the JVM maps CACHE for JAR with FLAGS (-XX:AOTMode=on fails otherwise).
aot_usable() {
  local cache=$1 jar=$2
  shift 2
  # shellcheck disable=SC2068
  "$JAVA" $@ -XX:AOTCache="$cache" -XX:AOTMode=on -Xlog:aot=off -Xlog:cds=off -jar "$jar" --version >/dev/null 2>&1
}

stamp() { date -u +%Y%m%dT%H%M%SZ; }

# json_num_field FIELD < json-line  -> the numeric (or true/false) value of "FIELD":value
jfield() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" | head -1 | tr -d '"'; }

# stats: reads numbers (one a line) on stdin; prints "n median p90 min max mean" (nearest-rank p90).
stats() {
  sort -g | awk '{v[NR]=$1; s+=$1} END {
    n=NR; if (n==0) { print "0 -1 -1 -1 -1 -1"; exit }
    med = (n%2) ? v[(n+1)/2] : (v[n/2]+v[n/2+1])/2
    k = int(0.9*n + 0.999999); if (k<1) k=1; if (k>n) k=n
    printf "%d %.3f %.3f %.3f %.3f %.3f\n", n, med, v[k], v[1], v[n], s/n }'
}

# ratio A B -> A/B with 2 decimals, or "n/a"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0<=0 || b+0<=0) print "n/a"; else printf "%.2f", a/b }'; }

# Environment block (JSON object) describing this run.
env_json() {
  local commit dirty jv load cpus model
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  dirty=$( [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null | head -1)" ] && echo true || echo false)
  jv=$("$JAVA" -version 2>&1 | sed -n 2p | sed 's/"/\\"/g')
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  cpus=$(nproc)
  model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1 | sed 's/"/\\"/g')
  printf '{"host":"%s","kernel":"%s","cpus":%s,"cpu_model":"%s","java":"%s","jar":"%s","jar_mtime":"%s","jars_md5":"%s","git_commit":"%s","git_dirty":%s,"loadavg_at_start":"%s"}' \
    "$(hostname)" "$(uname -r)" "$cpus" "$model" "$jv" "$JAR" "$(date -u -r "$JAR" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)" \
    "$(cat "$BUILD/daemon/.sum" 2>/dev/null)" "$commit" "$dirty" "$load"
}

# Fraction of CPU time (all CPUs) that was busy over the next N seconds (0..100): tells if the machine is quiet.
cpu_busy_pct() {
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
  sleep "${1:-1}"
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a,x," "); split(b,y," "); bu=y[1]-x[1]; id=y[2]-x[2];
    if (bu+id<=0) print 0; else printf "%.0f", 100*bu/(bu+id) }'
}

# Waits (bounded) for the machine to be quiet: up to MAX seconds until the busy share over 1 s is below PCT.
# Prints the last busy share seen. Never fails: a busy machine is reported in the results, not refused.
wait_quiet() {
  local max=${1:-30} pct=${2:-25} t=0 busy
  busy=$(cpu_busy_pct 1)
  while [ "$busy" -ge "$pct" ] && [ "$t" -lt "$max" ]; do
    busy=$(cpu_busy_pct 1); t=$((t + 1))
  done
  echo "$busy"
}

# write_result NAME JSON_FILE TXT_FILE: stores bench/results/NAME-<stamp>.{json,txt} and NAME-latest.{json,txt}.
write_result() {
  local name=$1 json=$2 txt=$3 ts
  ts=${BENCH_STAMP:-$(stamp)}
  mkdir -p "$RESULTS"
  cp "$json" "$RESULTS/$name-$ts.json"
  cp "$txt" "$RESULTS/$name-$ts.txt"
  cp "$json" "$RESULTS/$name-latest.json"
  cp "$txt" "$RESULTS/$name-latest.txt"
  log "results: $RESULTS/$name-$ts.{json,txt} (and $name-latest.*)"
}

# Lists java processes still running whose command line mentions PATTERN (pids, one a line).
leftover_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ -r "$p/cmdline" ] && [ "$(cat "$p/comm" 2>/dev/null)" = java ] || continue
    if tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -q -- "$1"; then basename "$p"; fi
  done
}

# --- container benches (containers.sh, storage.sh) ---------------------------------------------------------------

# bench_rounds_opts DEFAULT_N "$@": parses -n N, --no-wait-quiet, -h; sets N and WAIT_QUIET.
bench_rounds_opts() {
  N=$1
  shift
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
  [ "$(id -u)" = 0 ] || die "run as root (containers, pools)"
}

# bench_prepare NAME: the daemon copy, the images (BUSYBOX_IMG, DEBIAN_IMG: built once, cached), this tree's CLI
# (JLXC), and a work dir (WORK, DATA=WORK/data) that bench_cleanup removes.
bench_prepare() {
  check_jar
  snapshot_daemon
  BUSYBOX_IMG=$("$ROOT/scripts/images/build-image.sh" busybox | sed -n 's/^path: //p')
  DEBIAN_IMG=$("$ROOT/scripts/images/build-image.sh" debian/bookworm | sed -n 's/^path: //p')
  [ -f "$BUSYBOX_IMG" ] && [ -f "$DEBIAN_IMG" ] || die "image build failed"
  JLXC="$ROOT/scripts/jlxc"
  WORK=$(mktemp -d "/tmp/jlxd-bench-$1.XXXXXX")
  chmod 0711 "$WORK"   # the containers' mapped root must traverse it
  DATA="$WORK/data"
  mkdir -p "$DATA"
  DPID=""
}

# bench_start_daemon: runs jlxd on DATA (DPID) and points jlxc at it (JLXD_DIR).
bench_start_daemon() {
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$DJAR" --datadir "$DATA" --log-file "$WORK/jlxd.log" >/dev/null 2>&1 &
  DPID=$!
  local _
  for _ in $(seq 1 300); do [ -S "$DATA/unix.socket" ] && break; sleep 0.1; done
  [ -S "$DATA/unix.socket" ] || die "daemon did not start (see $WORK/jlxd.log)"
  export JLXD_DIR=$DATA
}

# bench_cleanup: stops the daemon's containers and the daemon, unmounts its pools, detaches their loop devices,
# removes WORK.
bench_cleanup() {
  local c d m
  if [ -n "${DPID:-}" ]; then
    for c in "$DATA"/containers/*/; do
      [ -d "$c" ] && lxc-stop -k -n "$(basename "$c")" -P "$DATA/containers" >/dev/null 2>&1 || true
    done
    kill "$DPID" 2>/dev/null || true
    wait "$DPID" 2>/dev/null || true
  fi
  # managed networks (the default jlxdbrN of a first start) stay up when jlxd stops, for the containers: the bench's
  # daemon is gone for good, so its bridges, nft tables and dnsmasq go too
  for d in "$DATA"/networks/*/; do
    [ -d "$d" ] || continue
    m=$(basename "$d")
    [ -f "$d/dnsmasq.pid" ] && kill "$(cat "$d/dnsmasq.pid")" 2>/dev/null || true
    ip link del "$m" 2>/dev/null || true
    nft delete table inet "jlxd-$m" 2>/dev/null || true
  done
  # btrfs pools stay mounted when jlxd stops (like LXD's)
  { grep -o " $DATA/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  for c in "$DATA"/disks/*.img; do
    [ -f "$c" ] || continue
    { losetup -j "$c" 2>/dev/null || true; } | cut -d: -f1 | while read -r d; do losetup -d "$d" || true; done
  done
  if [ -n "${WORK:-}" ]; then
    rm -rf "$WORK"
  fi
}

# bench_row_table OUT: prints "metric jlxd_ms raw_ms /raw lxd_ms /lxd" rows; reads "METRIC RAW_METRIC LXD_MS" lines
# on stdin (empty fields as "-") and the medians from OUT (ContainerBench/StorageBench JSON).
bench_row_table() {
  local out=$1 metric raw ref j r
  med() { { grep -o "\"$1\":{\"n\":[0-9]*,\"median_ms\":[0-9.]*" "$out" || true; } | sed 's/.*"median_ms"://'; }
  printf '%-28s %10s %10s %8s %10s %8s\n' metric jlxd_ms raw_ms /raw lxd_ms /lxd
  while read -r metric raw ref; do
    [ -n "$metric" ] || continue
    [ "$raw" = - ] && raw=""
    [ "$ref" = - ] && ref=""
    j=$(med "$metric"); r=$( [ -n "$raw" ] && med "$raw" || true)
    printf '%-28s %10s %10s %8s %10s %8s\n' "$metric" "${j:-n/a}" "${r:-n/a}" "$(ratio "${j:-0}" "${r:-0}")" "${ref:-n/a}" "$(ratio "${j:-0}" "${ref:-0}")"
  done
  grep -o '"errors":{.*}' "$out" | grep -v '"errors":{}' | sed 's/^/errors: /' || true
}
