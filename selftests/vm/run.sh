#!/bin/bash
# run.sh - boot a Debian kernel in QEMU (TCG) and run one command in it, as root.
#
#   selftests/vm/run.sh [-k KREL] [-K BZIMAGE] [-m MEM] [-s SMP] [-t TIMEOUT]
#                       [-o OUTDIR] [-w DIR]... [-i] -- CMD [ARGS...]
#
#   -k KREL     Debian kernel release, e.g. 6.1.0-56-amd64 (default: see Flow 1)
#   -K BZIMAGE  boot this kernel instead of a Debian one (see the end)
#   -m MEM      guest memory, MiB (1024)
#   -s SMP      guest CPUs (2)
#   -t TIMEOUT  seconds for the whole run, boot included (600)
#   -o OUTDIR   the guest's result dir (default: a temporary dir)
#   -w DIR      make host DIR writable in the guest (tmpfs overlay, discarded)
#   -i          interactive: CMD's stdin and stdout are the console
#
# Design: the guest's root file system is the HOST's root, shared read-only over
# virtio-9p (as virtme does). The alternative, a busybox-only initramfs, would
# need every tool a test uses (socat, python3 + pyserial, stty, npctl with
# libnl, lrzsz, ...) copied in with its libraries, and a rebuild whenever one
# changes. With the host root, the guest runs the very binaries the host just
# built, at the same absolute paths, and any tool apt installed on the host.
# The price is a few 9p modules in the initramfs (taken from the same kernel
# package) and a read-only root: the guest gets tmpfs on /tmp, /var/tmp, /run,
# /var/log, /root and /dev/shm, and -w DIR puts a throw-away writable overlay
# on any other host dir. Nothing the guest does reaches the host except
# through OUTDIR.
#
# Flow:
#   1. KREL: -k, else $KREL, else the release of the headers the module is
#      built against ($KDIR, /lib/modules/$(uname -r)/build, or the newest
#      /usr/src/linux-headers-*-amd64), read from include/generated/utsrelease.h
#      (Debian's include/config/kernel.release holds the upstream version).
#   2. fetch-kernel.sh: apt-get download the linux-image package once and unpack
#      vmlinuz + its module tree into $NPTTY_CACHE/kernels/$KREL/ (default cache
#      /var/cache/nptty, or ~/.cache/nptty when that is not writable), plus a
#      decompressed vmlinux (unpack-vmlinux.sh) that QEMU boots through PVH.
#   3. mkinitrd.sh: busybox-static + the virtio-pci/9p modules (real dependency
#      list from that tree's modules.dep) + init; cached, rebuilt when an
#      input changes.
#   4. OUTDIR gets vm-env (settings for init) and vm-cmd.sh (cd to the current
#      dir, a clean environment, exec CMD).
#   5. QEMU: 9p shares "hostroot" (/, read-only, cache=loose) and "out"
#      (OUTDIR, read-write, uncached). The kernel's whole module tree (in the
#      cache, seen through hostroot) is bind-mounted on /lib/modules, so
#      modprobe works in the guest (veth, sch_netem, ...). ttyS0 = our stdout
#      (CMD's output), ttyS1 = the kernel console (loglevel 7) ->
#      OUTDIR/vm-kernel.log. panic=-1 and -no-reboot make a panic end QEMU
#      (no oops=panic: oopses are logged and scanned); timeout(1) bounds the run.
#   6. init (guest PID 1) mounts everything, switch_roots into the host root,
#      runs CMD, writes vm-dmesg.txt (+ vm-kmemleak.txt) and vm-exit, powers off.
#   7. scan-kmsg.sh checks the guest's kernel log (vm-dmesg.txt and the
#      console log, merged) for WARN/BUG/Oops/lockdep/KASAN/UBSAN/kmemleak/
#      hung-task reports. log_buf_len=8M keeps the ring buffer from wrapping;
#      printk.devkmsg=on lets tests write markers to /dev/kmsg unratelimited.
#
# Boot speed (TCG, 2 cores): PVH boot of the decompressed vmlinux saves ~3.7 s
# of xz decompression; pci=noacpi saves ~0.25 s per virtio-pci device (ACPI
# IRQ link setup); cryptomgr.notests ~0.5 s of crypto self-tests;
# mitigations=off makes syscalls cheaper under TCG. No virtio-rng: 6.1+ does
# not wait for entropy. QEMU start -> CMD start is about 3.5-4.5 s on an idle
# host. Under TCG a fork+exec of a dynamic binary costs ~50 ms: keep tests lean.
#
# The current dir is visible in the guest at its host path wherever it is:
# when it lies under one of the guest's tmpfs dirs (a clone in ~ = /root, in
# /tmp or /var/tmp), it is shared once more (9p tag "cwd", read-only) and
# mounted there on top of the tmpfs.
#
# In the guest: cwd = the host's current dir; env = PATH, HOME=/root,
# TERM=dumb, NPTTY_VM=1, NPTTY_VM_OUT=OUTDIR, plus the caller's NPTTY_* and V.
# CMD's stdin is /dev/null and its stdout/stderr a pipe (not a tty); with -i
# both are the console, for interactive use. Processes CMD leaves running are
# named ("vm-init: left running after CMD, killed: ...") and killed.
# OUTDIR holds vm-kernel.log (console), vm-dmesg.txt, vm-kmemleak.txt (kernels
# with kmemleak), vm-exit, vm-cmd.sh, vm-env; a temporary OUTDIR (no -o) is
# removed when the run passes. Guests see OUTDIR read-write at its host path.
#
# Exit status: CMD's exit status; 3 if CMD passed but the kernel log has
# reports; 124 if the run timed out; 125 if the guest ended without an exit
# status (panic, boot failure) or the runner failed. The last line printed
# (stderr) is always "vm: exit N (kernel log clean|kernel log has N reports)".
#
# -K BZIMAGE boots a kernel you built yourself; it must have virtio-pci,
# 9p (NET_9P, NET_9P_VIRTIO, 9P_FS), devtmpfs, tmpfs and the 8250 console built
# in (=y): no module is loaded before the root is mounted, and no module tree
# is shared (-w needs OVERLAY_FS=y then).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
t_start=$(date +%s.%N)

