# SPDX-License-Identifier: GPL-2.0
# The debug kernel: the whole suite on KASAN, lockdep, kmemleak, UBSAN.
#
#   make check-debug    build (once, cached in /var/cache/nptty/debug-kernel)
#                       a small 6.12 kernel from Debian's linux-source-6.12
#                       with selftests/vm/debug.config, build nptty.ko against
#                       it (a copy of the sources there; the top-level
#                       nptty.ko is left alone), boot it with 1 GiB, run the
#                       suite, scan kmemleak twice; any kernel report fails
#   make debug-kernel   only build the kernel and the module; print the dir
#
# NPTTY_TESTS (a regex) runs a subset, as with make check.  A cold kernel
# build is ~6.5 min at -j2 on an idle 2-core host; see scripts/debug-kernel.sh.

check-debug: deps
	$(MAKE) userspace selftests
	./scripts/debug-kernel.sh check

debug-kernel:
	./scripts/debug-kernel.sh build

.PHONY: check-debug debug-kernel
