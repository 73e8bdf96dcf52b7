#!/usr/bin/env bash
# Prepare a Debian 12 (bookworm) host for jlxd, then prove it works.
#
#   scripts/setup-host.sh        (as root)
#
# What it does (idempotent; a rerun on a ready host takes a few seconds):
#   1. checks JDK 25 and Maven (cannot come from bookworm: fails with a clear message);
#   2. apt-installs liblxc/lxc, dnsmasq-base, nftables, btrfs-progs, busybox-static,
#      debootstrap, uidmap, iproute2, python3 (a UDP echo server of the proxy tests), LXD's clients for the tests
#      (lxd-client, python3-pylxd) and CRIU's build dependencies
#      (apt-get update only when something is missing);
#   3. builds CRIU >= 4.2 (kernel 6.18 needs it; bookworm has 3.17) from the upstream
#      tarball of Debian's newer criu source package, patched with
#      scripts/host/criu-prlimit-eperm.patch, installs it as /usr/local/sbin/criu and
#      points /usr/sbin/criu at it (liblxc finds criu by a $PATH lookup); the build tree
#      is cached under /var/cache/jlxd/criu and skipped when the installed binary
#      carries the current patch (stamp file);
#   4. gives root the subordinate id range root:1000000:1000000000;
#   5. verifies: tool versions, `criu check`, and a real CRIU dump + restore of a
#      counting process running as root and as an unprivileged user (nobody);
#   6. prints a summary table.
#
# Environment knobs:
#   JLXD_CRIU_DEB_VERSION  Debian version of the criu source package to build
#                          (default: 4.2.1-1 if available, else the newest >= 4.2)
#   JLXD_CACHE             cache root (default /var/cache/jlxd)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HOST_DIR=$SCRIPT_DIR/host
CRIU_PATCH=$HOST_DIR/criu-prlimit-eperm.patch
CRIU_SOURCES=$HOST_DIR/criu-src.sources

CACHE=${JLXD_CACHE:-/var/cache/jlxd}/criu
CRIU_BIN=/usr/local/sbin/criu
CRIU_LINK=/usr/sbin/criu
CRIU_STAMP=/usr/local/share/jlxd/criu.stamp
CRIU_MIN=4.2
CRIU_PREFERRED=${JLXD_CRIU_DEB_VERSION:-4.2.1-1}
SUBID_LINE=root:1000000:1000000000
TEST_UID=65534 # nobody

# lxd-client: LXD's own `lxc` client, which the end-to-end tests run against jlxd (NetworkLxdClientTest)
RUNTIME_PKGS=(lxc liblxc1 lxc-dev dnsmasq-base nftables btrfs-progs busybox-static debootstrap
  uidmap iproute2 util-linux procps python3
  libseccomp-dev libcap-dev gcc libc6-dev # these build daemon/src/main/c/jlxd-forkexec.c
  sqlite3 # the e2e tests make crash states in the database (RenameRecoveryTest); setpriv (util-linux) walks as nobody
  openssl # openssl: the trust tests check jlxd's certificates against it
  rsync # rsync: migration between daemons moves file systems as rsync streams (LXD's protocol)
  strace) # strace: bench/instances.sh counts the processes the daemon starts while answering a listing
# LXD's own clients, driven by the end-to-end tests (LxcClientTest, PylxdClientTest): lxc 5.0.2 and pylxd 2.2
# (python3-ws4py for its exec)
TEST_CLIENT_PKGS=(lxd-client python3-pylxd python3-ws4py)
CRIU_BUILD_PKGS=(build-essential pkg-config patch xz-utils libprotobuf-c-dev
  libprotobuf-dev protobuf-c-compiler protobuf-compiler libnl-3-dev libnet1-dev libcap-dev libbsd-dev
  libnftables-dev libgnutls28-dev uuid-dev python3-protobuf)

