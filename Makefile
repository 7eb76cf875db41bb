# SPDX-License-Identifier: GPL-2.0-only
#
# vmxnet3-poll: out-of-tree vmxnet3 with per-queue busy-poll and polling
# thread modes.  See README.md.
#
#   make [KVER=<release>] [KSRC=<tree|tarball>]   build build/<release>/vmxnet3.ko
#   make install                                  install into /lib/modules/<release>/updates,
#                                                 the vmxnet3-poll helper and its udev rule
#   make install-tools                            the helper, udev rule and config file only
#   make check                                    style lane + QEMU guests (smoke and main tiers)
#   make check-long                               the long tier (soak, storms) on every kernel
#   make check-guest                              every in-guest test on every kernel
#   make demo                                     build, boot a guest, compare modes
#   make bench                                    the full benchmark
#   make style                                    checkpatch, sparse and W=1 lane only
#   make check-debug                              whole suite on a KASAN/lockdep 6.12 build
#   make check-kcsan                              polling tests on a KCSAN/lockdep 6.12 build
#   make check-kernels [LANES=...]                whole suite on 5.10, 6.1, 6.12, 7.3, 6.1-rt, 6.12-rt
#   make upstream-series KSRC=<git tree>          format-patch series for that tree
#   make deb                                      build/deb/vmxnet3-poll-dkms_<version>_all.deb
#   make check-deb                                install that .deb here, check DKMS built it, purge

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
KSRC ?=
BUILD = $(TOP)/build/$(KVER)
VERSION := $(shell cat $(TOP)/VERSION)
KERNELS ?= $(shell $(TOP)/scripts/kernels.sh)
SBINDIR ?= /usr/local/sbin
UDEVRULESDIR ?= /etc/udev/rules.d

.PHONY: all module install install-tools uninstall clean deps style check check-guest check-long check-debug check-kcsan check-kernels demo bench upstream-series deb check-deb

all: module

module:
	@$(TOP)/scripts/stage.sh "$(KVER)" "$(BUILD)" "$(KDIR)" "$(KSRC)"
	$(MAKE) -C "$(KDIR)" M="$(BUILD)" VMXNET3_POLL_STAGE="$(BUILD)" \
		VMXNET3_POLL_VERSION="$(VERSION)" modules
	@# what gets loaded and installed: without debug info (4 MB -> 250 KB)
	strip --strip-debug -o "$(BUILD)/vmxnet3.stripped.ko" "$(BUILD)/vmxnet3.ko"

install: module install-tools
	install -D -m 0644 "$(BUILD)/vmxnet3.stripped.ko" \
		"$(DESTDIR)/lib/modules/$(KVER)/updates/vmxnet3.ko"
	$(if $(DESTDIR),,depmod -a "$(KVER)")

# the helper, its udev rule and (if there is none) a commented config file
install-tools:
	install -D -m 0755 "$(TOP)/scripts/vmxnet3-poll" "$(DESTDIR)$(SBINDIR)/vmxnet3-poll"
	install -d "$(DESTDIR)$(UDEVRULESDIR)"
	sed 's|@SBINDIR@|$(SBINDIR)|g' "$(TOP)/udev/90-vmxnet3-poll.rules" \
		>"$(DESTDIR)$(UDEVRULESDIR)/90-vmxnet3-poll.rules"
	test -e "$(DESTDIR)/etc/vmxnet3-poll.conf" || \
		install -D -m 0644 "$(TOP)/udev/vmxnet3-poll.conf" "$(DESTDIR)/etc/vmxnet3-poll.conf"
	$(if $(DESTDIR),,-udevadm control --reload 2>/dev/null)

uninstall:
	rm -f "$(DESTDIR)/lib/modules/$(KVER)/updates/vmxnet3.ko" \
		"$(DESTDIR)$(SBINDIR)/vmxnet3-poll" "$(DESTDIR)$(UDEVRULESDIR)/90-vmxnet3-poll.rules"
	$(if $(DESTDIR),,depmod -a "$(KVER)")

clean:
	rm -rf "$(TOP)/build"

deps:
	@$(TOP)/scripts/deps.sh

style:
	@$(TOP)/scripts/deps.sh
	@$(TOP)/scripts/style.sh $(KERNELS)

check-guest:
	@$(TOP)/scripts/deps.sh
	@$(TOP)/selftests/run.sh $(KERNELS)

check-long:
	@$(TOP)/scripts/deps.sh
	@TIERS=long $(TOP)/selftests/run.sh $(KERNELS)

check:
	@$(TOP)/scripts/deps.sh
	@$(TOP)/scripts/check.sh $(KERNELS)

check-debug:
	@$(TOP)/scripts/deps.sh kernel-build
	@$(TOP)/scripts/check-debug.sh --flavor kasan

check-kcsan:
	@$(TOP)/scripts/deps.sh kernel-build
	@$(TOP)/scripts/check-debug.sh --flavor kcsan

check-kernels:
	@$(TOP)/scripts/deps.sh kernel-build
	@$(TOP)/scripts/check-kernels.sh $(LANES)

deb:
	@$(TOP)/scripts/deb.sh

check-deb:
	@$(TOP)/scripts/deps.sh
	@$(TOP)/scripts/deb-check.sh

upstream-series:
	@test -n "$(KSRC)" || { echo "make upstream-series KSRC=<kernel git tree>"; exit 2; }
	@$(TOP)/scripts/upstream-series.sh "$(KSRC)" $(OUT)

demo:
	@$(TOP)/scripts/deps.sh
	@$(TOP)/scripts/bench.sh --demo $(if $(filter command line,$(origin KVER)),-k $(KVER))

bench:
	@$(TOP)/scripts/deps.sh
	@$(TOP)/scripts/bench.sh $(if $(filter command line,$(origin KVER)),-k $(KVER)) $(BENCH_ARGS)
