/* SPDX-License-Identifier: GPL-2.0 */
/*
 * npbench - shared helpers: endpoints, clocks, CPU and memory snapshots,
 * percentiles, JSON output.
 *
 * An endpoint SPEC is either "tcp:HOST:PORT" (a plain TCP socket with
 * TCP_NODELAY, the ceiling every bridge is compared with) or a path to a
 * tty (/dev/ttyNP0, a socat pty link): opened O_RDWR|O_NOCTTY and put in
 * raw mode (cfmakeraw, VMIN 1, VTIME 0), at BAUD when one is given.
 *
 * Every subcommand prints its result as one JSON object on stdout, so the
 * driver script can collect them line by line.
 */
#ifndef NPBENCH_COMMON_H
#define NPBENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define NSEC_PER_SEC	1000000000LL

int64_t now_ns(void);
void sleep_ns(int64_t ns);

/* Endpoints. */
int ep_is_tcp(const char *spec);
int ep_open(const char *spec, unsigned int baud, int oflags);
int tcp_connect(const char *host, unsigned int port);
int tty_set_raw(int fd, unsigned int baud);
int write_full(int fd, const void *buf, size_t len);
int read_full(int fd, void *buf, size_t len);

/* Option parsing for "--name VALUE" pairs; exits with usage on error. */
long opt_long(const char *val, const char *name, long min, long max);
double opt_double(const char *val, const char *name, double min, double max);

/*
 * CPU accounting, in nanoseconds:
 *   busy     all CPUs' wall time minus their idle + iowait time (/proc/stat,
 *            whose idle comes from the nohz idle clock)
 *   kworker  run time of nptty's workqueue workers (/proc/PID/schedstat):
 *            the kworkers whose name says they ran an "nptty" work item
 *            last ("kworker/u3:0-nptty", "+nptty" while running it) at
 *            either snapshot, or high-priority per-CPU ones ("kworker/0:1H")
 *   pids     run time of the processes in pid[] (socat)
 *   self     this process
 *   ctxt     context switches of the whole machine (/proc/stat ctxt): a
 *            count, so unlike the times it does not move with the host's
 *            load (a TCG guest's times include time the host took away)
 */
#define CPU_MAX_PIDS 4
#define CPU_MAX_KW 256
struct cpu_snap {
	uint64_t busy;
	int nkw;
	struct {
		int pid;
		int mine;	/* ran nptty's work, or a per-CPU "H" worker */
		uint64_t run;
	} kw[CPU_MAX_KW];
	uint64_t pids;
	uint64_t self;
	uint64_t ctxt;
};

void cpu_take(struct cpu_snap *s, const pid_t *pid, int npid);
/* Print the deltas b - a as JSON members "cpu_*_s" (seconds) and "ctxt". */
void cpu_print(const struct cpu_snap *a, const struct cpu_snap *b);
double cpu_secs(uint64_t ns);
/* Run time of nptty's workqueue workers between a and b (ns). */
uint64_t cpu_kworker(const struct cpu_snap *a, const struct cpu_snap *b);
uint64_t ctxt_now(void);

/* /proc/meminfo and /proc/net/sockstat fields, in KiB. */
struct mem_snap {
	long mem_used;		/* MemTotal - MemFree */
	long slab;		/* Slab */
	long sunreclaim;	/* SUnreclaim */
	long vmalloc;		/* VmallocUsed */
	long percpu;		/* Percpu */
	long tcp_mem;		/* sockstat TCP mem (pages -> KiB) */
};

void mem_take(struct mem_snap *m);
/*
 * Print (b - a) / n as JSON members "PREFIX_*_kib" (KiB per item);
 * PREFIX_kernel_kib = Slab + VmallocUsed + Percpu, the kernel's own memory
 * (MemTotal - MemFree also moves with the per-CPU free page lists).
 */
void mem_print(const char *prefix, const struct mem_snap *a,
	       const struct mem_snap *b, long n);

/* Percentiles over sorted samples (nanoseconds). */
void sort_i64(int64_t *v, size_t n);
int64_t pct(const int64_t *sorted, size_t n, double p);

/* Raise RLIMIT_NOFILE to at least n (root can). */
void want_fds(long n);

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
