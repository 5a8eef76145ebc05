// SPDX-License-Identifier: GPL-2.0
/*
 * npbench first - time from open() to the first byte.
 *
 *   first SPEC [--reps R] [--open-only] [-- CMD ARGS...]
 *
 * Each repetition opens SPEC (a tty: plain open(), its termios untouched;
 * tcp:HOST:PORT: connect()), then waits for one byte from the peer ("hello"
 * mode sends one on accept), then closes.  With CMD (a bridge such as
 * socat), CMD is started first in each repetition and the clock includes
 * the time until SPEC appears; CMD is stopped after the byte.  --open-only
 * measures open() alone (a peer that sends nothing, e.g. npsim).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "npbench.h"

static int64_t med(int64_t *v, int n)
{
	sort_i64(v, n);
	return v[n / 2];
}

static void wait_path(const char *path, int present)
{
	struct stat st;
	int64_t end = now_ns() + 10 * NSEC_PER_SEC;

	while ((stat(path, &st) == 0) != present) {
		if (now_ns() > end)
			die("%s did not %s", path, present ? "appear" : "go away");
		sleep_ns(200000);
	}
}

int cmd_first(int argc, char **argv)
{
	int64_t open_v[256], first_v[256], spawn_v[256];
	char **cmd = NULL;
	int open_only = 0, n = 0;
	long reps = 10;
	const char *spec;

	if (argc < 2)
		die("usage: first SPEC [--reps R] [--open-only] [-- CMD ARGS...]");
	spec = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--reps")) {
			reps = opt_long(i + 1 < argc ? argv[i + 1] : NULL,
					"--reps", 1, 256);
			i++;
		} else if (!strcmp(argv[i], "--open-only")) {
			open_only = 1;
		} else if (!strcmp(argv[i], "--")) {
			cmd = argv + i + 1;
			break;
		} else {
			die("first: unknown option '%s'", argv[i]);
		}
	}
	signal(SIGPIPE, SIG_IGN);
	alarm(30 + reps * 15);
	for (; n < reps; n++) {
		int64_t t0, ts, to, tf;
		pid_t child = 0;
		int fd;
		char c;

		t0 = now_ns();
		if (cmd) {
			child = fork();
			if (child < 0)
				die("fork: %s", strerror(errno));
			if (!child) {
				execvp(cmd[0], cmd);
				_exit(127);
			}
			wait_path(spec, 1);
		}
		ts = now_ns();
		if (ep_is_tcp(spec))
			fd = ep_open(spec, 0, 0);
		else
			fd = open(spec, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			die("%s: %s", spec, strerror(errno));
		to = now_ns();
		if (!open_only) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 5000) != 1 || read(fd, &c, 1) != 1)
				die("%s: no first byte within 5 s", spec);
		}
		tf = now_ns();
		close(fd);
		if (child) {
			kill(child, SIGTERM);
			waitpid(child, NULL, 0);
			wait_path(spec, 0);
		}
		spawn_v[n] = ts - t0;
		open_v[n] = to - t0;
		first_v[n] = tf - t0;
		sleep_ns(20000000);
	}
	printf("{\"test\":\"first\",\"spec\":\"%s\",\"reps\":%d,\"bridge\":%s,"
	       "\"open_only\":%s,\"spawn_ms\":%.3f,\"open_ms\":%.3f,"
	       "\"first_ms\":%.3f,",
	       spec, n, cmd ? "true" : "false", open_only ? "true" : "false",
	       med(spawn_v, n) / 1e6, med(open_v, n) / 1e6, med(first_v, n) / 1e6);
	/* sorted by med(): min and max */
	printf("\"open_ms_min\":%.3f,\"open_ms_max\":%.3f,\"first_ms_min\":%.3f,"
	       "\"first_ms_max\":%.3f}\n",
	       open_v[0] / 1e6, open_v[n - 1] / 1e6, first_v[0] / 1e6,
	       first_v[n - 1] / 1e6);
	return 0;
}