usage() {
	sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit "${1:-125}"
}

log() { echo "vm: $*" >&2; }
die() {
	log "$*"
	log "exit 125 (runner failed)"
	exit 125
}

# Single-quote a string for sh.
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
# Escape a value for a QEMU option list (commas are doubled).
qesc() { printf '%s' "${1//,/,,}"; }

krel=${KREL:-}
bzimage=""
mem=1024
smp=2
tmo=600
outdir=""
interactive=0
rw_dirs=()
while getopts "k:K:m:s:t:o:w:ih" opt; do
	case $opt in
	k) krel=$OPTARG ;;
	K) bzimage=$OPTARG ;;
	m) mem=$OPTARG ;;
	s) smp=$OPTARG ;;
	t) tmo=$OPTARG ;;
	o) outdir=$OPTARG ;;
	w) rw_dirs+=("$OPTARG") ;;
	i) interactive=1 ;;
	h) usage 0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage

# Tools, and the Debian package each comes from.
need() {
	command -v "$1" >/dev/null 2>&1 || die "missing $1: apt-get install $2"
}
need qemu-system-x86_64 qemu-system-x86
need timeout coreutils
need cpio cpio
need flock util-linux
need modprobe kmod
need depmod kmod
need xz xz-utils
if [ -z "$bzimage" ]; then
	need apt-get apt
	need dpkg-deb dpkg
fi
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || die "missing busybox: apt-get install busybox-static"

# The release of a kernel header tree.
krel_of() {
	local u="$1/include/generated/utsrelease.h"
	if [ -r "$u" ]; then
		sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$u"
	elif [ -r "$1/include/config/kernel.release" ]; then
		cat "$1/include/config/kernel.release"
	fi
}

cache=${NPTTY_CACHE:-/var/cache/nptty}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/nptty
	mkdir -p "$cache"
fi
export NPTTY_CACHE=$cache

