#!/usr/bin/env bash
# Runs the installed daemon as a service: through systemd when it runs, else detached with setsid.
#   scripts/service.sh start|stop|restart|status
# Without systemd the daemon's output goes to /var/lib/jlxd/logs/jlxd.out; it keeps its own log in logs/jlxd.log.
set -euo pipefail
datadir=${JLXD_DIR:-/var/lib/jlxd}
has_systemd() { [ -d /run/systemd/system ]; }
pid() { pgrep -f -- "jlxd.jar --datadir $datadir\$" | head -1 || true; }
ready() {
  for _ in $(seq 1 150); do
    if [ -S "$datadir/unix.socket" ] && jlxc query /1.0 >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "Error: jlxd did not answer on $datadir/unix.socket within 15 s; see $datadir/logs/" >&2
  return 1
}
start() {
  if has_systemd && [ "$datadir" = /var/lib/jlxd ]; then
    systemctl daemon-reload && systemctl enable --now jlxd
  elif [ -z "$(pid)" ]; then
    mkdir -p "$datadir/logs"
    setsid /usr/local/bin/jlxd --datadir "$datadir" </dev/null >>"$datadir/logs/jlxd.out" 2>&1 &
  fi
  JLXD_DIR=$datadir ready
}
stop() {
  if has_systemd && [ "$datadir" = /var/lib/jlxd ]; then
    systemctl stop jlxd
    return
  fi
  p=$(pid)
  [ -n "$p" ] || return 0
  kill -TERM "$p"
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  echo "Error: jlxd (pid $p) did not stop within 10 s" >&2
  return 1
}
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status) p=$(pid); if [ -n "$p" ]; then echo "jlxd running (pid $p)"; else echo "jlxd not running"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
