// SPDX-License-Identifier: GPL-2.0
/*
 * npbench rtt - request/response round trips against an echo peer.
 *
 *   rtt SPEC [--seconds S] [--min-count N] [--max-seconds M] [--size N]
 *       [--warmup N] [--samples FILE]
 *
 * One process, one outstanding request: write an N-byte frame (default 8,
 * a Modbus RTU "read holding register" request with its CRC, repeated for
 * longer frames), read until N bytes are back, repeat for S seconds and at
 * least --min-count times (default 1000, so p99.9 means something), but
 * never longer than M seconds (default 4 S).  The warm-up (default 100
 * round trips, at most 1 s) is not counted.
 * Reports min/p50/p90/p99/p99.9/max latency and transactions per second;
 * --samples writes every round trip (microseconds, one per line).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "npbench.h"

#define RTT_MAX_SAMPLES	(1 << 20)

static const uint8_t modbus_req[8] = {
	0x01, 0x03, 0x00, 0x00, 0x00, 0x01, 0x84, 0x0a,
};

int cmd_rtt(int argc, char **argv)
{
	const char *samples = NULL;
	long size = 8, warmup = 100, min_count = 1000;
	double secs = 3, max_secs = 0;
	uint8_t req[256], rsp[256];
	int64_t *v, t_start, t_end, t_max, sum = 0;
	uint64_t ctxt;
	size_t n = 0;
	long bad = 0;
	int fd;

	if (argc < 2)
		die("usage: rtt SPEC [--seconds S] [--min-count N] "
		    "[--max-seconds M] [--size N] [--warmup N] [--samples FILE]");
	for (int i = 2; i < argc; i += 2) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--seconds"))
			secs = opt_double(val, "--seconds", 0.1, 600);
		else if (!strcmp(argv[i], "--min-count"))
			min_count = opt_long(val, "--min-count", 1, RTT_MAX_SAMPLES);
		else if (!strcmp(argv[i], "--max-seconds"))
			max_secs = opt_double(val, "--max-seconds", 0.1, 3600);
		else if (!strcmp(argv[i], "--size"))
			size = opt_long(val, "--size", 1, sizeof(req));
		else if (!strcmp(argv[i], "--warmup"))
			warmup = opt_long(val, "--warmup", 0, 1000000);
		else if (!strcmp(argv[i], "--samples"))
			samples = val;
		else
			die("rtt: unknown option '%s'", argv[i]);
	}
	for (long i = 0; i < size; i++)
		req[i] = modbus_req[i % sizeof(modbus_req)];
	v = malloc(RTT_MAX_SAMPLES * sizeof(*v));
	if (!v)
		die("out of memory");
	signal(SIGPIPE, SIG_IGN);
	if (!max_secs || max_secs < secs)
		max_secs = 4 * secs;
	alarm((unsigned int)max_secs + 60);
	fd = ep_open(argv[1], 0, 0);
	if (fd < 0)
		die("%s: %s", argv[1], strerror(errno));

	t_start = now_ns() + NSEC_PER_SEC;
	for (long i = 0; i < warmup && now_ns() < t_start; i++)
		if (write_full(fd, req, size) || read_full(fd, rsp, size))
			die("%s: warm-up: %s", argv[1], strerror(errno));
	t_start = now_ns();
	t_end = t_start + (int64_t)(secs * NSEC_PER_SEC);
	t_max = t_start + (int64_t)(max_secs * NSEC_PER_SEC);
	ctxt = ctxt_now();
	for (;;) {
		int64_t t0 = now_ns(), t1;

		if (write_full(fd, req, size) || read_full(fd, rsp, size))
			die("%s: %s", argv[1], strerror(errno));
		t1 = now_ns();
		bad += memcmp(req, rsp, size) != 0;
		v[n++] = t1 - t0;
		sum += t1 - t0;
		if ((t1 >= t_end && (long)n >= min_count) || t1 >= t_max ||
		    n == RTT_MAX_SAMPLES)
			break;
	}
	double sec = (now_ns() - t_start) / 1e9;
	double cs = (double)(ctxt_now() - ctxt) / n;

	if (samples) {
		FILE *f = fopen(samples, "we");

		if (!f)
			die("%s: %s", samples, strerror(errno));
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%.1f\n", v[i] / 1e3);
		fclose(f);
	}
	sort_i64(v, n);
	printf("{\"test\":\"rtt\",\"spec\":\"%s\",\"size\":%ld,\"count\":%zu,"
	       "\"bad\":%ld,\"sec\":%.6f,\"tps\":%.1f,\"mean_us\":%.1f,"
	       "\"min_us\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,"
	       "\"p999_us\":%.1f,\"max_us\":%.1f,\"ctxt_per_rtt\":%.2f}\n",
	       argv[1], size, n, bad, sec, n / sec, sum / 1e3 / n,
	       v[0] / 1e3, pct(v, n, 50) / 1e3, pct(v, n, 90) / 1e3,
	       pct(v, n, 99) / 1e3, pct(v, n, 99.9) / 1e3, v[n - 1] / 1e3, cs);
	close(fd);
	free(v);
	return 0;
}
