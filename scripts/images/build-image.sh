#!/usr/bin/env bash
# Build a container image in LXD's unified format, without any image server.
#
#   scripts/images/build-image.sh busybox                    [--out DIR] [--rebuild]
#   scripts/images/build-image.sh debian/bookworm            [--out DIR] [--rebuild]
#   scripts/images/build-image.sh debian/bookworm/default    [--out DIR] [--rebuild]
#
# Images (x86_64/aarch64 host architecture):
#   busybox                  BusyBox from the host's busybox-static (/bin/busybox), busybox init with a
#                            container inittab; a few seconds, ~1 MB. Does not need root.
#   debian/bookworm          Debian 12 minbase + systemd, built with debootstrap from deb.debian.org (the
#                            only network source used); variant "criu-friendly": a drop-in for every
#                            service (/etc/systemd/system/service.d/) turns off systemd's namespace
#                            sandboxing so that CRIU can checkpoint/restore the container. That weakens
#                            the sandboxing of services inside the container: it is the documented price
#                            of checkpointability (see docs in scripts/images/README.md). Needs root.
#   debian/bookworm/default  the same without the drop-in (services keep their sandboxing).
#
# Output: a unified tarball (metadata.yaml, templates/, rootfs/) compressed with xz, cached as
#   ${JLXD_CACHE:-/var/cache/jlxd}/images/<name>.tar.xz      (<name>: busybox.r2, debian-bookworm, ...)
# next to <name>.key (hash of this script and of every input) and <name>.sha256 (fingerprint, size).
# A rerun whose inputs did not change prints the cached result at once; --rebuild forces a build.
# --out DIR also copies the image to DIR/<name>.tar.xz and prints that path.
#
# stdout (and nothing else goes there):
#   path: /var/cache/jlxd/images/busybox.r2.tar.xz
#   fingerprint: <sha256 of the file, which is LXD's fingerprint of a unified image>
#   size: <bytes>
#   cached: yes|no
# Progress and timings go to stderr.
#
# Environment: JLXD_CACHE (cache root), JLXD_DEBIAN_MIRROR (default http://deb.debian.org/debian),
#              JLXD_XZ_LEVEL (default 1: packing the Debian rootfs at -6 takes minutes for ~15 % less),
#              JLXD_BUSYBOX (default: busybox-static's /bin/busybox).
# Downloaded .debs are kept in ${JLXD_CACHE}/debootstrap so that a rebuild does not download them again.
set -euo pipefail

SCRIPT_PATH=$(readlink -f "${BASH_SOURCE[0]}")
umask 022 # file modes in the image must not depend on the caller's umask
FORMAT_VERSION=1 # bump to invalidate every cached image

CACHE_ROOT=${JLXD_CACHE:-/var/cache/jlxd}
CACHE=$CACHE_ROOT/images
MIRROR=${JLXD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
XZ_LEVEL=${JLXD_XZ_LEVEL:-1}
BUSYBOX=${JLXD_BUSYBOX:-}

START_NS=$(date +%s%N)
BUILD_DIR=""

log() { printf '==> %s\n' "$*" >&2; }
die() {
  printf 'build-image: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '2,8p' "$SCRIPT_PATH" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
elapsed() { # seconds since START_NS, 2 decimals
  local now
  now=$(date +%s%N)
  awk -v a="$START_NS" -v b="$now" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}

# Unmounts anything left mounted below $1 (debootstrap mounts proc/sys inside the target), deepest
# first, then removes the tree without ever crossing into another file system.
remove_tree() {
  local dir=$1 mnt
  [[ -n $dir && -d $dir ]] || return 0
  dir=$(readlink -f "$dir")
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf --one-file-system -- "$dir"
}

cleanup() {
  local rc=$?
  if [[ -n $BUILD_DIR ]]; then
    remove_tree "$BUILD_DIR"
  fi
  rm -f -- "${TMP_FILES[@]}" 2>/dev/null || true
  exit "$rc"
}
TMP_FILES=()
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- arguments
TARGET=""
OUT_DIR=""
REBUILD=0
while (($#)); do
  case $1 in
  --out)
    [[ $# -ge 2 ]] || usage
    OUT_DIR=$2
    shift 2
    ;;
  --out=*)
    OUT_DIR=${1#--out=}
    shift
    ;;
  --rebuild)
    REBUILD=1
    shift
    ;;
  -h | --help) usage ;;
  -*) die "unknown option $1" ;;
  *)
    [[ -z $TARGET ]] || die "only one image per run (got '$TARGET' and '$1')"
    TARGET=$1
    shift
    ;;
  esac
done
[[ -n $TARGET ]] || usage

VARIANT=default
# REV: bumped when an image's content changes in a way that must not share a cache file with older copies of this
# script (worktrees, installed versions): the cache files are <name>.r<REV>.*
REV=
case $TARGET in
busybox) NAME=busybox REV=3 ;; # r2: a shell on the console when there is one; r3: DHCP on every NIC
# r2: systemd-networkd DHCP on every eth*/en* NIC (was eth0 only)
debian/bookworm | debian/bookworm/criu-friendly)
  NAME=debian-bookworm
  VARIANT=criu-friendly
  REV=2
  ;;
