#!/usr/bin/env bash
# storage.sh: storage pools through jlxd against the same work done by hand, in one run.
#
#   bench/storage.sh [-n N] [--no-wait-quiet]
#
# Starts a jlxd daemon (a copy of daemon/target) on a temporary data dir with two pools, `bdir` (dir) and `bbtr`
# (btrfs on a 6 GiB loop file jlxd creates), imports the busybox image and a ~275 MB image (the Debian image plus
# 125 MB of incompressible files, packed as a plain tar), then bench/src/StorageBench.java measures on each pool, N
# rounds (default 5): launch from the big image (create + start until RUNNING; the first launch on a pool, which
# unpacks the image, is reported apart), and snapshot and restore of a stopped busybox container (~2 MB) and of one
# with +500 MB of data — against `cp -a` (dir) and `btrfs subvolume snapshot` (btrfs) of the same volume.
# Results: bench/results/storage-<stamp>.{json,txt} and storage-latest.*, with LXD 5.0.2's figures.
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
[ "$(id -u)" = 0 ] || die "run as root (containers, loop devices)"
check_jar
snapshot_daemon
BUSYBOX_IMG=$("$ROOT/scripts/images/build-image.sh" busybox | sed -n 's/^path: //p')
DEBIAN_IMG=$("$ROOT/scripts/images/build-image.sh" debian/bookworm | sed -n 's/^path: //p')
[ -f "$BUSYBOX_IMG" ] && [ -f "$DEBIAN_IMG" ] || die "image build failed"
JLXC="$ROOT/scripts/jlxc"   # this tree's CLI (with its AOT cache when scripts/build-cli-aot.sh made one)

WORK=$(mktemp -d /tmp/jlxd-bench-st.XXXXXX)
chmod 0711 "$WORK"
DATA="$WORK/data"
mkdir -p "$DATA"
DPID=""
cleanup() {
  local c
  if [ -n "$DPID" ]; then
    for c in "$DATA"/containers/*/; do
      [ -d "$c" ] && lxc-stop -k -n "$(basename "$c")" -P "$DATA/containers" >/dev/null 2>&1 || true
    done
    kill "$DPID" 2>/dev/null || true
    wait "$DPID" 2>/dev/null || true
  fi
  # the btrfs pool's loop mount (jlxd leaves pools mounted when it stops, like LXD)
  grep -o " $DATA/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  losetup -j "$DATA/disks/bbtr.img" 2>/dev/null | cut -d: -f1 | while read -r d; do losetup -d "$d" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

log "making a ~275 MB image (Debian + 125 MB of random files, plain tar)"
BIG="$WORK/big"
mkdir -p "$BIG"
tar -xJf "$DEBIAN_IMG" -C "$BIG"
mkdir -p "$BIG/rootfs/opt/bench"
for i in $(seq 1 5); do head -c 25M /dev/urandom > "$BIG/rootfs/opt/bench/blob$i"; done
tar -cf "$WORK/big.tar" -C "$BIG" .
rm -rf "$BIG"
log "big image: $(du -m "$WORK/big.tar" | cut -f1) MB"

"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$DJAR" --datadir "$DATA" --log-file "$WORK/jlxd.log" >/dev/null 2>&1 &
DPID=$!
for _ in $(seq 1 300); do [ -S "$DATA/unix.socket" ] && break; sleep 0.1; done
[ -S "$DATA/unix.socket" ] || die "daemon did not start (see $WORK/jlxd.log)"
export JLXD_DIR=$DATA
"$JLXC" storage create bdir dir >/dev/null
"$JLXC" storage create bbtr btrfs size=6GiB >/dev/null
"$JLXC" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
"$JLXC" image import "$WORK/big.tar" --alias big >/dev/null
rm -f "$WORK/big.tar"

busy=0
[ "$WAIT_QUIET" = 1 ] && busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
log "measuring $N rounds per pool (cpu busy before: $busy%)"
OUT="$WORK/out.json"
"$JAVA" "$BENCH_DIR/src/StorageBench.java" "$DATA/unix.socket" "$DATA" "$N" bdir:dir bbtr:btrfs > "$OUT"

JSON="$WORK/result.json"
TXT="$WORK/result.txt"
printf '{"bench":"storage","env":%s,"cpu_busy_before_pct":%s,"result":%s}\n' "$(env_json)" "$busy" "$(cat "$OUT")" > "$JSON"
med() { { grep -o "\"$1\":{\"n\":[0-9]*,\"median_ms\":[0-9.]*" "$OUT" || true; } | sed 's/.*"median_ms"://'; }
{
  echo "jlxd storage bench, $N rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), cpu busy before: $busy%"
  printf '%-28s %10s %10s %8s %10s %8s\n' metric jlxd_ms raw_ms /raw lxd_ms /lxd
  row() { # row METRIC RAW_METRIC LXD_MS
    local j r
    j=$(med "$1"); r=$( [ -n "$2" ] && med "$2" || true)
    printf '%-28s %10s %10s %8s %10s %8s\n' "$1" "${j:-n/a}" "${r:-n/a}" "$(ratio "${j:-0}" "${r:-0}")" "${3:-n/a}" "$(ratio "${j:-0}" "${3:-0}")"
  }
  row dir_launch_big_first "" ""
  row dir_launch_big "" ""
  row btrfs_launch_big_first "" ""
  row btrfs_launch_big "" ""
  row dir_snapshot_2m raw_cp_snapshot_2m 98
  row dir_restore_2m raw_cp_restore_2m ""
  row dir_snapshot_500m raw_cp_snapshot_500m 1960
  row dir_restore_500m raw_cp_restore_500m ""
  row btrfs_snapshot_2m raw_btrfs_snapshot_2m 32
  row btrfs_restore_2m raw_btrfs_restore_2m 35
  row btrfs_snapshot_500m raw_btrfs_snapshot_500m 32
  row btrfs_restore_500m raw_btrfs_restore_500m 35
  grep -o '"errors":{.*}' "$OUT" | grep -v '"errors":{}' | sed 's/^/errors: /' || true
} > "$TXT"
cat "$TXT"
write_result storage "$JSON" "$TXT"
