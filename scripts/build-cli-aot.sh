#!/usr/bin/env bash
# Creates the JDK 25 AOT cache (JEP 483/514) of jlxc for the jars in their installed location.
#
#   scripts/build-cli-aot.sh INSTALL_DIR
#
# INSTALL_DIR holds jlxc.jar and lib/ (for a source checkout: client-cli/target). The caches INSTALL_DIR/jlxc.aot
# (every command) and INSTALL_DIR/jlxc-lean.aot (the everyday commands, see the launcher) are only valid for that
# exact class path and JDK, so run this again after installing new jars or a new JDK (a stale cache is ignored by the launcher's JVM, which then starts as without one). The training run executes
# the usual commands in-process against a canned in-memory daemon (no jlxd needed); if a daemon answers at
# $JLXD_DIR it also runs read-only commands against it.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 INSTALL_DIR   (the directory holding jlxc.jar and lib/)" >&2
    exit 2
fi
dir=$(readlink -f -- "$1")
if [[ ! -f $dir/jlxc.jar ]]; then
    echo "Error: $dir/jlxc.jar not found" >&2
    exit 1
fi

here=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
launcher=$here/jlxc
[[ -x $launcher ]] || launcher=$dir/jlxc
if [[ ! -x $launcher ]]; then
    echo "Error: the jlxc launcher is neither beside $0 nor in $dir" >&2
    exit 1
fi

log=$(mktemp)
trap 'rm -f -- "$log"' EXIT
# jlxc.aot: every command's classes; jlxc-lean.aot: the everyday commands' only (the launcher picks it for them)
for kind in full lean; do
    out=$dir/jlxc.aot
    args=()
    if [[ $kind == lean ]]; then
        out=$dir/jlxc-lean.aot
        args=(lean)
    fi
    rm -f -- "$out"
    if ! JLXC_JAR=$dir/jlxc.jar JLXC_AOT_TRAIN=$out "$launcher" "${args[@]}" >"$log" 2>&1 || [[ ! -s $out ]]; then
        cat -- "$log" >&2
        echo "Error: the AOT training run did not write $out" >&2
        exit 1
    fi
    grep -h "AOT training" -- "$log" || true
    echo "jlxc AOT cache ($kind): $out ($(du -h -- "$out" | cut -f1))"
done