debian/bookworm/default) NAME=debian-bookworm-default REV=2 ;;
*) die "unknown image '$TARGET' (known: busybox, debian/bookworm, debian/bookworm/default)" ;;
esac

case $(uname -m) in
x86_64)
  LXD_ARCH=x86_64
  DEB_ARCH=amd64
  ;;
aarch64)
  LXD_ARCH=aarch64
  DEB_ARCH=arm64
  ;;
*) die "unsupported host architecture $(uname -m)" ;;
esac

# ---------------------------------------------------------------- cache key
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

inputs() { # everything the result depends on, one item per line
  echo "format=$FORMAT_VERSION"
  echo "script=$(sha256_of "$SCRIPT_PATH")"
  echo "target=$TARGET name=$NAME variant=$VARIANT arch=$LXD_ARCH xz=$XZ_LEVEL"
  case $NAME in
  busybox) echo "busybox=$(sha256_of "$BUSYBOX")" ;;
  debian-*)
    echo "mirror=$MIRROR"
    echo "debootstrap=$(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo unknown)"
    echo "packages=${DEBIAN_PACKAGES}"
    ;;
  esac
}

DEBIAN_PACKAGES=systemd-sysv,systemd,systemd-resolved,dbus,iproute2,iputils-ping,netbase,procps

if [[ $NAME == busybox ]]; then
  if [[ -z $BUSYBOX ]]; then
    for b in /bin/busybox /usr/bin/busybox; do
      [[ -x $b ]] && BUSYBOX=$b && break
    done
  fi
  [[ -n $BUSYBOX && -x $BUSYBOX ]] || die "busybox not found: apt-get install busybox-static"
  BUSYBOX=$(readlink -f "$BUSYBOX")
  # a dynamically linked busybox would need the host's libc inside the image
  if command -v file >/dev/null && file -L "$BUSYBOX" | grep -c 'dynamically linked' >/dev/null; then
    die "$BUSYBOX is dynamically linked: apt-get install busybox-static"
  fi
else
  [[ $(id -u) -eq 0 ]] || die "building $TARGET needs root (debootstrap)"
  command -v debootstrap >/dev/null || die "debootstrap not found: apt-get install debootstrap"
fi
command -v xz >/dev/null || die "xz not found: apt-get install xz-utils"

mkdir -p "$CACHE"
STEM=$NAME${REV:+.r$REV}
IMAGE=$CACHE/$STEM.tar.xz
KEY_FILE=$CACHE/$STEM.key
SUM_FILE=$CACHE/$STEM.sha256
KEY=$(inputs | sha256sum | cut -d' ' -f1)

# One build per image at a time; a concurrent run waits, then finds the cache filled.
exec 9>"$CACHE/.$STEM.lock"
flock 9

