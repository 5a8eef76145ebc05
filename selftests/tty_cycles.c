// SPDX-License-Identifier: GPL-2.0
/*
 * 1000 open/close cycles of one port against an echo server on loopback:
 * every first open connects and every last close disconnects (the port's
 * counters and the server agree: 1000 connections, all closed), every
 * 100th cycle echoes a line through the tty, and no TCP socket is left.
 * Loads $NPTTY_KO (default ../nptty.ko, run from selftests/) if needed.
 *
 * timeout=120
 */
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <time.h>

#include "ktap.h"
#include "tty_util.h"

#define CYCLES	1000
#define INDEX	210
#define NPCTL	"../userspace/npctl/npctl"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Raw mode, CLOCAL; write a line and read it back through the echo peer. */
static bool echo_line(int fd, int i)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char msg[32], back[32];
	struct termios tio;
	size_t got = 0;
	ssize_t n;
	int len;

	if (tcgetattr(fd, &tio))
		return false;
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL;
	if (tcsetattr(fd, TCSANOW, &tio))
		return false;
	len = snprintf(msg, sizeof(msg), "cycle %d\n", i);
	if (write(fd, msg, len) != len)
		return false;
	while (got < (size_t)len && poll(&p, 1, 10000) == 1) {
		n = read(fd, back + got, len - got);
		if (n <= 0)
			return false;
		got += n;
	}
	return got == (size_t)len && !memcmp(msg, back, len);
}

/* "key":N from npctl's JSON for our port, or -1. */
static long long port_stat(const char *key, char *state, size_t state_len)
{
	char buf[4096], pat[64], *s;
	long long v = -1;
	size_t n;
	FILE *f;

	snprintf(pat, sizeof(pat), NPCTL " -j show %d", INDEX);
	f = popen(pat, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	pclose(f);
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	s = strstr(buf, pat);
	if (s)
		v = strtoll(s + strlen(pat), NULL, 10);
	s = strstr(buf, "\"state\":\"");
	if (state && s)
		sscanf(s + 9, "%15[a-z]", state);
	(void)state_len;
	return v;
}

int main(void)
{
	int i, fd, base, inuse = 0, open_fail = 0, echo_fail = 0;
	long long connects, disconnects;
	char path[32], state[16] = "";
	struct nl nl;
	uint16_t port;
	double t0;

	if (getuid())
		ktap_skip_all("needs root");
	load_module();
	if (nl_open(&nl))
		ktap_skip_all("no nptty netlink family (module not loaded)");
	if (echo_server(&port))
		ktap_skip_all("cannot start an echo server");
	ktap_plan(5);
	base = tcp_inuse();
	if (port_cmd(&nl, INDEX, port)) {
		ktap_ok(0, "add a port at index %d", INDEX);
		return ktap_finish();
	}
	snprintf(path, sizeof(path), "/dev/ttyNP%d", INDEX);
	for (i = 0; i < 500 && access(path, F_OK); i++)
		usleep(10000);

	t0 = now();
	for (i = 0; i < CYCLES; i++) {
		fd = open(path, O_RDWR | O_NOCTTY);
		if (fd < 0) {
			if (open_fail++ < 3)
				ktap_diag("open %d: %s", i, strerror(errno));
			continue;
		}
		if (i % 100 == 0 && !echo_line(fd, i))
			echo_fail++;
		close(fd);
	}
	ktap_diag("%d cycles in %.1f s", CYCLES, now() - t0);
	ktap_ok(!open_fail && !echo_fail, "%d open/close cycles: %d opens "
		"failed, %d of %d echoes failed", CYCLES, open_fail,
		echo_fail, CYCLES / 100);

	connects = port_stat("connects", state, sizeof(state));
	disconnects = port_stat("disconnects", NULL, 0);
	ktap_ok(connects == CYCLES && disconnects == CYCLES &&
		!strcmp(state, "idle"),
		"the port counted %lld connects, %lld disconnects; state %s",
		connects, disconnects, state);

	for (i = 0; i < 200 && atomic_load(&echo_closes) < CYCLES; i++)
		usleep(50000);
	ktap_ok(echo_accepts == CYCLES && echo_closes == CYCLES,
		"the server saw %d connections, %d closed",
		atomic_load(&echo_accepts), atomic_load(&echo_closes));

	for (i = 0; i < 100 && (inuse = tcp_inuse()) > base; i++)
		usleep(100000);
	ktap_ok(inuse <= base, "no TCP socket left (in use: %d before, %d "
		"after)", base, inuse);
	ktap_ok(!port_cmd(&nl, INDEX, 0), "delete the port");
	nl_socket_free(nl.sk);
	return ktap_finish();
}
