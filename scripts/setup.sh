#!/usr/bin/env bash
# From a fresh clone to a running jlxd: prepares the host (packages, CRIU, id ranges), builds, installs, starts
# the daemon with its defaults (/var/lib/jlxd) and shows `jlxc info`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "Error: run as root (sudo $0)" >&2; exit 1; }
"$root/scripts/setup-host.sh"
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
(cd "$root" && mvn -B -q -DskipTests install)
"$root/scripts/install.sh"
"$root/scripts/service.sh" start
echo
jlxc info
echo
echo "jlxd is running. Try: jlxc info, jlxc config show, jlxc monitor"
