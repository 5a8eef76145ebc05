# SPDX-License-Identifier: GPL-2.0
# A newcomer's first run, where newcomers clone.
#
#   make first-run      clone this tree (its committed HEAD) under /tmp,
#                       /var/tmp and ~, and run 'make demo' once in each
#                       (FIRST_RUN_DIRS="DIR..." picks the places)

first-run:
	./scripts/first-run.sh $(FIRST_RUN_DIRS)

.PHONY: first-run
