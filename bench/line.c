// SPDX-License-Identifier: GPL-2.0
/*
 * npbench line, drain, setbaud - the serial line behind npsim --pace.
 *
 *   line SPEC --baud B [--seconds S] [--warmup W] [--ahead BYTES]
 *        [--control PATH [--port N]]
 *       Write continuously towards an npsim port with the loopback plug and
 *       read the echo back.  The writer keeps at most AHEAD bytes in flight
 *       (default half a second of line time, far more than any round trip),
 *       so the line never waits for the host while the test can still end
 *       promptly.  Utilisation = echoed bytes in an S-second window after W
 *       seconds / (S * B / 10) for 8N1.  With --control, npsim's output
 *       queue is sampled every 50 ms: a queue that never ran empty means the
 *       host kept the NPort fed and any shortfall is the simulator's.
 *   drain SPEC --baud B [--bytes N] [--reps R]
 *       Write N bytes, tcdrain(); compare the time tcdrain took with the line
 *       time of N bytes and with the arrival of the last echoed byte.
 *   setbaud HOST:CMDPORT BAUD
 *       Set an npsim port's rate over its command port (SETBAUD), for paths
 *       that cannot (socat, raw TCP).  npsim keeps it after the disconnect.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "aspp.h"
#include "common.h"
#include "npbench.h"

#define BITS_PER_CHAR	10	/* 8N1: start + 8 data + stop */

/* npsim "state N" over its control socket: the outq count, or -1. */
static long npsim_outq(const char *ctl, int port)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[1024], *p;
	ssize_t n;
	long q = -1;
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", ctl);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		goto out;
	n = snprintf(buf, sizeof(buf), "state %d\n", port);
	if (write_full(fd, buf, n))
		goto out;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		goto out;
	buf[n] = 0;
	p = strstr(buf, "\"outq\":");
	if (p)
		q = strtol(p + 7, NULL, 10);
out:
	close(fd);
	return q;
}

