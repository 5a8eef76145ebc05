// SPDX-License-Identifier: GPL-2.0
/*
 * npbench measure, open-many, tcp-many - time and memory as ports multiply.
 *
 *   measure --per N [--settle S] [--label L] -- CMD ARGS...
 *       run CMD (e.g. "npctl apply FILE" adding N ports), report its wall
 *       time per item and the memory it left behind per item
 *   open-many --first I --count N [--settle S]
 *       open /dev/ttyNP<I>..<I+N-1> (blocking: each waits for its link),
 *       report open times and memory per open port, then close them all
 *   tcp-many --port P --count N [--settle S]
 *       the same with N plain TCP connections to 127.0.0.1:P..P+N-1: the
 *       cost of a connected socket pair, to subtract from open-many's
 *
 * Memory: /proc/meminfo (MemTotal - MemFree, Slab, SUnreclaim, VmallocUsed,
 * Percpu) and /proc/net/sockstat TCP mem, after S seconds of settling
 * (default 1), divided by the number of items; and the slab caches that
 * grew most (/proc/slabinfo: active objects x object size), which says
 * what the memory is (SLUB merges caches of one size, so a name may stand
 * for several).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "npbench.h"

#define SLAB_MAX	1024
#define SLAB_TOP	10

struct slab_snap {
	int n;
	struct {
		char name[64];
		long bytes;
	} c[SLAB_MAX];
};

static void slab_take(struct slab_snap *s)
{
	FILE *f = fopen("/proc/slabinfo", "re");
	char line[512];

	s->n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && s->n < SLAB_MAX) {
		long active, total, size;
		char name[64];

		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &total,
			   &size) != 4)
			continue;	/* the header lines */
		snprintf(s->c[s->n].name, sizeof(s->c[0].name), "%s", name);
		s->c[s->n++].bytes = active * size;
	}
	fclose(f);
}

/* "PREFIX_slabs":{"cache":KiB per item,...}, the SLAB_TOP that grew most */
static void slab_print(const char *prefix, const struct slab_snap *a,
		       const struct slab_snap *b, long n)
{
	long d[SLAB_MAX];
	int shown = 0;

	for (int i = 0; i < b->n; i++) {
		d[i] = b->c[i].bytes;
		for (int j = 0; j < a->n; j++)
			if (!strcmp(a->c[j].name, b->c[i].name)) {
				d[i] -= a->c[j].bytes;
				break;
			}
	}
	printf(",\"%s_slabs\":{", prefix);
	while (shown < SLAB_TOP) {
		int best = -1;

		for (int i = 0; i < b->n; i++)
			if (d[i] > 0 && (best < 0 || d[i] > d[best]))
				best = i;
		if (best < 0)
			break;
		printf("%s\"%s\":%.3f", shown ? "," : "", b->c[best].name,
		       d[best] / 1024.0 / (n > 0 ? n : 1));
		d[best] = 0;
		shown++;
	}
	printf("}");
}

static struct slab_snap slab_a, slab_b, slab_c;

struct many_opts {
	long first, port, count, per;
	double settle;
	const char *label;
	char **cmd;
};

static void parse(int argc, char **argv, struct many_opts *o)
{
	*o = (struct many_opts){ .count = 1, .per = 1, .settle = 1, .label = "" };
	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--")) {
			o->cmd = argv + i + 1;
			break;
		} else if (!strcmp(argv[i], "--first")) {
			o->first = opt_long(v, "--first", 0, 65535);
		} else if (!strcmp(argv[i], "--port")) {
			o->port = opt_long(v, "--port", 1, 65535);
		} else if (!strcmp(argv[i], "--count")) {
			o->count = opt_long(v, "--count", 1, 65536);
		} else if (!strcmp(argv[i], "--per")) {
			o->per = opt_long(v, "--per", 1, 65536);
		} else if (!strcmp(argv[i], "--settle")) {
			o->settle = opt_double(v, "--settle", 0, 60);
		} else if (!strcmp(argv[i], "--label")) {
			o->label = v ? v : "";
		} else {
			die("unknown option '%s'", argv[i]);
		}
	}
}