if [ -n "$bzimage" ]; then
	[ -r "$bzimage" ] || die "cannot read $bzimage"
	kernel=$(realpath "$bzimage")
	modules=""
	# Boot it through PVH when it can be decompressed (see unpack-vmlinux.sh);
	# cached by content, the three most recent are kept.
	if [ "$(head -c 4 "$kernel" | od -An -tx1 | tr -d ' ')" != 7f454c46 ]; then
		cdir=$cache/custom/$(sha256sum "$kernel" | cut -c1-16)
		mkdir -p "$cdir"
		touch "$cdir"
		if [ ! -e "$cdir/vmlinux" ] && [ ! -e "$cdir/.no-pvh" ]; then
			"$here/unpack-vmlinux.sh" "$kernel" "$cdir/vmlinux" || touch "$cdir/.no-pvh"
		fi
		[ ! -e "$cdir/vmlinux" ] || kernel=$cdir/vmlinux
		find "$cache/custom" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
			sort -rn | tail -n +4 | cut -d' ' -f2- | xargs -r rm -rf
	fi
	initrd=$cache/initrd/custom.cpio
	"$here/mkinitrd.sh" "$initrd" || die "mkinitrd failed"
	log "kernel $bzimage (-K; no modules)"
else
	src=""
	if [ -n "$krel" ]; then
		src="-k/\$KREL"
	else
		hdr=""
		if [ -n "${KDIR:-}" ]; then
			hdr=$KDIR
		elif [ -d "/lib/modules/$(uname -r)/build" ]; then
			hdr=/lib/modules/$(uname -r)/build
		else
			hdr=$(find /usr/src -maxdepth 1 -name 'linux-headers-*-amd64' 2>/dev/null |
				sort -V | tail -n 1)
		fi
		[ -n "$hdr" ] || die "no kernel headers found: give -k KREL or set KDIR"
		krel=$(krel_of "$hdr")
		[ -n "$krel" ] || die "cannot read the kernel release of $hdr"
		src=$hdr
	fi
	kdir=$("$here/fetch-kernel.sh" "$krel") || die "cannot fetch kernel $krel"
	kernel=$kdir/vmlinuz
	[ ! -e "$kdir/vmlinux" ] || kernel=$kdir/vmlinux
	modules=$kdir/root/lib/modules
	initrd=$kdir/initrd.cpio
	"$here/mkinitrd.sh" "$initrd" "$kdir/root" "$krel" || die "mkinitrd failed"
	log "kernel $krel (from $src)"
fi

own_outdir=0
if [ -n "$outdir" ]; then
	mkdir -p "$outdir"
	outdir=$(realpath "$outdir")
else
	outdir=$(mktemp -d "${TMPDIR:-/tmp}/nptty-vm.XXXXXX")
	own_outdir=1
fi
rm -f "$outdir"/vm-{env,cmd.sh,started,exit,dmesg.txt,kmemleak.txt,kernel.log}

