#!/usr/bin/env bash
# The whole test suite from a fresh clone: prepares the host (idempotent), then builds and runs every unit and
# end-to-end test (real daemon, real CLI) with JDK 25.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "Error: run as root (in a root shell: $0; or: sudo $0)" >&2; exit 1; }
"$root/scripts/setup-host.sh"
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
cd "$root"
mvn -B -ntp verify "$@"
