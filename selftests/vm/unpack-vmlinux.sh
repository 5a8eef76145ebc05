#!/bin/bash
# unpack-vmlinux.sh BZIMAGE OUT - decompress a bzImage into an ELF vmlinux that
# QEMU can boot directly through the PVH entry point.
#
# Why: under TCG the bzImage's own decompressor is slow (Debian's kernels are
# xz-compressed: ~3.7 s of a ~5 s boot). QEMU boots an ELF vmlinux that has a
# PVH note (Debian amd64 kernels: CONFIG_PVH=y) without any decompression.
#
# The compressed payload is found by its magic number (xz, zstd, gzip, lzma,
# bzip2; the first few hits of each are tried) and is accepted when it
# decompresses to an ELF file with a Xen PHYS32_ENTRY (PVH) note. Exit status
# 1 (and no OUT) when that fails: the caller then boots BZIMAGE as it is.
set -euo pipefail

in=${1:?usage: unpack-vmlinux.sh BZIMAGE OUT}
out=${2:?usage: unpack-vmlinux.sh BZIMAGE OUT}
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT

command -v readelf >/dev/null 2>&1 || exit 1

# has_pvh FILE: an ELF with the Xen note type 18 (XEN_ELFNOTE_PHYS32_ENTRY).
has_pvh() {
	[ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] &&
		readelf -n "$1" 2>/dev/null | grep -E '^ +Xen ' | grep -q '(0x00000012)'
}

try() { # try MAGIC(grep -P) DECOMPRESSOR...
	local magic=$1 off
	shift
	command -v "$1" >/dev/null 2>&1 || return 1
	for off in $(LC_ALL=C grep -obUaP "$magic" "$in" | head -n 3 | cut -d: -f1); do
		tail -c +$((off + 1)) "$in" | "$@" >"$tmp" 2>/dev/null || true
		if has_pvh "$tmp"; then
			mv "$tmp" "$out"
			return 0
		fi
	done
	return 1
}

try '\xfd7zXZ\x00' xz -dc ||
	try '\x28\xb5\x2f\xfd' zstd -qdc ||
	try '\x1f\x8b\x08' gzip -dc ||
	try '\x5d\x00\x00' xz -dc --format=lzma ||
	try 'BZh' bzip2 -dc