START_SECONDS=$SECONDS
SUMMARY=()
TAIL_SUMMARY=() # rows printed after the host tools
TEST_ROOT=""
TEST_PGIDS=()

log() { printf '==> %s\n' "$*"; }
die() {
  printf '\nsetup-host: FAILED: %s\n' "$*" >&2
  exit 1
}
ok() { SUMMARY+=("ok  $*"); }

cleanup() {
  local pg
  for pg in "${TEST_PGIDS[@]}"; do
    kill -KILL -- "-$pg" 2>/dev/null || true
  done
  if [[ -n $TEST_ROOT && -d $TEST_ROOT ]]; then
    rm -rf -- "$TEST_ROOT"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- prerequisites
check_prereqs() {
  [[ $(id -u) -eq 0 ]] || die "must run as root"
  [[ -f $CRIU_PATCH && -f $CRIU_SOURCES ]] ||
    die "missing $CRIU_PATCH or $CRIU_SOURCES (run from a jlxd checkout)"
  if [[ -r /etc/os-release ]]; then
    local codename
    # shellcheck source=/dev/null
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ $codename == bookworm ]] ||
      log "warning: written for Debian 12 (bookworm), this is '${codename:-unknown}'"
  fi
}

find_jdk25() {
  local d
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
    [[ -x $d/bin/java && -x $d/bin/javac ]] || continue
    if grep -Eq 'version "25([."]|$)' <<<"$("$d/bin/java" -version 2>&1)"; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

check_java_maven() {
  local jdk jv mv
  jdk=$(find_jdk25) || die "no JDK 25 found (looked for /usr/lib/jvm/temurin-25-jdk-amd64 and \
/usr/lib/jvm/*25*). Bookworm has no JDK 25 package: install Temurin 25 (or another JDK 25) \
under /usr/lib/jvm first."
  jv=$("$jdk/bin/java" -version 2>&1 | sed -nE '1s/.*version "([^"]+)".*/\1/p')
  command -v mvn >/dev/null || die "Maven (mvn) not found on PATH; install Maven first"
  mv=$(JAVA_HOME=$jdk mvn -B -v 2>&1 | sed -nE '1{s/\x1b\[[0-9;]*m//g;p}') ||
    die "mvn -v failed with JAVA_HOME=$jdk"
  [[ $mv == "Apache Maven "* ]] || die "mvn -v with JAVA_HOME=$jdk printed: $mv"
  TAIL_SUMMARY+=("ok  java $jv ($jdk)" "ok  maven ${mv#Apache Maven } (runs with JAVA_HOME=$jdk)")
}

# --------------------------------------------------------------------- packages
pkg_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]
}

