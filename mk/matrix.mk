# SPDX-License-Identifier: GPL-2.0
# Kernel compile matrix (scripts/matrix.sh).
#
#   make matrix                 W=1 builds against Debian 5.10, 6.1, 6.12 and sid
#                               (NPTTY_MATRIX="5.10 6.1 6.12 sid trixie KREL..." to pick)
#   make check-on SLOT=6.12     the selftest suite in the VM booted on that
#                               slot's kernel, with the module the matrix built
#                               (SLOT=sid: the image comes from sid through a
#                               private apt config; the matrix picks the newest
#                               release sid has both headers and an image for,
#                               and check-on stops, saying why, when sid lists
#                               none; NPTTY_TESTS= picks tests)
MATRIX_CACHE = $(or $(NPTTY_CACHE),/var/cache/nptty)/matrix

matrix:
	./scripts/matrix.sh $(NPTTY_MATRIX)

check-on: userspace selftests
	@test -n "$(SLOT)" || { echo "usage: make check-on SLOT=6.12"; exit 2; }
	./scripts/matrix.sh $(SLOT)
	@if [ -f $(MATRIX_CACHE)/out/$(SLOT).noimage ]; then \
		echo "check-on: SLOT=$(SLOT): $$(cat $(MATRIX_CACHE)/out/$(SLOT).noimage)"; exit 1; fi
	krel=$$(cat $(MATRIX_CACHE)/out/$(SLOT).krel) && \
	if [ -f $(MATRIX_CACHE)/apt-$(SLOT)/apt.conf ]; then \
		export APT_CONFIG=$(MATRIX_CACHE)/apt-$(SLOT)/apt.conf; fi && \
	NPTTY_KO=$(MATRIX_CACHE)/out/$$krel/nptty.ko ./scripts/check.sh -k $$krel

.PHONY: matrix check-on