# The current dir, shared on its own when the guest's tmpfs dirs (see init)
# would hide it.
cwd=$(pwd -P)
cwd_share=""
case $cwd/ in
/tmp/* | /var/tmp/* | /run/* | /var/log/* | /root/*) cwd_share=$cwd ;;
esac
case $cwd_share in
*[,$'\n']*) die "the current dir $cwd_share is under a dir the guest replaces (tmpfs) and its name has a comma or newline: use a clone elsewhere" ;;
esac
case $outdir in
*$'\n'*) die "OUTDIR must not contain a newline" ;;
esac

rw=""
for d in ${rw_dirs[@]+"${rw_dirs[@]}"}; do
	case $d in
	/*) ;;
	*) die "-w $d: give an absolute path" ;;
	esac
	case $d in
	*[,:$'\n']*) die "-w $d: commas, colons and newlines are not supported" ;;
	esac
	[ -d "$d" ] || die "-w $d: no such directory on the host"
	rw+=$d$'\n'
done
# Outer dirs first, so an overlay on /var does not hide one on /var/lib.
rw=$(printf '%s' "$rw" | sort -u)

{
	echo "VM_OUTDIR=$(shq "$outdir")"
	echo "VM_MODULES=$(shq "$modules")"
	echo "VM_RW=$(shq "$rw")"
	echo "VM_CWD_SHARE=$(shq "$cwd_share")"
	echo "VM_INTERACTIVE=$interactive"
	echo "VM_HOSTNAME=vm"
} >"$outdir/vm-env"

{
	printf '%s\n' "cd $(shq "$PWD") 2>/dev/null || { printf 'vm: cwd %s is not visible in the guest\n' $(shq "$PWD") >&2; exit 125; }"
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	echo "export HOME=/root TERM=dumb USER=root LOGNAME=root SHELL=/bin/sh"
	echo "export NPTTY_VM=1 NPTTY_VM_OUT=$(shq "$outdir")"
	while IFS= read -r name; do
		case $name in NPTTY_VM | NPTTY_VM_OUT) continue ;; esac
		echo "export $name=$(shq "${!name}")"
	done < <(compgen -e | grep -E '^(NPTTY_[A-Za-z0-9_]*|V)$' || true)
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(shq "$a")"; done
	echo
} >"$outdir/vm-cmd.sh"

# shellcheck disable=SC2054 # commas are QEMU option lists
qemu=(
	qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
	-machine pc -accel tcg,thread=multi -cpu max -m "$mem" -smp "$smp"
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS1 loglevel=7 panic=-1 mitigations=off pci=noacpi cryptomgr.notests printk.devkmsg=on log_buf_len=8M"
	-chardev stdio,id=con,signal=off -serial chardev:con
	-chardev "file,id=klog,path=$(qesc "$outdir/vm-kernel.log")" -serial chardev:klog
	-fsdev local,id=hostroot,path=/,readonly=on,security_model=none,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=out,path=$(qesc "$outdir"),security_model=none"
	-device virtio-9p-pci,fsdev=out,mount_tag=out
)
# shellcheck disable=SC2054
[ -z "$cwd_share" ] || qemu+=(
	-fsdev "local,id=cwd,path=$(qesc "$cwd_share"),readonly=on,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=cwd,mount_tag=cwd
)

log "outdir $outdir; running: $*"
t_qemu=$(date +%s.%N)
set +e
if [ "$interactive" = 1 ]; then
	timeout -k 5 "$tmo" "${qemu[@]}"
else
	timeout -k 5 "$tmo" "${qemu[@]}" </dev/null
fi
qrc=$?
set -e
t_end=$(date +%s.%N)

# Seconds from $1 to $2, one decimal.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
times="total $(elapsed "$t_start" "$t_end") s, qemu $(elapsed "$t_qemu" "$t_end") s"
if [ -e "$outdir/vm-started" ]; then
	# vm-started is created by the guest at CMD start, through 9p: its mtime
	# is host time.
	t_cmd=$(stat -c %.9Y "$outdir/vm-started")
	times+=", qemu start -> cmd start $(elapsed "$t_qemu" "$t_cmd") s"
fi
log "times: $times"

why=""
if [ -s "$outdir/vm-exit" ]; then
	rc=$(cat "$outdir/vm-exit")
elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	rc=124
	why="timed out after $tmo s; "
	log "timed out after $tmo s (-t); kernel console log: $outdir/vm-kernel.log"
else
	rc=125
	why="no exit status from the guest; "
	log "the guest ended without an exit status (qemu status $qrc); kernel console log: $outdir/vm-kernel.log"
fi

src=0
scan=$("$here/scan-kmsg.sh" "$outdir/vm-dmesg.txt" "$outdir/vm-kernel.log") || src=$?
nrep=$(printf '%s\n' "$scan" | tail -n 1)
printf '%s\n' "$scan" | sed '$d' >&2
if [ "$src" = 0 ]; then
	verdict="kernel log clean"
elif [ "$src" = 1 ]; then
	verdict="kernel log has $nrep reports"
	[ "$rc" != 0 ] || rc=3
else
	verdict="no kernel log"
	[ "$rc" != 0 ] || rc=125
fi
# A temporary OUTDIR is kept only when something went wrong.
if [ "$own_outdir" = 1 ] && [ "$rc" = 0 ]; then
	rm -rf "$outdir"
fi
log "exit $rc (${why}$verdict)"
exit "$rc"