report() { # path fingerprint size cached
  local path=$1
  if [[ -n $OUT_DIR ]]; then
    mkdir -p "$OUT_DIR"
    path=$(readlink -f "$OUT_DIR")/$NAME.tar.xz
    if [[ $(readlink -f "$IMAGE") != "$path" ]]; then
      cp --reflink=auto -- "$IMAGE" "$path.tmp.$$"
      mv -f -- "$path.tmp.$$" "$path"
    fi
  fi
  printf 'path: %s\nfingerprint: %s\nsize: %s\ncached: %s\n' "$path" "$2" "$3" "$4"
}

if [[ $REBUILD -eq 0 && -f $IMAGE && -f $SUM_FILE && -f $KEY_FILE && $(cat "$KEY_FILE") == "$KEY" ]]; then
  read -r FP SIZE <"$SUM_FILE"
  if [[ $(stat -c %s "$IMAGE") == "$SIZE" ]]; then
    log "$NAME: cached ($IMAGE, inputs unchanged)"
    report "$IMAGE" "$FP" "$SIZE" yes
    exit 0
  fi
  log "$NAME: cached file has the wrong size, rebuilding"
fi

BUILD_DIR=$(mktemp -d "$CACHE/.build-$NAME.XXXXXX")
chmod 0755 "$BUILD_DIR"
STAGE=$BUILD_DIR/image
ROOTFS=$STAGE/rootfs
mkdir -p "$STAGE/templates"
SERIAL=$(date -u +%Y%m%d_%H%M)
CREATED=$(date +%s)

# ---------------------------------------------------------------- common pieces
write_templates() { # LXD templates: /etc/hostname and /etc/hosts follow the instance name
  cat >"$STAGE/templates/hostname.tpl" <<'EOF'
{{ instance.name }}
EOF
  cat >"$STAGE/templates/hosts.tpl" <<'EOF'
127.0.0.1	localhost
127.0.1.1	{{ instance.name }}

::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
EOF
}

write_metadata() { # os release variant description
  cat >"$STAGE/metadata.yaml" <<EOF
architecture: $LXD_ARCH
creation_date: $CREATED
properties:
  architecture: $DEB_ARCH
  os: $1
  release: "$2"
  variant: $3
  description: "$4"
  serial: "$SERIAL"
  built_by: jlxd scripts/images/build-image.sh
templates:
  /etc/hostname:
    when:
      - create
      - copy
    create_only: false
    template: hostname.tpl
    properties: {}
  /etc/hosts:
    when:
      - create
      - copy
    create_only: false
    template: hosts.tpl
    properties: {}
EOF
}

write_hosts_files() { # hostname
  echo "$1" >"$ROOTFS/etc/hostname"
  cat >"$ROOTFS/etc/hosts" <<EOF
127.0.0.1	localhost
127.0.1.1	$1

::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
EOF
}

