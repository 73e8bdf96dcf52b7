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

bench_rounds_opts 5 "$@"
bench_prepare st
trap bench_cleanup EXIT

log "making a ~275 MB image (Debian + 125 MB of random files, plain tar)"
BIG="$WORK/big"
mkdir -p "$BIG"
tar -xJf "$DEBIAN_IMG" -C "$BIG"
mkdir -p "$BIG/rootfs/opt/bench"
for i in $(seq 1 5); do head -c 25M /dev/urandom > "$BIG/rootfs/opt/bench/blob$i"; done
tar -cf "$WORK/big.tar" -C "$BIG" .
rm -rf "$BIG"
log "big image: $(du -m "$WORK/big.tar" | cut -f1) MB"

bench_start_daemon
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
{
  echo "jlxd storage bench, $N rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), cpu busy before: $busy%"
  bench_row_table "$OUT" <<'ROWS'
dir_launch_big_first - -
dir_launch_big - -
btrfs_launch_big_first - -
btrfs_launch_big - -
dir_snapshot_2m raw_cp_snapshot_2m 98
dir_restore_2m raw_cp_restore_2m -
dir_snapshot_500m raw_cp_snapshot_500m 1960
dir_restore_500m raw_cp_restore_500m -
btrfs_snapshot_2m raw_btrfs_snapshot_2m 32
btrfs_restore_2m raw_btrfs_restore_2m 35
btrfs_snapshot_500m raw_btrfs_snapshot_500m 32
btrfs_restore_500m raw_btrfs_restore_500m 35
ROWS
} > "$TXT"
cat "$TXT"
write_result storage "$JSON" "$TXT"
