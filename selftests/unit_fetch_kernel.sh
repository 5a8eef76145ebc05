#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm/fetch-kernel.sh finds a kernel image and its modules in each packaging
# Debian uses, by what the packages hold and depend on: one image package
# (unsigned, or signed only), the 7.x metapackage over linux-base/-binary/
# -modules, the split packages without the metapackage (before the signed
# upload), an index that needs `apt-get update` first; it fails, and caches
# nothing, when no package holds an image.  The packages are small fakes
# built here with dpkg-deb --build, served by a stand-in apt-get on PATH
# (download copies them from a local dir, update swaps in a newer dir):
# no archive is reached.
# timeout=300
. "$(dirname "$0")/lib.sh"

FETCH=$TOP/selftests/vm/fetch-kernel.sh
command -v dpkg-deb >/dev/null || skip_all "needs dpkg-deb"
command -v depmod >/dev/null || [ -x /usr/sbin/depmod ] || [ -x /sbin/depmod ] ||
	skip_all "needs depmod"

tmp=$(mktemp -d)
cleanup_add "rm -rf '$tmp'"
export NPTTY_CACHE=$tmp/cache
unset APT_CONFIG

# Stand-ins for apt-get (and sudo, whose secure PATH would find the real
# one): every call is logged to $FAKE_LOG.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/apt-get" <<'EOF'
#!/bin/bash
echo "apt-get $*" >>"$FAKE_LOG"
case $1 in
update)
	if [ -d "$FAKE_REPO.next" ]; then
		rm -rf "$FAKE_REPO"
		mv "$FAKE_REPO.next" "$FAKE_REPO"
	fi
	exit 0
	;;
download) shift ;;
*) exit 100 ;;
esac
uris=0 debs=()
for a in "$@"; do
	case $a in
	-q) ;;
	--print-uris) uris=1 ;;
	*)
		f=("$FAKE_REPO/${a}_"*.deb)
		if [ ! -e "${f[0]}" ]; then
			echo "E: Unable to locate package $a" >&2
			exit 100
		fi
		debs+=("${f[0]}")
		;;
	esac
done
[ $uris = 1 ] && printf "'file:%s' x 0\n" "${debs[@]}" && exit 0
cp "${debs[@]}" .
EOF
printf '#!/bin/bash\nexec "$@"\n' >"$tmp/bin/sudo"
chmod +x "$tmp/bin/apt-get" "$tmp/bin/sudo"
export PATH=$tmp/bin:$PATH
export FAKE_LOG=$tmp/apt.log FAKE_REPO

K=7.9.1+deb99-amd64

# deb REPO NAME [--depends DEPS] [FILE=CONTENT]...: build NAME_1.0_amd64.deb
# holding each FILE (a path under /) with CONTENT.  (Few processes: the
# test runs in the VM too, where each costs ~50 ms.)
deb() {
	local repo=$1 name=$2 deps="" d f
	shift 2
	if [ "${1:-}" = --depends ]; then
		deps="Depends: $2"$'\n'
		shift 2
	fi
	d=$tmp/pkg/$name.$RANDOM
	mkdir -p "$d/DEBIAN" "$repo"
	printf 'Package: %s\nVersion: 1.0\nArchitecture: amd64\nMaintainer: nptty selftests <nobody@localhost>\n%sDescription: fake kernel package for unit_fetch_kernel\n' \
		"$name" "$deps" >"$d/DEBIAN/control"
	for f in "$@"; do
		mkdir -p "$d/${f%/*}"
		echo "${f#*=}" >"$d/${f%%=*}"
	done
	dpkg-deb --root-owner-group -Znone --build "$d" "$repo/${name}_1.0_amd64.deb" >/dev/null
}

# reuse FROM TO NAME...: the same packages in another repo
reuse() {
	local from=$1 to=$2 n
	shift 2
	mkdir -p "$to"
	for n in "$@"; do ln "$from/${n}_1.0_amd64.deb" "$to/"; done
}

# The pieces, in both places Debian has put them.
IMG_BOOT=boot/vmlinuz-$K
MOD_LIB=lib/modules/$K/kernel/drivers/fake/README
IMG_USR=usr/lib/modules/$K/vmlinuz
MOD_USR=usr/lib/modules/$K/kernel/drivers/fake/README
BASE_USR=usr/lib/modules/$K/modules.builtin

# fetch LAYOUT: run fetch-kernel.sh on repo LAYOUT with an empty cache;
# its stdout in $tmp/LAYOUT.out, stderr in $tmp/LAYOUT.err.
fetch() {
	FAKE_REPO=$tmp/repo-$1
	rm -rf "$NPTTY_CACHE"
	: >"$FAKE_LOG"
	"$FETCH" "$K" >"$tmp/$1.out" 2>"$tmp/$1.err"
}

