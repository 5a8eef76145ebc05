# SPDX-License-Identifier: GPL-2.0
# Debian packages (debian/): nptty-dkms (module sources, built by DKMS for
# each kernel) and nptty (npctl, npsim, udev rules, unit, man pages).
#
#   make deb            build both with dpkg-buildpackage (debhelper, dh-dkms)
#                       on a copy of the tree; the .debs go to DEB_OUT
#   make deb-check      lintian on them, then install, use and purge them in
#                       the VM (scripts/deb-check.sh, scripts/deb-vm.sh)
#
# Install them: apt install ./deb/nptty-dkms_*.deb ./deb/nptty_*.deb

DEB_OUT ?= $(CURDIR)/deb

deb:
	./scripts/deb-build.sh $(DEB_OUT)

deb-check: deb
	./scripts/deb-check.sh $(DEB_OUT)

# make clean removes the packages built into the tree (not a DEB_OUT elsewhere).
clean: deb-clean
deb-clean:
	rm -rf $(CURDIR)/deb

.PHONY: deb deb-check deb-clean