# ---------------------------------------------------------------- busybox
build_busybox() {
  local version applet
  version=$("$BUSYBOX" 2>&1 | sed -n '1s/^BusyBox v\([0-9][0-9.]*\).*/\1/p')  # no head: pipefail + SIGPIPE
  [[ -n $version ]] || die "cannot read the version of $BUSYBOX"
  log "busybox $version from $BUSYBOX"

  mkdir -p "$ROOTFS"
  (cd "$ROOTFS" && mkdir -p bin sbin usr/bin usr/sbin etc/init.d usr/share/udhcpc dev proc sys run \
    tmp root home mnt var/log var/tmp var/spool)
  chmod 0755 "$ROOTFS" "$ROOTFS"/{bin,sbin,usr,usr/bin,usr/sbin,etc,dev,proc,sys,run,home,mnt,var}
  chmod 1777 "$ROOTFS/tmp" "$ROOTFS/var/tmp"
  chmod 0700 "$ROOTFS/root"
  install -m 0755 "$BUSYBOX" "$ROOTFS/bin/busybox"
  # every applet is a symlink to /bin/busybox, /sbin/init included
  while read -r applet; do
    [[ $applet == bin/busybox || -e $ROOTFS/$applet || -L $ROOTFS/$applet ]] && continue
    ln -s /bin/busybox "$ROOTFS/$applet"
  done < <("$BUSYBOX" --list-full)
  [[ -L $ROOTFS/sbin/init ]] || ln -s /bin/busybox "$ROOTFS/sbin/init"
  ln -s ../run "$ROOTFS/var/run"
  ln -s /proc/self/mounts "$ROOTFS/etc/mtab"

  cat >"$ROOTFS/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$ROOTFS/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
nogroup:x:65534:
EOF
  # root's password is locked: log in with `lxc exec`/attach, not with a password
  cat >"$ROOTFS/etc/shadow" <<'EOF'
root:*:19000:0:99999:7:::
daemon:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
EOF
  chmod 0600 "$ROOTFS/etc/shadow"
  write_hosts_files busybox
  : >"$ROOTFS/etc/fstab"
  : >"$ROOTFS/etc/resolv.conf"
  cat >"$ROOTFS/etc/profile" <<'EOF'
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PS1='\h:\w\$ '
EOF

  # busybox init: a root shell on the console when the container has one (migration.stateful=false);
  # without a console (lxc.console.path = none, the checkpointable default) /etc/init.d/console idles
  # instead (a respawned command that exits at once would spin). Signals to PID 1 (busybox init.c):
  #   SIGPWR, SIGUSR1 -> halt   SIGUSR2 -> poweroff   SIGTERM -> reboot (!)   SIGINT -> ctrlaltdel
  # halt/poweroff/reboot run the shutdown actions, SIGTERM then SIGKILL every process, and call
  # reboot(2), which in a PID namespace ends the container (halt) or makes liblxc restart it (reboot).
  # `halt` inside the container sends SIGUSR1, `poweroff` SIGUSR2, `reboot` SIGTERM.
  cat >"$ROOTFS/etc/inittab" <<'EOF'
# busybox init, for a system container (see /etc/init.d/rcS)
::sysinit:/etc/init.d/rcS
# liblxc asks for a reboot with SIGINT (lxc.signal.reboot): reboot cleanly
::ctrlaltdel:/sbin/reboot
::shutdown:/etc/init.d/rcK
::respawn:/etc/init.d/console
EOF
  cat >"$ROOTFS/etc/init.d/console" <<'EOF'
#!/bin/sh
# respawned by init on its console: a login shell when the console is a terminal, else sleep forever
if [ -t 0 ]; then
  exec /bin/sh -l
fi
exec sleep 2147483647
EOF
  chmod 0755 "$ROOTFS/etc/init.d/console"
  cat >"$ROOTFS/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# sysinit. liblxc has mounted /proc, /sys, /dev (lxc.autodev) and /dev/pts already: mount only what is
# missing (busybox-static has no mountpoint applet).
mounted() { grep -q "^[^ ]* $1 " /proc/mounts 2>/dev/null; }
mounted /proc || mount -t proc -o nosuid,nodev,noexec proc /proc
mounted /sys || mount -t sysfs -o ro,nosuid,nodev,noexec sysfs /sys 2>/dev/null
mounted /run || mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
mkdir -p /dev/pts /dev/shm
mounted /dev/pts || mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts 2>/dev/null
mounted /dev/shm || mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm 2>/dev/null
ip link set lo up 2>/dev/null
# DHCP on every NIC (all but lo) in the background (never delays boot); udhcpc quits once it has a lease.
# A NIC hot-plugged later gets no client: run `udhcpc -i NAME -s /usr/share/udhcpc/default.script -q` in it.
for dev in /sys/class/net/*; do
  dev=${dev##*/}
  [ "$dev" = lo ] || [ "$dev" = '*' ] && continue
  ip link set "$dev" up 2>/dev/null
  udhcpc -i "$dev" -s /usr/share/udhcpc/default.script -q -t 30 -T 2 -A 5 -n >/dev/null 2>&1 </dev/null &
done
exit 0
EOF
  cat >"$ROOTFS/etc/init.d/rcK" <<'EOF'
#!/bin/sh
# shutdown action; afterwards init sends SIGTERM, then SIGKILL, to every process
sync
exit 0
EOF
  cat >"$ROOTFS/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
# udhcpc event script: apply the lease with busybox ip
[ -n "$interface" ] || exit 1
case "$1" in
deconfig)
  ip -4 addr flush dev "$interface"
  ip link set "$interface" up
  ;;
