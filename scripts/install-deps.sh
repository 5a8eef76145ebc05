#!/bin/sh
# Install, with apt, everything the build, the VM tests and the demo need.
# Idempotent: does nothing when every package is already there.
set -eu

PKGS="build-essential pkg-config libnl-3-dev libnl-genl-3-dev linux-headers-amd64
qemu-system-x86 busybox-static cpio kmod socat python3 python3-serial
iproute2 sparse dkms coreutils iptables udev cppcheck debootstrap dwarves xz-utils mbpoll lrzsz gnuplot-nox
bison flex libelf-dev bc libssl-dev python3-yaml libcap2-bin man-db stress-ng
debhelper dh-dkms lintian"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: apt-get install$missing"
[ "$(id -u)" = 0 ] && SUDO= || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
