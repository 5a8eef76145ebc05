# SPDX-License-Identifier: GPL-2.0
# Installing nptty: make install / make uninstall, and the DKMS route.
#
#   make install        nptty.ko for KDIR's kernel (+ depmod), npctl, npsim,
#                       udev rules, systemd unit, man pages, bash completion,
#                       /etc/nptty.conf (from the example, never overwritten)
#   make uninstall      the reverse (an edited /etc/nptty.conf is kept)
#   make dkms-install   sources to /usr/src/nptty-VERSION, dkms add/build/install
#   make dkms-uninstall dkms remove --all, sources removed
#   make dkms-src       only the sources DKMS needs, to $(DESTDIR)/usr/src/nptty-VERSION
#
# DESTDIR stages everything under a directory (packaging); then no depmod,
# udevadm or systemctl runs.  PREFIX (default /usr/local) moves the programs,
# man pages and completion; the module always goes to
# /lib/modules/KREL/updates, the config to /etc.  udev does not read
# /usr/local/lib/udev, so with any PREFIX but /usr the rules go to
# /etc/udev/rules.d.

NPTTY_VER	:= $(shell cat $(CURDIR)/VERSION)
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/nptty
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR	?= /etc
UDEVRULESDIR	?= $(if $(filter /usr,$(PREFIX)),/usr/lib/udev/rules.d,/etc/udev/rules.d)
SYSTEMDUNITDIR	?= $(PREFIX)/lib/systemd/system
DKMS_SRCDIR	?= /usr/src/nptty-$(NPTTY_VER)

# The release of the kernel KDIR belongs to (Debian's kernel.release holds the
# upstream version, so read utsrelease.h).
KREL_OF_KDIR	= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
			$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR		= /lib/modules/$(KREL_OF_KDIR)/updates

