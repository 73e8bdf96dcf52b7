#!/usr/bin/env bash
# Creates the JDK 25 AOT cache (JEP 483/514) of the daemon for the jars in their installed location:
#
#   scripts/build-daemon-aot.sh INSTALL_DIR JLXC
#
# INSTALL_DIR holds jlxd.jar, lib/ and the jlxd launcher; JLXC is a working jlxc. A training run starts the daemon
# on a temporary data directory with -XX:AOTCacheOutput, sends it the usual requests and stops it with SIGTERM; the
# JVM writes INSTALL_DIR/jlxd.aot as it exits. The cache is only valid for that exact class path, JDK and JVM flags
# (the launcher's); a stale one is ignored by the JVM. Re-run after installing new jars or a new JDK.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 INSTALL_DIR JLXC" >&2; exit 2; }
dir=$(readlink -f -- "$1")
jlxc=$2
[ -f "$dir/jlxd.jar" ] || { echo "Error: $dir/jlxd.jar not found" >&2; exit 1; }
tmp=$(mktemp -d /tmp/jlxd-aot-XXXXXX)
chmod 0711 "$tmp"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
rm -f "$dir/jlxd.aot"
# The same flags as the launcher (scripts/jlxd), plus the training output.
JLXD_JAVA_OPTS="-XX:AOTCacheOutput=$dir/jlxd.aot" "$dir/jlxd" --datadir "$tmp/data" >"$tmp/daemon.log" 2>&1 &
pid=$!
export JLXD_DIR=$tmp/data
for _ in $(seq 1 300); do
  "$jlxc" query /1.0 >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/daemon.log" >&2; echo "Error: the training daemon exited" >&2; exit 1; }
  sleep 0.2
done
for _ in 1 2 3; do
  "$jlxc" query /1.0 >/dev/null
  "$jlxc" query /1.0/operations >/dev/null
  "$jlxc" query /1.0/instances?recursion=1 >/dev/null
  "$jlxc" query /1.0/images?recursion=1 >/dev/null
  "$jlxc" query /1.0/profiles/default >/dev/null
  "$jlxc" query /1.0/nope >/dev/null 2>&1 || true
  "$jlxc" config set user.aot-training yes >/dev/null
  "$jlxc" config unset user.aot-training >/dev/null
done
kill -TERM "$pid"
for _ in $(seq 1 900); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
wait "$pid" 2>/dev/null || true
pid=""
if [ ! -s "$dir/jlxd.aot" ]; then
  tail -20 "$tmp/daemon.log" >&2
  echo "Error: the training run did not write $dir/jlxd.aot" >&2
  exit 1
fi
echo "daemon AOT cache: $dir/jlxd.aot ($(( $(stat -c %s "$dir/jlxd.aot") / 1024 / 1024 )) MiB)"
