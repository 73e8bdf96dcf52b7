#!/usr/bin/env bash
# From a fresh clone to a running jlxd: prepares the host (packages, CRIU, id ranges), builds, installs, starts
# the daemon with its defaults (/var/lib/jlxd), builds and imports the busybox image, launches a first container
# ("first") and runs a command in it. Safe to re-run: each step is skipped when already done.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "Error: run as root (in a root shell: $0; or: sudo $0)" >&2; exit 1; }
"$root/scripts/setup-host.sh"
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
(cd "$root" && mvn -B -q -DskipTests install)
"$root/scripts/install.sh"
# restart: a re-run after an update runs the new daemon (containers keep running across daemon restarts)
"$root/scripts/service.sh" restart
jlxc info | sed -n '1,/^environment:/p' | head -20
jlxc image info busybox >/dev/null 2>&1 || jlxc image build busybox --alias busybox
jlxc info first >/dev/null 2>&1 || jlxc launch busybox first
jlxc start first 2>/dev/null || true
echo
jlxc list
# shellcheck disable=SC2016 # expanded inside the container
jlxc exec first -- sh -c 'echo "hello from $(hostname), pid 1 is $(cat /proc/1/comm), kernel $(uname -r)"'
echo
echo "jlxd is running with a first container. Try: jlxc exec first -- sh, jlxc list, jlxc info first, jlxc monitor"
