#!/usr/bin/env bash
# Installs the built jlxd and jlxc (run `mvn install` first, or use scripts/setup.sh):
#   /usr/local/lib/jlxd/{daemon,cli}/   jars, dependencies, JDK AOT caches
#   /usr/local/lib/jlxd/scripts/images/ image builders used by `jlxc image build`
#   /usr/local/bin/{jlxd,jlxc}          launchers
#   /etc/systemd/system/jlxd.service    unit (used when systemd runs)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
. "$root/scripts/env.sh"
prefix=${JLXD_PREFIX:-/usr/local}
lib=$prefix/lib/jlxd

for m in daemon:jlxd client-cli:jlxc; do
  [ -f "$root/${m%%:*}/target/${m##*:}.jar" ] || { echo "Error: ${m%%:*}/target/${m##*:}.jar missing: build first (mvn -DskipTests install)" >&2; exit 1; }
done
rm -rf "$lib.new" && mkdir -p "$lib.new/daemon" "$lib.new/cli"
cp -r "$root/daemon/target/jlxd.jar" "$root/daemon/target/lib" "$root/daemon/target/native" "$lib.new/daemon/"
cp -r "$root/client-cli/target/jlxc.jar" "$root/client-cli/target/lib" "$lib.new/cli/"
cp "$root/scripts/jlxd" "$lib.new/daemon/jlxd"
cp "$root/scripts/jlxc" "$lib.new/cli/jlxc"
# `jlxc image build` runs the image builders; it finds them above its jar (lib/jlxd/scripts/images).
mkdir -p "$lib.new/scripts" && cp -r "$root/scripts/images" "$lib.new/scripts/"
rm -rf "$lib.old"
[ -d "$lib" ] && mv "$lib" "$lib.old"
mv "$lib.new" "$lib"
rm -rf "$lib.old"
ln -sf "$lib/daemon/jlxd" "$prefix/bin/jlxd"
ln -sf "$lib/cli/jlxc" "$prefix/bin/jlxc"
if [ -x "$root/scripts/build-cli-aot.sh" ]; then
  "$root/scripts/build-cli-aot.sh" "$lib/cli" >/dev/null 2>&1 || echo "warning: jlxc AOT cache not built (jlxc still works, slower start)" >&2
fi
"$root/scripts/build-daemon-aot.sh" "$lib/daemon" "$lib/cli/jlxc" || echo "warning: jlxd AOT cache not built (jlxd still works, slower start)" >&2
if [ -d /etc/systemd/system ]; then
  install -m 0644 "$root/scripts/systemd/jlxd.service" /etc/systemd/system/jlxd.service
fi
echo "installed jlxd and jlxc under $lib (launchers in $prefix/bin)"