# shellcheck disable=SC2317 # called through t_check
# got LAYOUT IMAGE: the cache holds IMAGE's vmlinuz, a depmod'ed module
# tree, .complete, and fetch-kernel.sh printed the cache dir.
got() {
	local c=$NPTTY_CACHE/kernels/$K ok=1
	[ "$(cat "$tmp/$1.out")" = "$c" ] || { echo "# printed '$(cat "$tmp/$1.out")'"; ok=0; }
	[ "$(cat "$c/vmlinuz" 2>/dev/null)" = "$2" ] || { echo "# vmlinuz: '$(cat "$c/vmlinuz" 2>/dev/null)', want '$2'"; ok=0; }
	[ -f "$c/root/lib/modules/$K/kernel/drivers/fake/README" ] || { echo "# no module tree"; ok=0; }
	[ -f "$c/root/lib/modules/$K/modules.dep" ] || { echo "# no modules.dep"; ok=0; }
	[ -e "$c/.complete" ] || { echo "# no .complete"; ok=0; }
	[ "$ok" = 1 ] || sed 's/^/# stderr: /' "$tmp/$1.err"
	[ "$ok" = 1 ]
}

# downloaded: the packages apt-get download was asked for, one a line
downloaded() { sed -n 's/^apt-get download -q //p' "$FAKE_LOG"; }

t_plan 13

# 1. bookworm: the unsigned and the signed image both hold everything.
r=$tmp/repo-unsigned
deb "$r" "linux-image-$K-unsigned" --depends "kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool" \
	"$IMG_BOOT=unsigned image" "$MOD_LIB=m"
deb "$tmp/repo-signed" "linux-image-$K" --depends "kmod, linux-base (>= 4.3~)" "$IMG_BOOT=signed image" "$MOD_LIB=m"
reuse "$tmp/repo-signed" "$r" "linux-image-$K"
fetch unsigned
t_check "unsigned image package: vmlinuz and modules from it" got unsigned "unsigned image"
t_check "unsigned image package: nothing else downloaded" \
	test "$(downloaded)" = "linux-image-$K-unsigned"

# 2. Only the signed image package.
fetch signed
t_check "signed image package only: vmlinuz and modules from it" got signed "signed image"

# 3. 7.x: the metapackage and the split packages it depends on (the
# unsigned binary is in the archive too, and not needed).
r=$tmp/repo-split
deb "$r" "linux-image-$K" --depends "dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-$K (= 1.0), linux-binary-$K (= 1.0), linux-modules-$K (= 1.0)" \
	"usr/share/doc/linux-image-$K/README=meta"
deb "$r" "linux-base-$K" "$BASE_USR=kernel/fake/builtin.ko"
deb "$r" "linux-binary-$K" --depends "linux-base-$K (= 1.0)" "$IMG_USR=signed binary"
deb "$r" "linux-binary-unsigned-$K" --depends "linux-base-$K (= 1.0)" "$IMG_USR=unsigned binary"
deb "$r" "linux-modules-$K" --depends "kmod, linux-base-$K (= 1.0)" "$MOD_USR=m"
fetch split
t_check "metapackage: vmlinuz from the binary package it depends on, modules from linux-modules" \
	got split "signed binary"
t_check "metapackage: linux-base's files are kept (modules.builtin)" \
	test -f "$NPTTY_CACHE/kernels/$K/root/lib/modules/$K/modules.builtin"
t_check "metapackage: the unsigned binary is not downloaded" \
	sh -c "! grep -q 'linux-binary-unsigned' '$FAKE_LOG'"

# 4. The split packages before the signed upload: no metapackage.
reuse "$tmp/repo-split" "$tmp/repo-nometa" "linux-base-$K" "linux-binary-unsigned-$K" "linux-modules-$K"
fetch nometa
t_check "split packages without the metapackage: unsigned binary + modules" got nometa "unsigned binary"

# 5. An index that lists the release only after apt-get update.
mkdir -p "$tmp/repo-stale"
reuse "$tmp/repo-signed" "$tmp/repo-stale.next" "linux-image-$K"
fetch stale
t_check "stale index: found after one apt-get update" got stale "signed image"
t_check "stale index: apt-get update ran once" test "$(grep -c '^apt-get update' "$FAKE_LOG")" = 1

# 6. The cache answers a second call without apt.
: >"$FAKE_LOG"
t_check "cached: a second call downloads nothing" \
	sh -c "'$FETCH' '$K' >/dev/null 2>&1 && [ ! -s '$FAKE_LOG' ]"

# 7. Modules but no image anywhere: a failure, nothing cached.
r=$tmp/repo-noimage
deb "$r" "linux-image-$K" --depends "linux-modules-$K" "usr/share/doc/linux-image-$K/README=meta"
reuse "$tmp/repo-split" "$r" "linux-modules-$K"
t_expect_fail "no package holds an image: fetch-kernel.sh fails" fetch noimage
t_check "no package holds an image: nothing cached, the reason said" \
	sh -c "[ ! -e '$NPTTY_CACHE/kernels/$K/.complete' ] && grep -q 'image: none' '$tmp/noimage.err'"

# 8. --listed: the index lists a package that can hold the image.
FAKE_REPO=$tmp/repo-nometa
if "$FETCH" --listed "$K" && ! FAKE_REPO=$tmp/repo-empty "$FETCH" --listed "$K"; then
	t_ok "--listed: yes for the split packages, no for an index without the release"
else
	t_fail "--listed: yes for the split packages, no for an index without the release"
fi
t_done