bound | renew)
  prefix=${mask:-24}
  ip -4 addr flush dev "$interface"
  ip addr add "$ip/$prefix" ${broadcast:+broadcast "$broadcast"} dev "$interface"
  if [ -n "$router" ]; then
    set -- $router
    ip route replace default via "$1" dev "$interface"
  fi
  {
    [ -n "$domain" ] && echo "search $domain"
    for d in $dns; do echo "nameserver $d"; done
  } >/etc/resolv.conf.new && mv /etc/resolv.conf.new /etc/resolv.conf
  ;;
esac
exit 0
EOF
  chmod 0755 "$ROOTFS/etc/init.d/rcS" "$ROOTFS/etc/init.d/rcK" "$ROOTFS/usr/share/udhcpc/default.script"

  write_templates
  write_metadata busybox "$version" default "BusyBox $version $DEB_ARCH (jlxd build $SERIAL)"
}

# ---------------------------------------------------------------- debian
SANDBOX_DROPIN='# jlxd image variant "criu-friendly": applies to every service of this container.
#
# CRIU cannot checkpoint or restore a process tree that uses the namespaces and special mounts that
# systemd creates for per-service sandboxing (PrivateTmp, ProtectSystem, ProtectHostname,
# LoadCredential, IPAddressDeny/Allow and friends). This drop-in turns them off so that the
# container can be checkpointed, restored and live-migrated. It WEAKENS the isolation of services
# inside the container (the container itself stays isolated from the host). Remove this file (or
# use the image variant "default") to get the stock sandboxing back.
[Service]
PrivateTmp=no
PrivateDevices=no
PrivateNetwork=no
PrivateIPC=no
PrivateUsers=no
PrivateMounts=no
ProtectSystem=no
ProtectHome=no
ProtectHostname=no
ProtectClock=no
ProtectKernelTunables=no
ProtectKernelModules=no
ProtectKernelLogs=no
ProtectControlGroups=no
ProtectProc=default
ProcSubset=all
ReadWritePaths=
ReadOnlyPaths=
InaccessiblePaths=
ExecPaths=
NoExecPaths=
TemporaryFileSystem=
BindPaths=
BindReadOnlyPaths=
LoadCredential=
LoadCredentialEncrypted=
SetCredential=
SetCredentialEncrypted=
IPAddressDeny=
IPAddressAllow=
'

# Units that cannot work in a container or only delay boot there.
DEBIAN_MASKED_UNITS=(
  systemd-networkd-wait-online.service # waits up to 2 min when the container has no network
  systemd-journald-audit.socket        # the audit netlink socket belongs to the host
  sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount
  sys-fs-fuse-connections.mount dev-hugepages.mount
  systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service
  getty-static.service
)

