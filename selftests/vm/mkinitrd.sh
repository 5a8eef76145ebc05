#!/bin/bash
# mkinitrd.sh OUT [MODROOT KREL] - build the guest initramfs (an uncompressed cpio).
#
# Contents: /init (selftests/vm/init), a static busybox, and, when MODROOT is
# given, the modules needed to mount the host root over virtio-9p, taken from
# MODROOT/lib/modules/KREL with their real dependencies (modprobe --show-depends
# on that tree) and listed in load order in /modules/order. Modules that are
# built into the kernel are skipped; compressed modules are stored decompressed
# so busybox insmod can load them.
#
# OUT is rebuilt only when an input changed (a sha256 of all inputs is kept in
# OUT.sum). Without MODROOT no module is included: for a kernel with
# virtio-pci and 9p built in (-K BZIMAGE).
set -euo pipefail

out=${1:?usage: mkinitrd.sh OUT [MODROOT KREL]}
modroot=${2:-}
krel=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
# Loaded at boot: virtio_pci (the transport), 9pnet_virtio + 9p (the filesystem).
boot_mods="virtio_pci 9pnet_virtio 9p"
# Copied, loaded only on demand: overlay (for run.sh -w).
extra_mods="overlay"

busybox=""
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
		busybox=$b
		break
	fi
done
if [ -z "$busybox" ]; then
	echo "vm: need a static busybox: apt-get install busybox-static" >&2
	exit 1
fi

# resolve LIST NAMES...: append to array LIST the module files NAMES need, in
# load order, skipping built-ins and files already listed.
declare -A seen=()
resolve() {
	local -n list=$1
	local m kind path
	shift
	for m in "$@"; do
		# Lines are "insmod /path/x.ko [args]" or "builtin x".
		while read -r kind path _; do
			[ "$kind" = insmod ] || continue
			[ -n "${seen[$path]:-}" ] && continue
			seen[$path]=1
			list+=("$path")
		done < <(modprobe -d "$modroot" -S "$krel" --show-depends "$m")
	done
}
boot=()
extra=()
if [ -n "$modroot" ]; then
	# shellcheck disable=SC2086
	resolve boot $boot_mods
	# shellcheck disable=SC2086
	resolve extra $extra_mods
fi
mods=("${boot[@]}" "${extra[@]}")

sum=$( (
	sha256sum "$here/init" "$busybox" "$here/mkinitrd.sh"
	[ ${#mods[@]} -eq 0 ] || sha256sum "${mods[@]}"
) | sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ "$(cat "$out.sum" 2>/dev/null)" = "$sum" ]; then
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,out,modules}
cp "$busybox" "$tmp/bin/busybox"
install -m 0755 "$here/init" "$tmp/init"
# add PATH: store a module uncompressed, print its file name.
add() {
	local name
	name=$(basename "$1")
	case $name in
	*.ko.xz) name=${name%.xz}; xz -dc "$1" >"$tmp/modules/$name" ;;
	*.ko.zst) name=${name%.zst}; zstd -qdc "$1" >"$tmp/modules/$name" ;;
	*.ko.gz) name=${name%.gz}; gzip -dc "$1" >"$tmp/modules/$name" ;;
	*) cp "$1" "$tmp/modules/$name" ;;
	esac
	echo "$name"
}
: >"$tmp/modules/order"
: >"$tmp/modules/extra"
for path in ${boot[@]+"${boot[@]}"}; do add "$path" >>"$tmp/modules/order"; done
for path in ${extra[@]+"${extra[@]}"}; do add "$path" >>"$tmp/modules/extra"; done

mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) >"$out.new.$$"
mv "$out.new.$$" "$out"
echo "$sum" >"$out.sum"
