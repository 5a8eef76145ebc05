// SPDX-License-Identifier: GPL-2.0
/*
 * npbench bulk - one-way bulk transfer through an endpoint.
 *
 *   bulk write SPEC --seconds S [--chunk N] [--pid PID]...
 *       write CHUNK-byte blocks (blocking) for S seconds; the peer "sink"
 *       measures the delivered rate (first to last byte), this reports what
 *       the writer saw and the CPU spent meanwhile
 *   bulk read SPEC --seconds S [--chunk N] [--pid PID]...
 *       read for S seconds from the first byte (the peer is a "source")
 *
 * CPU: the whole machine's busy time, nptty's workqueue workers' run time, the --pid processes' (socat) and this process's,
 * over the timed window, and the context switches; per megabyte moved
 * (see common.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "npbench.h"

int cmd_bulk(int argc, char **argv)
{
	struct cpu_snap a, b;
	pid_t pids[CPU_MAX_PIDS];
	int npid = 0, wr, fd;
	long chunk = 65536;
	double secs = 5;
	uint64_t bytes = 0;
	int64_t t0 = 0, t1, end = 0;
	uint8_t *buf;

	if (argc < 3 || (strcmp(argv[1], "write") && strcmp(argv[1], "read")))
		die("usage: bulk write|read SPEC --seconds S [--chunk N] [--pid PID]...");
	wr = !strcmp(argv[1], "write");
	for (int i = 3; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--seconds"))
			secs = opt_double(v, "--seconds", 0.1, 600);
		else if (!strcmp(argv[i], "--chunk"))
			chunk = opt_long(v, "--chunk", 1, 1 << 20);
		else if (!strcmp(argv[i], "--pid") && npid < CPU_MAX_PIDS)
			pids[npid++] = opt_long(v, "--pid", 1, 1 << 30);
		else
			die("bulk: unknown option '%s'", argv[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned int)secs + 60);	/* a stuck path must not hang the run */
	buf = malloc(chunk);
	if (!buf)
		die("out of memory");
	for (long i = 0; i < chunk; i++)
		buf[i] = (uint8_t)(i * 13 + 5);
	fd = ep_open(argv[2], 0, 0);
	if (fd < 0)
		die("%s: %s", argv[2], strerror(errno));

	if (wr) {
		cpu_take(&a, pids, npid);
		t0 = now_ns();
		end = t0 + (int64_t)(secs * NSEC_PER_SEC);
	}
	for (;;) {
		ssize_t n = wr ? write(fd, buf, chunk) : read(fd, buf, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: %s %s", argv[2], wr ? "write" : "read",
			    n ? strerror(errno) : "end of stream");
		if (!t0) {
			/* read: the clock starts with the first byte */
			cpu_take(&a, pids, npid);
			t0 = now_ns();
			end = t0 + (int64_t)(secs * NSEC_PER_SEC);
			continue;
		}
		bytes += n;
		if (now_ns() >= end)
			break;
	}
	t1 = now_ns();
	cpu_take(&b, pids, npid);

	double sec = (t1 - t0) / 1e9, mb = bytes / 1e6;

	printf("{\"test\":\"bulk\",\"dir\":\"%s\",\"spec\":\"%s\","
	       "\"bytes\":%llu,\"sec\":%.6f,\"mbps\":%.3f,",
	       argv[1], argv[2], (unsigned long long)bytes, sec, mb / sec);
	cpu_print(&a, &b);
	printf(",\"cpu_busy_s_per_mb\":%.5f,\"cpu_nptty_wq_s_per_mb\":%.5f,"
	       "\"cpu_pids_s_per_mb\":%.5f,\"ctxt_per_mb\":%.1f}\n",
	       cpu_secs(b.busy - a.busy) / mb, cpu_secs(cpu_kworker(&a, &b)) / mb,
	       cpu_secs(b.pids - a.pids) / mb, (b.ctxt - a.ctxt) / mb);
	fflush(stdout);
	alarm(60);
	close(fd);	/* a tty waits here until the ring has drained */
	free(buf);
	return 0;
}