int cmd_line(int argc, char **argv)
{
	const char *ctl = NULL;
	long baud = 0, ahead = 0, port = 1;
	double secs = 5, warm = 1;
	long samples = 0, zero = 0, qmin = -1;
	uint64_t tx = 0, rx = 0, rx_win = 0;
	int64_t t_first = 0, w0 = 0, w1 = 0, next_q = 0, now;
	static uint8_t buf[65536];
	int fd;

	if (argc < 2)
		die("usage: line SPEC --baud B [--seconds S] [--warmup W] "
		    "[--ahead N] [--control PATH [--port N]]");
	for (int i = 2; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--baud"))
			baud = opt_long(v, "--baud", 300, 4000000);
		else if (!strcmp(argv[i], "--seconds"))
			secs = opt_double(v, "--seconds", 0.5, 600);
		else if (!strcmp(argv[i], "--warmup"))
			warm = opt_double(v, "--warmup", 0, 60);
		else if (!strcmp(argv[i], "--ahead"))
			ahead = opt_long(v, "--ahead", 1, 1 << 24);
		else if (!strcmp(argv[i], "--control"))
			ctl = v;
		else if (!strcmp(argv[i], "--port"))
			port = opt_long(v, "--port", 1, 32);
		else
			die("line: unknown option '%s'", argv[i]);
	}
	if (!baud)
		die("line: --baud is needed");
	if (!ahead)
		ahead = baud / BITS_PER_CHAR / 2 > 4096 ? baud / BITS_PER_CHAR / 2 : 4096;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 11 + 3);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned int)(secs + warm) + 60);
	fd = ep_open(argv[1], ep_is_tcp(argv[1]) ? 0 : baud, O_NONBLOCK);
	if (fd < 0)
		die("%s: %s", argv[1], strerror(errno));

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint8_t in[65536];
		ssize_t n;

		if (tx - rx < (uint64_t)ahead)
			p.events |= POLLOUT;
		if (poll(&p, 1, 50) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		now = now_ns();
		if (p.revents & POLLIN) {
			n = read(fd, in, sizeof(in));
			if (n > 0) {
				if (!t_first) {
					t_first = now;
					w0 = now + (int64_t)(warm * NSEC_PER_SEC);
					w1 = w0 + (int64_t)(secs * NSEC_PER_SEC);
					next_q = w0;
				}
				rx += n;
				if (now >= w0 && now < w1)
					rx_win += n;
			} else if (n == 0 || errno != EAGAIN) {
				die("%s: read: %s", argv[1], n ? strerror(errno) : "EOF");
			}
		}
		if (p.revents & POLLOUT) {
			size_t want = ahead - (tx - rx);

			n = write(fd, buf, want < sizeof(buf) ? want : sizeof(buf));
			if (n > 0)
				tx += n;
			else if (n < 0 && errno != EAGAIN)
				die("%s: write: %s", argv[1], strerror(errno));
		}
		if (ctl && t_first && now >= next_q && now < w1) {
			long q = npsim_outq(ctl, port);

			next_q = now + 50000000;
			if (q >= 0) {
				samples++;
				zero += q == 0;
				if (qmin < 0 || q < qmin)
					qmin = q;
			}
		}
		if (t_first && now >= w1)
			break;
	}
	double rate = (double)baud / BITS_PER_CHAR;

	printf("{\"test\":\"line\",\"spec\":\"%s\",\"baud\":%ld,\"sec\":%.3f,"
	       "\"ahead\":%ld,\"rx_window_bytes\":%llu,\"line_bytes\":%.0f,"
	       "\"util_pct\":%.3f,\"outq_samples\":%ld,\"outq_zero\":%ld,"
	       "\"outq_min\":%ld}\n",
	       argv[1], baud, secs, ahead, (unsigned long long)rx_win,
	       rate * secs, 100.0 * rx_win / (rate * secs), samples, zero, qmin);
	fflush(stdout);
	if (!ep_is_tcp(argv[1]))
		tcflush(fd, TCIOFLUSH);
	close(fd);
	return 0;
}

/* --- drain --- */

struct echo_reader {
	int fd;
	uint64_t want;
	int64_t done_ns;	/* when the last byte came back; 0 = not yet */
};

