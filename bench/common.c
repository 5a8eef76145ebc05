// SPDX-License-Identifier: GPL-2.0
/*
 * npbench - shared helpers (see common.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("npbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

void sleep_ns(int64_t ns)
{
	struct timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

long opt_long(const char *val, const char *name, long min, long max)
{
	char *end;
	long v;

	if (!val)
		die("%s needs a value", name);
	errno = 0;
	v = strtol(val, &end, 0);
	if (errno || *end || end == val || v < min || v > max)
		die("%s: '%s' is not a number in %ld..%ld", name, val, min, max);
	return v;
}

double opt_double(const char *val, const char *name, double min, double max)
{
	char *end;
	double v;

	if (!val)
		die("%s needs a value", name);
	v = strtod(val, &end);
	if (*end || end == val || v < min || v > max)
		die("%s: '%s' is not a number in %g..%g", name, val, min, max);
	return v;
}

/* --- endpoints --- */

int ep_is_tcp(const char *spec)
{
	return !strncmp(spec, "tcp:", 4);
}

int tcp_connect(const char *host, unsigned int port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	char serv[16];
	int one = 1;
	int fd, ret;

	snprintf(serv, sizeof(serv), "%u", port);
	ret = getaddrinfo(host, serv, &hints, &ai);
	if (ret)
		die("%s: %s", host, gai_strerror(ret));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		ret = errno;
		close(fd);
		freeaddrinfo(ai);
		errno = ret;
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static speed_t baud_const(unsigned int baud)
{
	static const struct { unsigned int baud; speed_t c; } t[] = {
		{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
		{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
		{ 460800, B460800 }, { 921600, B921600 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].baud == baud)
			return t[i].c;
	die("baud %u is not supported here", baud);
}

int tty_set_raw(int fd, unsigned int baud)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (baud)
		cfsetspeed(&t, baud_const(baud));
	return tcsetattr(fd, TCSANOW, &t);
}

/* "tcp:HOST:PORT" or a tty path; -1 and errno on failure. */
int ep_open(const char *spec, unsigned int baud, int oflags)
{
	int fd;

	if (ep_is_tcp(spec)) {
		char host[256];
		const char *colon = strrchr(spec + 4, ':');

		if (!colon || (size_t)(colon - spec - 4) >= sizeof(host))
			die("%s: want tcp:HOST:PORT", spec);
		memcpy(host, spec + 4, colon - spec - 4);
		host[colon - spec - 4] = 0;
		fd = tcp_connect(host, opt_long(colon + 1, "port", 1, 65535));
		if (fd >= 0 && (oflags & O_NONBLOCK))
			fcntl(fd, F_SETFL, O_NONBLOCK);
		return fd;
	}
	fd = open(spec, O_RDWR | O_NOCTTY | O_CLOEXEC | oflags);
	if (fd < 0)
		return -1;
	if (tty_set_raw(fd, baud)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* --- CPU --- */

double cpu_secs(uint64_t ns)
{
	return ns / 1e9;
}

/* Nanoseconds PID has run (/proc/PID/schedstat), and its name in comm. */
static uint64_t pid_runtime(pid_t pid, char *comm, size_t cap)
{
	unsigned long long run = 0;
	char path[64];
	FILE *f;

	if (comm) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		f = fopen(path, "re");
		if (!f || !fgets(comm, cap, f))
			comm[0] = 0;
		comm[strcspn(comm, "\n")] = 0;
		if (f)
			fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &run) != 1)
		run = 0;
	fclose(f);
	return run;
}

/*
 * A kworker's name: "kworker/0:1H" (per-CPU, high priority), and after its
 * first work item the workqueue's name: "kworker/u3:0-nptty" (idle, last
 * ran nptty's work), "kworker/u3:0+nptty" (running it).  Unbound workers
 * carry no "H", so the workqueue's name is what identifies ours.
 */
static int is_nptty_kworker(const char *comm)
{
	const char *c = strchr(comm, ':');
	size_t l;

	if (strncmp(comm, "kworker/", 8) || !c)
		return 0;
	l = strcspn(c, "-+");
	if (c[l] && !strcmp(c + l + 1, "nptty"))
		return 1;
	return comm[8] != 'u' && l > 1 && c[l - 1] == 'H';
}

static void kworker_take(struct cpu_snap *s)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char comm[64];

	s->nkw = 0;
	if (!d)
		return;
	while ((e = readdir(d)) && s->nkw < CPU_MAX_KW) {
		uint64_t t;
		int pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = atoi(e->d_name);
		t = pid_runtime(pid, comm, sizeof(comm));
		if (strncmp(comm, "kworker/", 8))
			continue;
		s->kw[s->nkw].pid = pid;
		s->kw[s->nkw].run = t;
		s->kw[s->nkw++].mine = is_nptty_kworker(comm);
	}
	closedir(d);
}

uint64_t cpu_kworker(const struct cpu_snap *a, const struct cpu_snap *b)
{
	uint64_t sum = 0;

	for (int i = 0; i < b->nkw; i++) {
		uint64_t before = 0;
		int mine = b->kw[i].mine;

		for (int j = 0; j < a->nkw; j++)
			if (a->kw[j].pid == b->kw[i].pid) {
				before = a->kw[j].run;
				mine |= a->kw[j].mine;
				break;
			}
		if (mine && b->kw[i].run >= before)
			sum += b->kw[i].run - before;
	}
	return sum;
}

/*
 * /proc/stat: idle + iowait of all CPUs in ns (from the nohz idle clock,
 * not from ticks: a TCG guest loses ticks when the host is busy, so its
 * tick-sampled user/system times undercount), and the context switches.
 */
static void proc_stat(uint64_t *idle, uint64_t *ctxt)
{
	unsigned long long v[5] = { 0 }, c;
	FILE *f = fopen("/proc/stat", "re");
	char line[512];

	*idle = *ctxt = 0;
	if (!f)
		return;
	/* cpu user nice system idle iowait */
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		   &v[3], &v[4]) == 5)
		*idle = (v[3] + v[4]) * (NSEC_PER_SEC / sysconf(_SC_CLK_TCK));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "ctxt %llu", &c) == 1)
			*ctxt = c;
	fclose(f);
}