static void settle(double s)
{
	sleep_ns((int64_t)(s * NSEC_PER_SEC));
}

int cmd_measure(int argc, char **argv)
{
	struct many_opts o;
	struct mem_snap a, b;
	int64_t t0, t1;
	pid_t pid;
	int st;

	parse(argc, argv, &o);
	if (!o.cmd || !o.cmd[0])
		die("usage: measure --per N [--settle S] [--label L] -- CMD ARGS...");
	settle(o.settle);
	slab_take(&slab_a);
	mem_take(&a);
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);	/* our stdout is the JSON line */
		execvp(o.cmd[0], o.cmd);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		die("%s failed", o.cmd[0]);
	t1 = now_ns();
	settle(o.settle);
	mem_take(&b);
	slab_take(&slab_b);
	printf("{\"test\":\"measure\",\"label\":\"%s\",\"per\":%ld,"
	       "\"total_ms\":%.3f,\"ms_per_item\":%.4f,",
	       o.label, o.per, (t1 - t0) / 1e6, (t1 - t0) / 1e6 / o.per);
	mem_print("mem", &a, &b, o.per);
	slab_print("mem", &slab_a, &slab_b, o.per);
	printf("}\n");
	return 0;
}

static void open_close_many(const struct many_opts *o, int tcp)
{
	int64_t *t = calloc(o->count, sizeof(*t));
	int *fd = calloc(o->count, sizeof(*fd));
	struct mem_snap a, b, c;
	int64_t t0, t1, t2;

	if (!t || !fd)
		die("out of memory");
	want_fds(o->count + 64);
	settle(o->settle);
	slab_take(&slab_a);
	mem_take(&a);
	t0 = now_ns();
	for (long i = 0; i < o->count; i++) {
		int64_t s = now_ns();

		if (tcp) {
			fd[i] = tcp_connect("127.0.0.1", o->port + i);
		} else {
			char path[64];

			snprintf(path, sizeof(path), "/dev/ttyNP%ld", o->first + i);
			fd[i] = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
		}
		if (fd[i] < 0)
			die("item %ld: %s", i, strerror(errno));
		t[i] = now_ns() - s;
	}
	t1 = now_ns();
	settle(o->settle);
	mem_take(&b);
	slab_take(&slab_b);
	t2 = now_ns();
	for (long i = 0; i < o->count; i++)
		close(fd[i]);
	t2 = now_ns() - t2;
	settle(o->settle);
	mem_take(&c);
	slab_take(&slab_c);
	sort_i64(t, o->count);
	printf("{\"test\":\"%s\",\"count\":%ld,\"open_total_ms\":%.3f,"
	       "\"open_p50_ms\":%.4f,\"open_p99_ms\":%.4f,\"open_max_ms\":%.4f,"
	       "\"close_total_ms\":%.3f,",
	       tcp ? "tcp-many" : "open-many", o->count, (t1 - t0) / 1e6,
	       pct(t, o->count, 50) / 1e6, pct(t, o->count, 99) / 1e6,
	       t[o->count - 1] / 1e6, t2 / 1e6);
	mem_print("open", &a, &b, o->count);
	printf(",");
	mem_print("after_close", &a, &c, o->count);
	slab_print("open", &slab_a, &slab_b, o->count);
	slab_print("after_close", &slab_a, &slab_c, o->count);
	printf("}\n");
	free(t);
	free(fd);
}

int cmd_open_many(int argc, char **argv)
{
	struct many_opts o;

	parse(argc, argv, &o);
	open_close_many(&o, 0);
	return 0;
}

int cmd_tcp_many(int argc, char **argv)
{
	struct many_opts o;

	parse(argc, argv, &o);
	if (!o.port)
		die("tcp-many: --port is needed");
	open_close_many(&o, 1);
	return 0;
}
