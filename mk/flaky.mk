# SPDX-License-Identifier: GPL-2.0
# Flakiness: the suite several times in a row, on a busy host if asked.
#
#   make check-flaky RUNS=5 LOAD=1   five runs of make check (and of the
#                       host unit tests) while stress-ng keeps every core
#                       busy; prints each test's pass count and the first
#                       failure of any test that failed once; every run's
#                       log is kept (/var/tmp/nptty-flaky/DATE, FLAKY_DIR=)
#   NPTTY_TESTS=regex   a subset, as for make check
#   UNIT=0 / VM=0       leave out the host unit tests / the VM suite
#
# A whole run takes ~24 min on an idle 2-core host, more under LOAD=1.

RUNS ?= 3
LOAD ?= 0

check-flaky: deps
	$(MAKE) all
	RUNS=$(RUNS) LOAD=$(LOAD) ./scripts/check-flaky.sh

.PHONY: check-flaky
