# Mounts a host path into, or unmounts it from, a running container's mount namespace (jlxd's host-path disk
# hot-plug). Run by the daemon as host root: a single-threaded helper, because a multi-threaded process (the JVM)
# cannot setns(2) into another mount namespace. The new mount API does the work: open_tree(2) clones the host path
# while still in the host's namespace, mount_setattr(2) makes the clone read-only / idmapped to the container's user
# namespace / sets its propagation, setns(2) enters the container's mount namespace (root and cwd become the
# container's, so every path below resolves inside the container) and move_mount(2) attaches it.
#   add    PID TARGET SOURCE RO(0|1) SHIFT(0|1) PROPAGATION(name|-) RECURSIVE(0|1) ROOTID
#   remove PID TARGET
use strict;
use warnings;
use POSIX ();

my %SETNS = (x86_64 => 308, aarch64 => 268, riscv64 => 268, s390x => 339, ppc64le => 350);
my %UMOUNT2 = (x86_64 => 166, aarch64 => 39, riscv64 => 39, s390x => 52, ppc64le => 52);
my ($OPEN_TREE, $MOVE_MOUNT, $MOUNT_SETATTR) = (428, 429, 442);
my $AT_FDCWD = -100;
my ($OPEN_TREE_CLONE, $O_CLOEXEC, $AT_RECURSIVE, $AT_EMPTY_PATH) = (1, 0x80000, 0x8000, 0x1000);
my ($MOUNT_ATTR_RDONLY, $MOUNT_ATTR_IDMAP, $MOVE_MOUNT_F_EMPTY_PATH, $CLONE_NEWNS, $MNT_DETACH) = (1, 0x100000, 4, 0x20000, 2);
my %PROPAGATION = (private => 1 << 18, slave => 1 << 19, shared => 1 << 20, unbindable => 1 << 17);

my $arch = (POSIX::uname())[4];
die "unsupported architecture $arch\n" unless exists $SETNS{$arch};
my ($mode, $pid, $target) = @ARGV;
die "usage: add|remove PID TARGET ...\n" unless defined $target && $pid =~ /^\d+$/ && $target =~ m{^/};

open(my $mntns, '<', "/proc/$pid/ns/mnt") or die "cannot open the mount namespace of $pid: $!\n";

if ($mode eq 'remove') {
    enter($mntns);
    syscall($UMOUNT2{$arch}, $target, $MNT_DETACH) == 0 or die "umount $target: $!\n";
    exit 0;
}
die "unknown mode $mode\n" unless $mode eq 'add';
my (undef, undef, undef, $source, $ro, $shift, $prop, $recursive, $rootid) = @ARGV;
die "missing arguments\n" unless defined $rootid && $rootid =~ /^\d+$/;

my $flags = $OPEN_TREE_CLONE | $O_CLOEXEC | ($recursive ? $AT_RECURSIVE : 0);
my $tree = syscall($OPEN_TREE, $AT_FDCWD, $source, $flags);
die "open_tree $source: $!\n" if $tree < 0;

my $userns = 0;
my $usernsfh;
if ($shift) {
    open($usernsfh, '<', "/proc/$pid/ns/user") or die "cannot open the user namespace of $pid: $!\n";
    $userns = fileno($usernsfh);
}
my $set = ($ro ? $MOUNT_ATTR_RDONLY : 0) | ($shift ? $MOUNT_ATTR_IDMAP : 0);
my $propagation = 0;
if ($prop ne '-') {
    my $base = $prop =~ s/^r//r;
    $propagation = $PROPAGATION{$base} // die "unknown propagation $prop\n";
}
if ($set || $propagation) {
    my $attr = pack('QQQQ', $set, 0, $propagation, $userns);
    my $aflags = $AT_EMPTY_PATH | (($recursive || $prop =~ /^r/) ? $AT_RECURSIVE : 0);
    my $empty = "";  # syscall() needs modifiable strings
    syscall($MOUNT_SETATTR, $tree, $empty, $aflags, $attr, length($attr)) == 0 or die "mount_setattr on $source: $!\n";
}

my $isdir = -d $source;
enter($mntns);
make_target($target, $isdir, $rootid);
my $none = "";
syscall($MOVE_MOUNT, $tree, $none, $AT_FDCWD, $target, $MOVE_MOUNT_F_EMPTY_PATH) == 0 or die "move_mount to $target: $!\n";
exit 0;

sub enter {
    my ($fh) = @_;
    syscall($SETNS{$arch}, fileno($fh), $CLONE_NEWNS) == 0 or die "setns into the container's mount namespace: $!\n";
    chdir('/') or die "chdir /: $!\n";
}

# Creates the mount point inside the container (its directories owned by the container's root), never through a
# symbolic link: each component is checked with lstat.
sub make_target {
    my ($path, $isdir, $uid) = @_;
    my @parts = grep { length } split m{/}, $path;
    my $cur = '';
    for my $i (0 .. $#parts) {
        $cur .= '/' . $parts[$i];
        my $last = $i == $#parts;
        if (-l $cur) {
            die "$cur is a symbolic link in the container\n";
        }
        next if -e $cur;
        if (!$last || $isdir) {
            mkdir($cur, 0755) or die "mkdir $cur: $!\n";
        } else {
            open(my $f, '>', $cur) or die "create $cur: $!\n";
            close($f);
        }
        chown($uid, $uid, $cur) or die "chown $cur: $!\n";
    }
}
