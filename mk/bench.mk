# SPDX-License-Identifier: GPL-2.0
# Benchmarks: nptty against a socat pty bridge and raw TCP (issue 9).
#
#   make bench                 build, boot the test VM, run bench/run.sh in
#                              it, then bench/report.py on the host:
#                              bench/results/latest.json, the tables in
#                              docs/benchmarks.md, docs/benchmarks.png and a
#                              line in bench/results/history.jsonl
#   make bench BENCH_SECTIONS="bulk rtt"   only some (bulk rtt line drain
#                              first scale)
#   make bench-tools           only build bench/bin/npbench
#
# NPTTY_BENCH_REPS, NPTTY_BENCH_SECS, NPTTY_BENCH_LINE_SECS and
# NPTTY_BENCH_PORTS reach the guest (see bench/run.sh).  The guest has ONE
# vCPU by default: on a shared TCG host a wakeup aimed at the other vCPU
# waits until the host schedules that vCPU's thread, which made 2-vCPU
# round trips 10x slower and 3x noisier than the paths themselves
# (BENCH_VM_FLAGS="-s 2 -t 900" to see it).  A full run takes
# about 7-9 minutes on a 2-core host (boot included).  Reports, never fails
# on a number; it fails only when the VM or a tool does.

BENCH_RAW	?= $(CURDIR)/bench/results/raw
BENCH_SECTIONS	?=
BENCH_VM_FLAGS	?= -s 1 -t 900
BENCH_RESULTS	:= $(CURDIR)/bench/results

bench-tools:
	$(MAKE) -C bench

bench: deps module userspace bench-tools
	rm -rf $(BENCH_RAW)
	mkdir -p $(BENCH_RAW)
	cat /proc/loadavg >$(BENCH_RAW)/host-load-start.txt
	$(VM) $(BENCH_VM_FLAGS) -o $(BENCH_RAW) -- \
		$(CURDIR)/bench/run.sh $(BENCH_RAW) $(BENCH_SECTIONS)
	cat /proc/loadavg >$(BENCH_RAW)/host-load-end.txt
	python3 bench/report.py $(BENCH_RAW) \
		--command "make bench$(if $(BENCH_SECTIONS), BENCH_SECTIONS=\"$(BENCH_SECTIONS)\")" \
		--json $(BENCH_RESULTS)/latest.json \
		--history $(BENCH_RESULTS)/history.jsonl \
		--doc $(CURDIR)/docs/benchmarks.md \
		--png $(CURDIR)/docs/benchmarks.png

bench-clean:
	$(MAKE) -C bench clean
	rm -rf $(BENCH_RAW)

.PHONY: bench bench-tools bench-clean