install_packages() {
  local missing=() p
  for p in "${RUNTIME_PKGS[@]}" "${TEST_CLIENT_PKGS[@]}" "${CRIU_BUILD_PKGS[@]}"; do
    pkg_installed "$p" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    log "packages: all ${#RUNTIME_PKGS[@]} runtime + ${#TEST_CLIENT_PKGS[@]} test client + ${#CRIU_BUILD_PKGS[@]} build packages present"
    return
  fi
  log "packages: installing ${missing[*]}"
  local aptlog=${CACHE%/*}/apt-install.log
  mkdir -p "${aptlog%/*}"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}"; } >"$aptlog" 2>&1; then
    tail -n 20 "$aptlog" >&2
    die "apt-get update/install of ${missing[*]} failed (log: $aptlog)"
  fi
  for p in "${missing[@]}"; do
    pkg_installed "$p" || die "package $p still not installed after apt-get install"
  done
}

# ------------------------------------------------------------------------- CRIU
sha256() { sha256sum "$1" | cut -d' ' -f1; }

criu_version_of() { # binary -> "4.2.1" or ""
  "$1" --version 2>/dev/null | awk '/^Version:/ && v == "" {v = $2} END {print v}' || true
}

version_ge() { dpkg --compare-versions "$1" ge "$2"; }

stamp_get() { # key -> value from $CRIU_STAMP
  [[ -f $CRIU_STAMP ]] || return 0
  sed -n "s/^$1=//p" "$CRIU_STAMP" | sed -n 1p
}

criu_installed_ok() {
  local v
  [[ -x $CRIU_BIN ]] || return 1
  v=$(criu_version_of "$CRIU_BIN")
  [[ -n $v ]] || return 1
  version_ge "$v" "$CRIU_MIN" || return 1
  [[ $(stamp_get patch_sha256) == "$(sha256 "$CRIU_PATCH")" ]] || return 1
  [[ $(stamp_get binary_sha256) == "$(sha256 "$CRIU_BIN")" ]] || return 1
}

# apt with a private, deb-src-only configuration: the host's own sources/lists stay as they are.
apt_src() {
  local tool=$1
  shift
  "$tool" -o Dir::Etc::SourceList=/dev/null \
    -o Dir::Etc::SourceParts="$CACHE/apt/sources.list.d" \
    -o Dir::State::Lists="$CACHE/apt/lists" \
    -o Dir::Cache="$CACHE/apt/cache" "$@"
}

# Prints "debver dir sha256 file" of every criu source version with an orig tarball.
list_criu_sources() {
  apt_src apt-cache showsrc criu 2>/dev/null | awk '
    BEGIN { RS = ""; FS = "\n" }
    {
      ver = ""; dir = ""; file = ""; insha = 0
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^Version: /) ver = substr($i, 10)
        else if ($i ~ /^Directory: /) dir = substr($i, 12)
        else if ($i ~ /^Checksums-Sha256:/) insha = 1
        else if (insha && $i ~ /^ /) {
          split($i, a, " ")
          if (a[3] ~ /\.orig\.tar\.[a-z0-9]+$/) { sha = a[1]; file = a[3] }
        } else insha = 0
      }
      if (ver != "" && dir != "" && file != "") print ver, dir, sha, file
    }' | sort -u
}

# Sets SRC_DEBVER SRC_TARBALL SRC_SHA256 (downloads the orig tarball unless cached).
fetch_criu_source() {
  local sel="$CACHE/src/selected" debver dir sha file candidates best="" uri
  mkdir -p "$CACHE/src"
  if [[ -f $sel ]]; then
    read -r debver sha file <"$sel" || true
    if [[ -n ${file:-} && -f $CACHE/src/$file && $(sha256 "$CACHE/src/$file") == "$sha" ]] &&
      { [[ -z ${JLXD_CRIU_DEB_VERSION:-} ]] || [[ $debver == "$JLXD_CRIU_DEB_VERSION" ]]; }; then
      SRC_DEBVER=$debver SRC_SHA256=$sha SRC_TARBALL=$CACHE/src/$file
      log "criu: using cached source $file (Debian $debver)"
      return
    fi
  fi

  log "criu: looking up Debian's criu source package (deb-src: $(awk '/^Suites:/ {$1=""; print}' "$CRIU_SOURCES" | xargs))"
  mkdir -p "$CACHE/apt/sources.list.d" "$CACHE/apt/lists/partial" \
    "$CACHE/apt/cache/archives/partial" "$CACHE/apt/download"
  cp "$CRIU_SOURCES" "$CACHE/apt/sources.list.d/criu-src.sources"
  chown -R _apt:root "$CACHE/apt/lists" "$CACHE/apt/download" 2>/dev/null || true
  apt_src apt-get update -qq || die "apt-get update for the criu deb-src entry failed"
  candidates=$(list_criu_sources)
  [[ -n $candidates ]] || die "no criu source package found in $(basename "$CRIU_SOURCES")"
  while read -r debver dir sha file; do
    local up=${debver%-*}
    up=${up#*:}
    version_ge "$up" "$CRIU_MIN" || continue
    if [[ $debver == "$CRIU_PREFERRED" ]]; then
      best="$debver $dir $sha $file"
      break
    fi
    if [[ -z $best ]] || version_ge "$debver" "${best%% *}"; then
      best="$debver $dir $sha $file"
    fi
  done <<<"$candidates"
  [[ -n $best ]] || die "no criu source >= $CRIU_MIN available (found: $(cut -d' ' -f1 <<<"$candidates" | xargs))"
  read -r debver dir sha file <<<"$best"
  if [[ -n ${JLXD_CRIU_DEB_VERSION:-} && $debver != "$JLXD_CRIU_DEB_VERSION" ]]; then
    die "criu source $JLXD_CRIU_DEB_VERSION not available (have: $(cut -d' ' -f1 <<<"$candidates" | xargs))"
  fi
  uri=$(awk '/^URIs:/ {print $2; exit}' "$CRIU_SOURCES")
  log "criu: downloading $file (Debian $debver)"
  rm -f "$CACHE/apt/download/$file"
  /usr/lib/apt/apt-helper download-file "$uri/$dir/$file" "$CACHE/apt/download/$file" \
    "SHA256:$sha" >/dev/null || die "download of $uri/$dir/$file failed"
  [[ $(sha256 "$CACHE/apt/download/$file") == "$sha" ]] || die "sha256 mismatch for $file"
  mv -f "$CACHE/apt/download/$file" "$CACHE/src/$file"
  echo "$debver $sha $file" >"$sel"
  SRC_DEBVER=$debver SRC_SHA256=$sha SRC_TARBALL=$CACHE/src/$file
}

build_criu() {
  local patch_sha up tree want
  fetch_criu_source
  patch_sha=$(sha256 "$CRIU_PATCH")
  up=${SRC_DEBVER%-*}
  up=${up#*:}
  tree=$CACHE/criu-$up
  want="$SRC_SHA256 $patch_sha"
  if [[ ! -f $tree/.jlxd-prepared || $(cat "$tree/.jlxd-prepared") != "$want" ]]; then
    log "criu: unpacking $up and applying $(basename "$CRIU_PATCH")"
    rm -rf -- "$tree" "$tree.tmp"
    mkdir -p "$tree.tmp"
    tar -xf "$SRC_TARBALL" -C "$tree.tmp" --strip-components=1
    patch -d "$tree.tmp" -p1 --forward --batch --quiet <"$CRIU_PATCH" ||
      die "$(basename "$CRIU_PATCH") does not apply to criu $up"
    echo "$want" >"$tree.tmp/.jlxd-prepared"
    mv "$tree.tmp" "$tree"
  fi
  log "criu: building $up in $tree (log: $CACHE/build.log)"
  if ! make -C "$tree" -j"$(nproc)" criu >"$CACHE/build.log" 2>&1; then
    tail -n 30 "$CACHE/build.log" >&2
    die "building criu $up failed (full log: $CACHE/build.log)"
  fi
  [[ -x $tree/criu/criu ]] || die "criu build produced no $tree/criu/criu"
  install -D -m 0755 "$tree/criu/criu" "$CRIU_BIN.new"
  mv -f "$CRIU_BIN.new" "$CRIU_BIN"
  mkdir -p "$(dirname "$CRIU_STAMP")"
  cat >"$CRIU_STAMP" <<EOF
criu_version=$(criu_version_of "$CRIU_BIN")
debian_source=criu $SRC_DEBVER
tarball_sha256=$SRC_SHA256
patch=$(basename "$CRIU_PATCH")
patch_sha256=$patch_sha
binary_sha256=$(sha256 "$CRIU_BIN")
EOF
}

ensure_criu() {
  if criu_installed_ok; then
    log "criu: $CRIU_BIN $(criu_version_of "$CRIU_BIN") with current patch already installed"
  else
    build_criu
    criu_installed_ok || die "installed $CRIU_BIN does not pass its own checks (version >= $CRIU_MIN, stamp)"
  fi
}

# liblxc 5.0.2 (src/lxc/criu.c) finds criu with on_path("criu") over $PATH and checks its
# version with execlp("criu", ...). /usr/local/sbin comes first in Debian's default PATH;
# /usr/sbin/criu -> /usr/local/sbin/criu covers callers with a shorter PATH. A local dpkg
# diversion keeps Debian's criu 3.17 package, if ever installed, from taking that name.
link_criu() {
  local diverted
  diverted=$(dpkg-divert --list "$CRIU_LINK" 2>/dev/null || true)
  if [[ -z $diverted ]]; then
    if [[ -L $CRIU_LINK && $(readlink "$CRIU_LINK") == "$CRIU_BIN" ]]; then
      rm -f "$CRIU_LINK"
    fi
    log "criu: diverting $CRIU_LINK (Debian's criu) to $CRIU_LINK.distrib"
    dpkg-divert --quiet --local --rename --divert "$CRIU_LINK.distrib" --add "$CRIU_LINK" ||
      die "dpkg-divert of $CRIU_LINK failed"
  fi
  if [[ ! -L $CRIU_LINK || $(readlink "$CRIU_LINK") != "$CRIU_BIN" ]]; then
    [[ -e $CRIU_LINK && ! -L $CRIU_LINK ]] &&
      die "$CRIU_LINK is a regular file despite the diversion; remove it by hand"
    ln -sfn "$CRIU_BIN" "$CRIU_LINK"
  fi
  local p resolved
  for p in "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "/usr/sbin:/usr/bin:/sbin:/bin" "$PATH"; do
    resolved=$(PATH=$p command -v criu || true)
    [[ -n $resolved && $(readlink -f "$resolved") == "$CRIU_BIN" ]] ||
      die "with PATH=$p, 'criu' resolves to '${resolved:-nothing}', not $CRIU_BIN"
  done
  if pkg_installed criu; then
    log "criu: note: Debian package criu $(dpkg-query -W -f='${Version}' criu) is installed; its binary is diverted to $CRIU_LINK.distrib"
  fi
}

# ------------------------------------------------------------------- sub ids
ensure_subids() {
  local f
  for f in /etc/subuid /etc/subgid; do
    [[ -f $f ]] || install -m 0644 /dev/null "$f"
    if ! grep -qxF "$SUBID_LINE" "$f"; then
      if grep -q '^root:' "$f"; then
        log "subids: $f already has other root ranges ($(grep '^root:' "$f" | xargs)); adding $SUBID_LINE"
      fi
      if [[ -s $f && -n $(tail -c1 "$f") ]]; then echo >>"$f"; fi # missing final newline
      echo "$SUBID_LINE" >>"$f"
      log "subids: added $SUBID_LINE to $f"
    fi
    [[ $(grep -cxF "$SUBID_LINE" "$f") -eq 1 ]] || die "$f lists $SUBID_LINE more than once"
  done
  TAIL_SUMMARY+=("ok  subuid/subgid $SUBID_LINE")
}

# ---------------------------------------------------------------- verification
verify_tools() {
  local v
  v=$(lxc-start --version 2>/dev/null) || die "lxc-start --version failed"
  ldconfig -p | grep -c 'liblxc\.so\.1 ' >/dev/null || die "liblxc.so.1 not found by the dynamic linker"
  ok "liblxc $v"
  v=$(dnsmasq --version 2>/dev/null | awk 'NR == 1 {print $3}') || true
  [[ -n $v ]] || die "dnsmasq --version failed"
  ok "dnsmasq $v"
  v=$(nft --version 2>/dev/null | awk '{print $2}') || true
  [[ -n $v ]] || die "nft --version failed"
  ok "nftables ${v#v}"
  v=$(btrfs --version 2>/dev/null | awk '{print $2}') || true
  [[ -n $v ]] || die "btrfs --version failed"
  ok "btrfs-progs ${v#v}"
  v=$(/bin/busybox 2>/dev/null | awk 'NR == 1 {print $2}') || true
  [[ -n $v ]] || die "/bin/busybox does not run"
  if ldd /bin/busybox >/dev/null 2>&1; then
    die "/bin/busybox is dynamically linked (busybox-static expected)"
  fi
  ok "busybox ${v#v} (static)"
  v=$(debootstrap --version 2>/dev/null | awk '{print $2}') || true
  [[ -n $v ]] || die "debootstrap --version failed"
  ok "debootstrap $v"
  command -v newuidmap >/dev/null || die "newuidmap missing (package uidmap)"
  command -v newgidmap >/dev/null || die "newgidmap missing (package uidmap)"
  command -v ip >/dev/null || die "ip (iproute2) missing"
}

verify_criu_check() {
  local out
  if ! out=$("$CRIU_BIN" check 2>&1); then
    printf '%s\n' "$out" >&2
    die "criu check failed"
  fi
  grep -q '^Looks good' <<<"$out" || {
    printf '%s\n' "$out" >&2
    die "criu check did not say 'Looks good'"
  }
}

counter_of() { tail -n1 "$1/counter" 2>/dev/null || true; }

wait_for() { # seconds command... : poll every 0.1 s until the command succeeds
  local i tries=$(($1 * 10))
  shift
  for ((i = 0; i < tries; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  "$@"
}

alive() { [[ -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }
pid_gone() { ! alive "$1"; }
# Restore needs the number free: no process (zombies included) may have it as pid, pgid or sid.
pid_free() { ! ps -e -o pid=,pgid=,sid= | awk -v p="$1" '$1 == p || $2 == p || $3 == p {f = 1} END {exit !f}'; }
counter_at_least() { local c; c=$(counter_of "$1"); [[ -n $c ]] && ((c >= $2)); }

criu_fail() { # label dir what
  local log=$2/img/$3.log keep=$CACHE/test-logs/$1
  mkdir -p "$keep"
  cp -f "$2"/img/*.log "$keep"/ 2>/dev/null || true
  grep -E 'Error|Warn' "$log" 2>/dev/null | tail -n 15 >&2 || true
  die "criu $3 of the $1 test process failed (logs kept in $keep)"
}

# Dump a shell loop that counts in memory, check it is gone, restore it and check the
# count goes on from where it was (memory state kept). $1 label, $2 uid to run as.
criu_roundtrip() {
  local label=$1 uid=$2 dir run pid c_dump c_later c_new c_next n_dump owner limits how="prlimit"
  dir=$TEST_ROOT/$label
  run=$dir/run
  mkdir -p "$run" "$dir/img"
  mkfifo "$run/tick"
  chown "$uid:$uid" "$run" "$run/tick"
  local cmd=(setsid)
  if [[ $uid != 0 ]]; then
    cmd+=(setpriv --reuid="$uid" --regid="$uid" --clear-groups)
  fi
  # Only builtins, so the loop has no children that would outlive it as orphans after the dump
  # (this host's init reaps orphans only every second or so, and restore needs the pid number
  # free): the count is appended to a file, the pause is a read with timeout on a FIFO that
  # never gets data.
  # shellcheck disable=SC2016 # expanded by the test shell, not here
  cmd+=(bash -c 'echo $$ > pid; exec 3<>tick; i=0; while :; do i=$((i+1)); echo $i >> counter; read -r -t 0.05 -u 3 || :; done')
  # The subshell stays the test process's parent and reaps it after the dump (no zombie holds the pid).
  # (The "exit" keeps bash from exec'ing the command in place of the subshell; 2>/dev/null hides
  # its "Killed" notice when criu dump kills the process.)
  (
    cd "$run" || exit 1
    "${cmd[@]}" </dev/null >/dev/null 2>&1
    exit 0
  ) 2>/dev/null &
  wait_for 5 test -s "$run/pid" || die "$label test process did not start"
  pid=$(cat "$run/pid")
  TEST_PGIDS+=("$pid")
  wait_for 10 counter_at_least "$run" 10 || die "$label test process is not counting"
  owner=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  [[ $owner == "$uid" ]] || die "$label test process runs as uid $owner, expected $uid"
  limits=$(cat "/proc/$pid/limits")

  "$CRIU_BIN" dump -t "$pid" -D "$dir/img" -o dump.log -v4 || criu_fail "$label" "$dir" dump
  wait_for 10 pid_free "$pid" || die "$label test process $pid (or its group) still there after criu dump: \
$(ps -o pid,pgid,sid,stat,user,args -g "$pid" 2>&1 | sed -n '2,$p' | xargs)"
  c_dump=$(counter_of "$run")
  n_dump=$(wc -l <"$run/counter")
  sleep 0.3
  c_later=$(counter_of "$run")
  [[ $c_dump == "$c_later" ]] || die "$label counter moved while dumped ($c_dump -> $c_later)"

  (cd "$dir" && "$CRIU_BIN" restore -d -D "$dir/img" -o restore.log -v4) ||
    criu_fail "$label" "$dir" restore
  wait_for 5 alive "$pid" || die "$label test process $pid not running after criu restore"
  owner=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  [[ $owner == "$uid" ]] || die "restored $label process runs as uid $owner, expected $uid"
  wait_for 5 counter_at_least "$run" $((c_dump + 3)) ||
    die "$label counter did not continue after restore (was $c_dump, now $(counter_of "$run"))"
  c_new=$(counter_of "$run")
  c_next=$(sed -n "$((n_dump + 1))p" "$run/counter")
  [[ $c_next == $((c_dump + 1)) ]] ||
    die "$label process restored with another state: counted $c_dump before the dump, $c_next after restore"
  ((c_new <= c_dump + 200)) || die "$label counter jumped from $c_dump to $c_new"
  [[ $(cat "/proc/$pid/limits") == "$limits" ]] ||
    die "restored $label process has other rlimits than before the dump"
  if grep -q 'reading /proc/[0-9]*/limits instead' "$dir/img/dump.log"; then
    how="/proc/PID/limits fallback"
  fi
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait_for 5 pid_gone "$pid" || die "could not kill restored $label test process $pid"
  TEST_PGIDS=() # gone: never signal that number again, it may be reused
  log "criu: $label (uid $uid): dumped at count $c_dump, restored, counted on to $c_new; rlimits kept (read via $how)"
}

verify_criu() {
  local v
  v=$(criu_version_of criu)
  if [[ -z $v ]] || ! version_ge "$v" "$CRIU_MIN"; then
    die "'criu --version' on PATH gives '${v:-nothing}', need >= $CRIU_MIN"
  fi
  verify_criu_check
  TEST_ROOT=$(mktemp -d /tmp/jlxd-setup-host.XXXXXX)
  chmod 0755 "$TEST_ROOT"
  criu_roundtrip root 0
  criu_roundtrip non-root "$TEST_UID"
  rm -rf -- "$TEST_ROOT"
  TEST_ROOT=""
  ok "criu $v (patched: prlimit EPERM fallback) — check, dump/restore root + non-root"
  ok "liblxc finds criu on PATH: $CRIU_LINK -> $CRIU_BIN"
}

# ------------------------------------------------------------------------ main
main() {
  check_prereqs
  check_java_maven
  install_packages
  ensure_criu
  link_criu
  ensure_subids
  verify_tools
  verify_criu
  SUMMARY+=("${TAIL_SUMMARY[@]}")
  printf '\njlxd host setup: all checks passed in %ss\n' "$((SECONDS - START_SECONDS))"
  printf '  %s\n' "${SUMMARY[@]}"
}

main "$@"