# Optional files that other parts of the tree provide (installed when present).
NPTTY_MAN	:= $(wildcard docs/man/*.[1-8])
NPTTY_BASHCOMP	:= $(firstword $(wildcard userspace/npctl/npctl.bash \
			userspace/npctl/npctl.bash-completion \
			userspace/npctl/bash-completion userspace/npctl/completion.bash))
NPTTY_CONF_EX	:= $(wildcard etc/nptty.conf.example)
NPTTY_RULES	:= $(wildcard udev/*.rules)
NPTTY_UNIT	:= $(wildcard systemd/*.service)

INSTALL		?= install

install: install-module install-programs install-data

install-module: module
	@test -n "$(KREL_OF_KDIR)" || { echo "install: no kernel release in $(KDIR)"; exit 1; }
	$(INSTALL) -D -m 0644 nptty.ko $(DESTDIR)$(MODDIR)/nptty.ko
	@if [ -z "$(DESTDIR)" ]; then echo "depmod -a $(KREL_OF_KDIR)"; \
		depmod -a $(KREL_OF_KDIR); fi

install-programs: userspace
	$(INSTALL) -D -m 0755 userspace/npctl/npctl $(DESTDIR)$(SBINDIR)/npctl
	@if [ -x userspace/npsim/npsim ]; then \
		echo "$(INSTALL) -D -m 0755 userspace/npsim/npsim $(DESTDIR)$(BINDIR)/npsim"; \
		$(INSTALL) -D -m 0755 userspace/npsim/npsim $(DESTDIR)$(BINDIR)/npsim; fi

install-data:
	$(foreach f,$(NPTTY_RULES),$(INSTALL) -D -m 0644 $(f) $(DESTDIR)$(UDEVRULESDIR)/$(notdir $(f));)
	$(foreach f,$(NPTTY_UNIT),sed 's|/usr/sbin/npctl|$(SBINDIR)/npctl|g' $(f) | \
		$(INSTALL) -D -m 0644 /dev/stdin $(DESTDIR)$(SYSTEMDUNITDIR)/$(notdir $(f));)
	$(foreach f,$(NPTTY_MAN),$(INSTALL) -D -m 0644 $(f) \
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(f)))/$(notdir $(f));)
	$(if $(NPTTY_BASHCOMP),$(INSTALL) -D -m 0644 $(NPTTY_BASHCOMP) $(DESTDIR)$(BASHCOMPDIR)/npctl)
	$(if $(NPTTY_CONF_EX),$(INSTALL) -D -m 0644 $(NPTTY_CONF_EX) $(DESTDIR)$(DOCDIR)/nptty.conf.example)
	@if [ -n "$(NPTTY_CONF_EX)" ] && [ ! -e $(DESTDIR)$(SYSCONFDIR)/nptty.conf ]; then \
		echo "$(INSTALL) -D -m 0644 $(NPTTY_CONF_EX) $(DESTDIR)$(SYSCONFDIR)/nptty.conf"; \
		$(INSTALL) -D -m 0644 $(NPTTY_CONF_EX) $(DESTDIR)$(SYSCONFDIR)/nptty.conf; fi
	@if [ -z "$(DESTDIR)" ]; then \
		! command -v udevadm >/dev/null || udevadm control --reload || true; \
		! [ -d /run/systemd/system ] || systemctl daemon-reload || true; fi

uninstall:
	@for f in $(DESTDIR)/lib/modules/*/updates/nptty.ko; do \
		[ -e "$$f" ] || continue; \
		echo "rm -f $$f"; rm -f "$$f"; \
		k=$${f#$(DESTDIR)/lib/modules/}; k=$${k%%/*}; \
		[ -n "$(DESTDIR)" ] || { echo "depmod -a $$k"; depmod -a "$$k"; }; \
	done
	rm -f $(DESTDIR)$(SBINDIR)/npctl $(DESTDIR)$(BINDIR)/npsim
	rm -f $(addprefix $(DESTDIR)$(UDEVRULESDIR)/,$(notdir $(NPTTY_RULES)))
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(notdir $(NPTTY_UNIT)))
	rm -f $(foreach f,$(NPTTY_MAN),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(f)))/$(notdir $(f)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/npctl
	@if [ -n "$(NPTTY_CONF_EX)" ] && \
		cmp -s $(NPTTY_CONF_EX) $(DESTDIR)$(SYSCONFDIR)/nptty.conf; then \
		echo "rm -f $(DESTDIR)$(SYSCONFDIR)/nptty.conf"; \
		rm -f $(DESTDIR)$(SYSCONFDIR)/nptty.conf; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/nptty.conf ]; then \
		echo "uninstall: keeping the edited $(DESTDIR)$(SYSCONFDIR)/nptty.conf"; fi
	rm -rf $(DESTDIR)$(DOCDIR)

# DKMS: the module's sources only (no objects, no userspace), so that
# /usr/src/nptty-VERSION is what a release tarball would hold.
dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	$(INSTALL) -d $(DESTDIR)$(DKMS_SRCDIR)
	$(INSTALL) -m 0644 dkms.conf Kbuild VERSION $(DESTDIR)$(DKMS_SRCDIR)/
	$(foreach f,$(wildcard kmod/*.[ch]) $(shell find include -name '*.h'),\
		$(INSTALL) -D -m 0644 $(f) $(DESTDIR)$(DKMS_SRCDIR)/$(f);)

dkms-install: dkms-src
	dkms add -m nptty -v $(NPTTY_VER)
	dkms install -m nptty -v $(NPTTY_VER) $(if $(DKMS_KREL),-k $(DKMS_KREL))

dkms-uninstall:
	-dkms remove -m nptty -v $(NPTTY_VER) --all
	rm -rf $(DKMS_SRCDIR)

# The CI check: real dkms add/build/install/autoinstall/remove in private
# trees (scripts/dkms-check.sh); KREL= picks the headers (default: KDIR's).
dkms-check:
	./scripts/dkms-check.sh $(KREL)

# make install/uninstall into temporary DESTDIRs (scripts/install-check.sh),
# then a real one in the VM: depmod, modprobe, the unit's commands, the
# installed udev rules (scripts/install-vm.sh).
install-check: module userspace
	./scripts/install-check.sh
	selftests/vm/run.sh -t 300 -w /lib/modules -w /usr/local -w /etc -- \
		$(CURDIR)/scripts/install-vm.sh

.PHONY: install install-module install-programs install-data uninstall \
	dkms-src dkms-install dkms-uninstall dkms-check install-check
