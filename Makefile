# SPDX-License-Identifier: GPL-2.0
# nptty top-level Makefile.
#
#   make            module (against KDIR) + userspace tools + selftests
#   make demo       set up, boot the test VM, show bytes through /dev/ttyNP0
#   make check      set up, build, run the whole test suite in the VM
#   make deps       install build/test packages with apt
#   make clean
#
# KDIR: the kernel build tree.  Default: /lib/modules/$(uname -r)/build, or,
# where that does not exist (a container, CI), the newest installed Debian
# linux-headers-*-amd64.  The VM boots the Debian kernel matching KDIR.

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	  $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
# Exported only when found: on a fresh machine 'make demo' installs the
# headers (deps) and then runs 'make all', which must look again rather than
# inherit the empty value computed before deps ran.
ifneq ($(KDIR),)
export KDIR
endif

VM := selftests/vm/run.sh

all: module userspace selftests

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make deps'"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace/npctl
	@if [ -f userspace/npsim/Makefile ]; then $(MAKE) -C userspace/npsim; fi

selftests: userspace
	$(MAKE) -C selftests

deps:
	./scripts/install-deps.sh

demo: deps
	$(MAKE) all
	$(VM) -- $(CURDIR)/scripts/demo.sh

check: deps
	$(MAKE) all
	./scripts/check.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace/npctl clean
	@if [ -f userspace/npsim/Makefile ]; then $(MAKE) -C userspace/npsim clean; fi
	$(MAKE) -C selftests clean

.PHONY: all module userspace selftests deps demo check clean

# Fragments owned by one concern each (install, lint, matrix, debug, bench).
-include $(sort $(wildcard mk/*.mk))
