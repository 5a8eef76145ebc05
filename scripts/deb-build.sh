#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deb-build.sh [OUTDIR] - build the Debian packages nptty-dkms and nptty.
#
# make deb runs this.  dpkg-buildpackage writes into the tree (debian/nptty,
# debian/.debhelper, ...) and puts its results in the tree's parent dir, so
# it runs on a copy under a temporary dir: the tree's files as git sees them
# (tracked and untracked, not ignored ones; every file when this is no git
# checkout), nothing of the user's build.  The .debs, the .changes and the
# .buildinfo go to OUTDIR (default: deb/ in the tree, which make clean
# removes); earlier nptty packages there are removed first, so that
# "apt install ./deb/nptty-dkms_*.deb ./deb/nptty_*.deb" finds one of each.
# Binary packages only, unsigned (-b -us -uc).
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd -P)
out=${1:-$top/deb}
die() { echo "deb: $*" >&2; exit 1; }

ver=$(cat VERSION)
for t in dpkg-buildpackage dpkg-parsechangelog dh dh_dkms; do
	command -v $t >/dev/null || die "$t is missing: run 'make deps' (debhelper, dh-dkms)"
done
cl=$(dpkg-parsechangelog -l debian/changelog -S Version) || exit 1
[ "$cl" = "$ver" ] ||
	die "debian/changelog is at $cl, VERSION at $ver: add an entry (dch -v $ver)"

mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd -P)
case $out/ in
"$top"/debian/*) die "OUTDIR must not be under debian/" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nptty-deb.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
src=$tmp/nptty-$ver
mkdir "$src" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
	[ "$(git rev-parse --show-toplevel)" = "$top" ]; then
	# Index entries deleted in the work tree are left out.
	git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done | tar -c --null -T - -f - | tar -x -C "$src" -f - || die "cannot copy the tree"
else
	tar -c --exclude=./deb --exclude=./.git -f - . | tar -x -C "$src" -f - ||
		die "cannot copy the tree"
fi

echo "deb: building nptty $ver in $src"
# The caller's make settings (-s, jobserver) are not debian/rules' business.
(cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	dpkg-buildpackage -b -us -uc) || die "dpkg-buildpackage failed (missing build dependencies: 'make deps')"

rm -f "$out"/nptty-dkms_*.deb "$out"/nptty_*.deb "$out"/nptty-dbgsym_*.deb \
	"$out"/nptty_*.changes "$out"/nptty_*.buildinfo
for f in "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo; do
	[ -e "$f" ] && mv "$f" "$out"/
done
echo "deb: packages in $out:"
(cd "$out" && ls -1 nptty*.deb) | sed 's/^/  /'
