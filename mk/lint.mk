# SPDX-License-Identifier: GPL-2.0
# make lint: W=1 + sparse (C=2) build, checkpatch on kmod/, cppcheck on
# userspace/ (scripts/lint.sh; checkpatch.pl is fetched from Debian's
# linux-source package into the cache on first use).  All must be clean.
lint:
	./scripts/lint.sh

.PHONY: lint
