#!/usr/bin/env bash
# proxy.sh: the cost of a proxy device (the daemon's in-process relay) against a direct connection.
#
#   bench/proxy.sh [-n N] [--no-wait-quiet]
#
# Starts a jlxd daemon (a copy of daemon/target) on a temporary data dir, a test bridge jtbpN with an address in a
# 10.x.y.0/24 that no host route or address uses (chosen from `ip route`/`ip addr`, no probing), and an unprivileged
# busybox container with a NIC on it (static address .2, no DHCP needed). A TCP echo/sink server
# (bench/src/ProxyBench.java) runs in the container's network namespace (nsenter), and a proxy device publishes
# it on host loopback. The same client then measures, N x 100 rounds (default N=5), each target:
#   direct: HOST -> container address on the bridge (the kernel's veth + bridge path)
#   proxy:  HOST -> 127.0.0.1:PORT -> jlxd relay -> container's 127.0.0.1 (the proxy device)
# connect + 1-byte round trip + close, 1-byte round trips on an open connection, and 256 MiB throughput.
# Results: bench/results/proxy-<stamp>.{json,txt} and proxy-latest.*. Everything it made is removed at the end.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

bench_rounds_opts 5 "$@"
check_jar
snapshot_daemon
BUSYBOX_IMG=$("$ROOT/scripts/images/build-image.sh" busybox | sed -n 's/^path: //p')
[ -f "$BUSYBOX_IMG" ] || die "image build failed"
JLXC="$ROOT/scripts/jlxc"
WORK=$(mktemp -d /tmp/jlxd-bench-proxy.XXXXXX)
chmod 0711 "$WORK"
DATA="$WORK/data"
mkdir -p "$DATA"
DPID=""
BR=""
SPID=""

cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true
  if [ -n "$DPID" ]; then
    "$JLXC" delete -f pb1 >/dev/null 2>&1 || true
  fi
  bench_cleanup
  [ -n "$BR" ] && ip link del "$BR" 2>/dev/null || true
}
trap cleanup EXIT

# a free 10.X.Y.0/24: not overlapping any route or address of the host (decided from the tables only)
pick_subnet() {
  local used x y
  used=$( { ip -4 -o route show table all; ip -4 -o addr show; } | grep -oE '([0-9]+\.){3}[0-9]+(/[0-9]+)?' | sort -u)
  for x in $(seq 150 249); do
    for y in $(seq 1 250); do
      if ! awk -v x="$x" -v y="$y" -F'[./]' '
          { len = ($5 == "" ? 32 : $5); if (len == 0) next;
            a = (($1 * 256 + $2) * 256 + $3) * 256 + $4; n = ((10 * 256 + x) * 256 + y) * 256;
            m = (len < 24 ? len : 24); d = 2 ^ (32 - m);
            if (int(a / d) == int(n / d)) { found = 1; exit } }
          END { exit found ? 0 : 1 }' <<< "$used"; then
        echo "10.$x.$y"; return 0
      fi
    done
  done
  return 1
}

for i in $(seq 0 9); do [ -e "/sys/class/net/jtbp$i" ] || { BR="jtbp$i"; break; }; done
[ -n "$BR" ] || die "no free jtbpN name"
NET=$(pick_subnet) || die "no free subnet"
ip link add "$BR" type bridge
ip addr add "$NET.1/24" dev "$BR"
ip link set "$BR" up
log "bridge $BR $NET.1/24"

bench_start_daemon
"$JLXC" image import "$BUSYBOX_IMG" --alias busybox >/dev/null
"$JLXC" init busybox pb1 >/dev/null
"$JLXC" config device add pb1 eth0 nic nictype=bridged parent="$BR" >/dev/null
"$JLXC" start pb1
"$JLXC" exec pb1 -- sh -c "killall udhcpc 2>/dev/null; ip addr add $NET.2/24 dev eth0"
PID=$("$JLXC" query /1.0/instances/pb1/state | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -1)
[ -n "$PID" ] || die "no init pid"
nsenter --net="/proc/$PID/ns/net" -- "$JAVA" "$BENCH_DIR/src/ProxyBench.java" server 9000 > "$WORK/server.out" 2>&1 &
SPID=$!
for _ in $(seq 1 200); do grep -q listening "$WORK/server.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$WORK/server.out" || die "bench server did not start: $(cat "$WORK/server.out")"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$JLXC" config device add pb1 bench proxy listen=tcp:127.0.0.1:"$PORT" connect=tcp:127.0.0.1:9000 >/dev/null

busy=0
[ "$WAIT_QUIET" = 1 ] && busy=$(wait_quiet "${BENCH_QUIET_WAIT:-60}" "${BENCH_QUIET_PCT:-25}")
ROUNDS=$((N * 100))
log "measuring $ROUNDS rounds per target (cpu busy before: $busy%)"
DIRECT=$("$JAVA" "$BENCH_DIR/src/ProxyBench.java" client direct "$NET.2" 9000 "$ROUNDS")
PROXY=$("$JAVA" "$BENCH_DIR/src/ProxyBench.java" client proxy 127.0.0.1 "$PORT" "$ROUNDS")
DRSS=$(awk '/VmRSS/ { print $2 }' "/proc/$DPID/status")

JSON="$WORK/result.json"
TXT="$WORK/result.txt"
printf '{"bench":"proxy","env":%s,"cpu_busy_before_pct":%s,"daemon_rss_kib":%s,"result":[%s,%s]}\n' \
  "$(env_json)" "$busy" "$DRSS" "$DIRECT" "$PROXY" > "$JSON"
med() { echo "$1" | grep -o "\"$2\":{[^}]*}" | sed 's/.*"median":\([0-9.]*\).*/\1/'; }
{
  echo "jlxd proxy device bench, $ROUNDS rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), cpu busy before: $busy%"
  printf '%-30s %12s %12s %8s\n' metric direct proxy ratio
  for m in connect_rtt_close_ms rtt_ms throughput_mib_s; do
    d=$(med "$DIRECT" "$m"); p=$(med "$PROXY" "$m")
    printf '%-30s %12s %12s %8s\n' "$m (median)" "$d" "$p" "$(ratio "$p" "$d")"
  done
  echo "daemon RSS after the run: $((DRSS / 1024)) MiB"
} > "$TXT"
cat "$TXT"
write_result proxy "$JSON" "$TXT"