uint64_t ctxt_now(void)
{
	uint64_t idle, ctxt;

	proc_stat(&idle, &ctxt);
	return ctxt;
}

void cpu_take(struct cpu_snap *s, const pid_t *pid, int npid)
{
	uint64_t idle;

	proc_stat(&idle, &s->ctxt);
	/* busy = wall time x CPUs - idle; only differences mean anything */
	s->busy = (uint64_t)now_ns() * sysconf(_SC_NPROCESSORS_ONLN) - idle;
	kworker_take(s);
	s->pids = 0;
	for (int i = 0; i < npid; i++)
		s->pids += pid_runtime(pid[i], NULL, 0);
	s->self = pid_runtime(getpid(), NULL, 0);
}

void cpu_print(const struct cpu_snap *a, const struct cpu_snap *b)
{
	printf("\"cpu_busy_s\":%.3f,\"cpu_nptty_wq_s\":%.3f,"
	       "\"cpu_pids_s\":%.3f,\"cpu_self_s\":%.3f,\"ctxt\":%llu",
	       cpu_secs(b->busy - a->busy), cpu_secs(cpu_kworker(a, b)),
	       cpu_secs(b->pids - a->pids), cpu_secs(b->self - a->self),
	       (unsigned long long)(b->ctxt - a->ctxt));
}

/* --- memory --- */

void mem_take(struct mem_snap *m)
{
	long total = 0, free_ = 0;
	char line[256];
	FILE *f;

	*m = (struct mem_snap){ 0 };
	f = fopen("/proc/meminfo", "re");
	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "MemTotal: %ld", &total);
		sscanf(line, "MemFree: %ld", &free_);
		sscanf(line, "Slab: %ld", &m->slab);
		sscanf(line, "SUnreclaim: %ld", &m->sunreclaim);
		sscanf(line, "VmallocUsed: %ld", &m->vmalloc);
		sscanf(line, "Percpu: %ld", &m->percpu);
	}
	fclose(f);
	m->mem_used = total - free_;
	f = fopen("/proc/net/sockstat", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			long mem;
			char *p = strstr(line, " mem ");

			if (!strncmp(line, "TCP:", 4) && p &&
			    sscanf(p, " mem %ld", &mem) == 1)
				m->tcp_mem = mem * (sysconf(_SC_PAGESIZE) / 1024);
		}
		fclose(f);
	}
}

void mem_print(const char *prefix, const struct mem_snap *a,
	       const struct mem_snap *b, long n)
{
	double d = n > 0 ? n : 1;

	printf("\"%s_kernel_kib\":%.2f,", prefix,
	       (b->slab + b->vmalloc + b->percpu - a->slab - a->vmalloc -
		a->percpu) / d);
	printf("\"%s_used_kib\":%.2f,\"%s_slab_kib\":%.2f,"
	       "\"%s_sunreclaim_kib\":%.2f,\"%s_vmalloc_kib\":%.2f,"
	       "\"%s_percpu_kib\":%.2f,\"%s_tcp_mem_kib\":%.2f",
	       prefix, (b->mem_used - a->mem_used) / d,
	       prefix, (b->slab - a->slab) / d,
	       prefix, (b->sunreclaim - a->sunreclaim) / d,
	       prefix, (b->vmalloc - a->vmalloc) / d,
	       prefix, (b->percpu - a->percpu) / d,
	       prefix, (b->tcp_mem - a->tcp_mem) / d);
}

/* --- statistics --- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void sort_i64(int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
}

/* Nearest-rank percentile, p in 0..100. */
int64_t pct(const int64_t *sorted, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p / 100.0 * n + 0.999999);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return sorted[i - 1];
}

void want_fds(long n)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r))
		return;
	if ((long)r.rlim_cur >= n)
		return;
	r.rlim_cur = n;
	if ((long)r.rlim_max < n)
		r.rlim_max = n;
	if (setrlimit(RLIMIT_NOFILE, &r))
		die("cannot raise the open file limit to %ld: %s", n,
		    strerror(errno));
}