static void *echo_read(void *arg)
{
	struct echo_reader *r = arg;
	uint8_t b[4096];
	uint64_t got = 0;

	while (got < r->want) {
		ssize_t n = read(r->fd, b, sizeof(b));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		got += n;
	}
	r->done_ns = now_ns();
	return NULL;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int cmd_drain(int argc, char **argv)
{
	long baud = 0, bytes = 4096, reps = 5;
	double d_ms[64], e_ms[64], w_ms[64], x_ms[64], line_ms;
	uint8_t *buf;
	int fd, ok = 0;

	if (argc < 2)
		die("usage: drain SPEC --baud B [--bytes N] [--reps R]");
	for (int i = 2; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--baud"))
			baud = opt_long(v, "--baud", 300, 4000000);
		else if (!strcmp(argv[i], "--bytes"))
			bytes = opt_long(v, "--bytes", 1, 1 << 20);
		else if (!strcmp(argv[i], "--reps"))
			reps = opt_long(v, "--reps", 1, 64);
		else
			die("drain: unknown option '%s'", argv[i]);
	}
	if (!baud || ep_is_tcp(argv[1]))
		die("drain: a tty and --baud are needed");
	buf = malloc(bytes);
	if (!buf)
		die("out of memory");
	memset(buf, 0x55, bytes);
	alarm(60 + reps * (bytes * BITS_PER_CHAR / baud + 10));
	fd = ep_open(argv[1], baud, 0);
	if (fd < 0)
		die("%s: %s", argv[1], strerror(errno));
	line_ms = 1e3 * bytes * BITS_PER_CHAR / baud;

	for (int r = 0; r < reps; r++) {
		struct echo_reader rd = { .fd = fd, .want = bytes };
		pthread_t th;
		int64_t t0, tw, td;

		sleep_ns(100000000);		/* let the line go idle */
		tcflush(fd, TCIFLUSH);
		if (pthread_create(&th, NULL, echo_read, &rd))
			die("pthread_create failed");
		t0 = now_ns();
		if (write_full(fd, buf, bytes))
			die("%s: write: %s", argv[1], strerror(errno));
		tw = now_ns();
		if (tcdrain(fd))
			die("%s: tcdrain: %s", argv[1], strerror(errno));
		td = now_ns();
		/* the reader ends when every byte is back (alarm bounds it) */
		pthread_join(th, NULL);
		if (!rd.done_ns)
			die("%s: the echo did not come back", argv[1]);
		w_ms[ok] = (tw - t0) / 1e6;
		d_ms[ok] = (td - t0) / 1e6;
		e_ms[ok] = (rd.done_ns - t0) / 1e6;
		x_ms[ok] = d_ms[ok] - e_ms[ok];
		ok++;
	}
	double wm = median(w_ms, ok), em = median(e_ms, ok), xm = median(x_ms, ok);
	double dm = median(d_ms, ok);

	printf("{\"test\":\"drain\",\"spec\":\"%s\",\"baud\":%ld,\"bytes\":%ld,"
	       "\"reps\":%d,\"line_ms\":%.3f,\"write_ms\":%.3f,\"drain_ms\":%.3f,"
	       "\"echo_ms\":%.3f,\"drain_over_line\":%.3f,"
	       "\"drain_over_echo\":%.3f,\"drain_minus_echo_ms\":%.3f,"
	       "\"drain_ms_all\":[",
	       argv[1], baud, bytes, ok, line_ms, wm, dm, em, dm / line_ms,
	       dm / em, xm);
	for (int i = 0; i < ok; i++)	/* sorted by median() */
		printf("%s%.3f", i ? "," : "", d_ms[i]);
	printf("]}\n");
	close(fd);
	free(buf);
	return 0;
}

/* --- setbaud --- */

int cmd_setbaud(int argc, char **argv)
{
	struct nptty_aspp_reply r;
	u8 out[16], in[64];
	size_t got = 0;
	const char *colon;
	char host[256];
	int fd, len, ret;

	if (argc != 3)
		die("usage: setbaud HOST:CMDPORT BAUD");
	colon = strrchr(argv[1], ':');
	if (!colon || (size_t)(colon - argv[1]) >= sizeof(host))
		die("setbaud: want HOST:CMDPORT");
	memcpy(host, argv[1], colon - argv[1]);
	host[colon - argv[1]] = 0;
	fd = tcp_connect(host, opt_long(colon + 1, "port", 1, 65535));
	if (fd < 0)
		die("%s: %s", argv[1], strerror(errno));
	len = nptty_aspp_encode_setbaud(out, sizeof(out),
					opt_long(argv[2], "BAUD", 50, 4000000));
	if (len < 0 || write_full(fd, out, len))
		die("setbaud: cannot send");
	alarm(10);
	for (;;) {
		ssize_t n = read(fd, in + got, sizeof(in) - got);

		if (n <= 0)
			die("setbaud: no reply");
		got += n;
		ret = nptty_aspp_decode_reply(in, got, &r);
		if (ret < 0)
			die("setbaud: malformed reply");
		if (ret > 0 && r.op == NPTTY_ASPP_OP_SETBAUD)
			break;
		if (ret > 0) {	/* NOTIFY or POLLING first: skip it */
			memmove(in, in + ret, got - ret);
			got -= ret;
		}
	}
	close(fd);
	printf("{\"test\":\"setbaud\",\"target\":\"%s\",\"baud\":%s}\n",
	       argv[1], argv[2]);
	return 0;
}