build_debian() {
  local suite=bookworm t0 unit
  log "debootstrap --variant=minbase $suite from $MIRROR"
  t0=$(date +%s%N)
  mkdir -p "$CACHE_ROOT/debootstrap"
  if ! debootstrap --variant=minbase --arch="$DEB_ARCH" --include="$DEBIAN_PACKAGES" \
    --cache-dir="$(readlink -f "$CACHE_ROOT/debootstrap")" \
    --components=main "$suite" "$ROOTFS" "$MIRROR" >"$BUILD_DIR/debootstrap.log" 2>&1; then
    tail -n 30 "$BUILD_DIR/debootstrap.log" >&2
    [[ -f $ROOTFS/debootstrap/debootstrap.log ]] && tail -n 30 "$ROOTFS/debootstrap/debootstrap.log" >&2
    die "debootstrap failed"
  fi
  log "debootstrap done in $(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s"

  cat >"$ROOTFS/etc/apt/sources.list" <<EOF
deb $MIRROR $suite main
deb $MIRROR $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
EOF
  write_hosts_files debian

  # DHCP on every NIC (eth*, en*) through systemd-networkd; DNS through systemd-resolved
  mkdir -p "$ROOTFS/etc/systemd/network"
  cat >"$ROOTFS/etc/systemd/network/eth0.network" <<'EOF'
[Match]
Name=eth* en*

[Network]
DHCP=yes
EOF
  chroot "$ROOTFS" /bin/systemctl enable systemd-networkd.service systemd-resolved.service >&2
  for unit in "${DEBIAN_MASKED_UNITS[@]}"; do
    ln -sfn /dev/null "$ROOTFS/etc/systemd/system/$unit"
  done

  if [[ $VARIANT == criu-friendly ]]; then
    mkdir -p "$ROOTFS/etc/systemd/system/service.d"
    printf '%s' "$SANDBOX_DROPIN" >"$ROOTFS/etc/systemd/system/service.d/10-jlxd-criu-friendly.conf"
  fi

  # root's password is locked (log in through exec/attach); every container gets its own machine-id
  chroot "$ROOTFS" /usr/bin/passwd -l root >/dev/null
  : >"$ROOTFS/etc/machine-id"
  rm -f "$ROOTFS/var/lib/dbus/machine-id"

  # no caches, logs or device nodes in the image (liblxc's autodev populates /dev)
  chroot "$ROOTFS" /usr/bin/apt-get clean
  rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/debconf/*-old \
    "$ROOTFS"/var/log/*.log "$ROOTFS"/var/log/apt/* "$ROOTFS"/root/.bash_history
  remove_tree_contents "$ROOTFS/dev"
  remove_tree_contents "$ROOTFS/run"
  remove_tree_contents "$ROOTFS/tmp"
  chmod 1777 "$ROOTFS/tmp"

  local description="Debian $suite $DEB_ARCH"
  [[ $VARIANT == criu-friendly ]] && description+=" (criu-friendly: service sandboxing off)"
  write_templates
  write_metadata debian "$suite" "$VARIANT" "$description, jlxd build $SERIAL"
}

remove_tree_contents() {
  local dir=$1 entry
  while read -r entry; do
    umount -l "$entry" 2>/dev/null || true
  done < <(awk -v d="$(readlink -f "$dir")/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system -- {} +
}

# ---------------------------------------------------------------- build, pack, cache
log "building $TARGET (variant $VARIANT) in $BUILD_DIR"
case $NAME in
busybox) build_busybox ;;
debian-*) build_debian ;;
esac
T_BUILT=$(elapsed)

log "packing (xz -$XZ_LEVEL)"
TMP_IMAGE=$CACHE/.$STEM.tar.xz.tmp.$$
TMP_FILES+=("$TMP_IMAGE")
OWNER_ARGS=()
# busybox is assembled without root: every file belongs to root in the image
[[ $NAME == busybox ]] && OWNER_ARGS=(--owner=0 --group=0)
# unified format: metadata.yaml first (readers find it without scanning the rootfs), numeric ids,
# xattrs (file capabilities), no atime/ctime noise in the pax headers
tar --create --format=posix --pax-option=delete=atime,delete=ctime --sort=name --numeric-owner \
  --xattrs --xattrs-include='*' "${OWNER_ARGS[@]}" -C "$STAGE" metadata.yaml templates rootfs |
  xz -T0 "-$XZ_LEVEL" >"$TMP_IMAGE"
FP=$(sha256_of "$TMP_IMAGE")
SIZE=$(stat -c %s "$TMP_IMAGE")
ROOTFS_KB=$(du -sk --apparent-size "$ROOTFS" | cut -f1)
chmod 0644 "$TMP_IMAGE"
mv -f -- "$TMP_IMAGE" "$IMAGE"
echo "$FP $SIZE" >"$SUM_FILE.tmp.$$" && mv -f -- "$SUM_FILE.tmp.$$" "$SUM_FILE"
echo "$KEY" >"$KEY_FILE.tmp.$$" && mv -f -- "$KEY_FILE.tmp.$$" "$KEY_FILE"

log "$NAME: rootfs $((ROOTFS_KB / 1024)) MiB, image $((SIZE / 1024)) KiB; built in ${T_BUILT}s, total $(elapsed)s"
report "$IMAGE" "$FP" "$SIZE" no
