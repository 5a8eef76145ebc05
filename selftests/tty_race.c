// SPDX-License-Identifier: GPL-2.0
/*
 * Races between adding, opening and deleting ports: 4 threads, each adding
 * a port (its own index, its own echo server on loopback), starting an
 * opener on it and deleting it again after 0..9 ms, 25 times (100 in all).
 * Openers: a blocking reader (sits in read() until the deletion hangs the
 * tty up), a blocking writer, an O_NONBLOCK open + tcgetattr + close.
 * Every add and delete must succeed (an add may have to wait while the
 * previous port's tty is still open: its index stays taken until then),
 * every opener must come back by itself
 * (an opener still running after its bound is a hang and fails the test),
 * and no port, /dev node or TCP socket may be left.  The VM runner fails
 * the run on any kernel warning.  Loads $NPTTY_KO (default ../nptty.ko,
 * run from selftests/) when the module is missing.
 *
 * timeout=120
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/netlink.h>
#include <linux/nptty.h>

#include "ktap.h"
#include "tty_util.h"

#define THREADS		4
#define ITERS		25
#define INDEX_BASE	200		/* indexes 200..203: out of others' way */
#define OPENER_BOUND	30		/* seconds an opener may take at most */

static atomic_int add_errors, del_errors, open_ok, open_failed, hung;
static atomic_int openers_running, index_waits;

/* --- openers --- */

struct opener {
	char path[32];
	int kind;
};

static void *opener(void *arg)
{
	struct opener *o = arg;
	struct termios tio;
	char buf[64];
	int fd;

	switch (o->kind) {
	case 0:		/* blocking open, read until the hangup */
		fd = open(o->path, O_RDWR | O_NOCTTY);
		if (fd >= 0) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
		}
		break;
	case 1:		/* blocking open, write, close (drains) */
		fd = open(o->path, O_RDWR | O_NOCTTY);
		/* EIO after the hangup is fine: only the return matters */
		if (fd >= 0 && write(fd, "hello\n", 6) != 6)
			buf[0] = 0;
		break;
	default:	/* O_NONBLOCK open, tcgetattr, close */
		fd = open(o->path, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0)
			tcgetattr(fd, &tio);
		break;
	}
	if (fd >= 0) {
		atomic_fetch_add(&open_ok, 1);
		close(fd);
	} else {
		atomic_fetch_add(&open_failed, 1);
	}
	free(o);
	atomic_fetch_sub(&openers_running, 1);
	return NULL;
}

/* --- the racing threads --- */

static void *racer(void *arg)
{
	unsigned int index = INDEX_BASE + (unsigned int)(long)arg;
	unsigned int seed = index;
	struct timespec ts;
	struct opener *o;
	char why[128];
	struct nl nl;
	uint16_t port;
	pthread_t th;
	int i, w, ret;

	if (nl_open(&nl) || echo_server(&port)) {
		atomic_fetch_add(&add_errors, ITERS);
		return NULL;
	}
	for (i = 0; i < ITERS; i++) {
		ret = port_cmd_why(&nl, index, port, why, sizeof(why));
		/*
		 * A deleted port keeps its index until its last tty is
		 * released: the previous round's opener may still hold it.
		 */
		for (w = 0; ret == -EBUSY && w < 1000; w++) {
			if (!w)
				atomic_fetch_add(&index_waits, 1);
			usleep(10000);
			ret = port_cmd_why(&nl, index, port, why, sizeof(why));
		}
		if (ret) {
			ktap_diag("add index %u (round %d): %s (%s)", index, i,
				  strerror(-ret), why);
			atomic_fetch_add(&add_errors, 1);
			continue;
		}
		o = calloc(1, sizeof(*o));
		snprintf(o->path, sizeof(o->path), "/dev/ttyNP%u", index);
		o->kind = i % 3;
		/* the node appears asynchronously (devtmpfs); wait a little */
		for (int w = 0; w < 100 && access(o->path, F_OK); w++)
			usleep(1000);
		atomic_fetch_add(&openers_running, 1);
		if (pthread_create(&th, NULL, opener, o)) {
			atomic_fetch_sub(&openers_running, 1);
			free(o);
		} else {
			pthread_detach(th);
		}
		ts.tv_sec = 0;
		ts.tv_nsec = (rand_r(&seed) % 10) * 1000000L;
		nanosleep(&ts, NULL);
		ret = port_cmd_why(&nl, index, 0, why, sizeof(why));
		if (ret) {
			ktap_diag("del index %u (round %d): %s (%s)", index, i,
				  strerror(-ret), why);
			atomic_fetch_add(&del_errors, 1);
		}
	}
	nl_socket_free(nl.sk);
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];
	int i, base, now, left = 0;
	struct nl nl;
	char path[32];

	if (getuid())
		ktap_skip_all("needs root");
	load_module();
	if (nl_open(&nl))
		ktap_skip_all("no nptty netlink family (module not loaded)");
	ktap_plan(7);
	base = tcp_inuse();

	for (i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, racer, (void *)(long)i);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	/* echo servers are still listening: THREADS sockets more than base */
	base += THREADS;

	for (i = 0; i < OPENER_BOUND * 10 && atomic_load(&openers_running); i++)
		usleep(100000);
	hung = atomic_load(&openers_running);
	ktap_diag("openers: %d opened, %d failed to open (port gone); %d "
		  "adds waited for an index still held by an open tty",
		  atomic_load(&open_ok), atomic_load(&open_failed),
		  atomic_load(&index_waits));

	ktap_ok(!add_errors, "%d adds, %d failed", THREADS * ITERS,
		atomic_load(&add_errors));
	ktap_ok(!del_errors, "%d deletes, %d failed", THREADS * ITERS,
		atomic_load(&del_errors));
	ktap_ok(!hung, "every opener came back by itself (%d still blocked "
		"after %d s)", hung, OPENER_BOUND);
	ktap_ok(open_ok > 0 && open_failed > 0,
		"the races went both ways: %d opens won, %d lost",
		atomic_load(&open_ok), atomic_load(&open_failed));

	for (i = 0; i < THREADS; i++) {
		snprintf(path, sizeof(path), "/dev/ttyNP%d", INDEX_BASE + i);
		left += !access(path, F_OK);
		if (!port_cmd(&nl, INDEX_BASE + i, 0))
			left++;		/* the port still existed */
	}
	ktap_ok(!left, "no port or /dev node left (%d)", left);
	/* every tty is closed: every index must be free again (no leak) */
	for (i = 0, left = 0; i < THREADS; i++) {
		if (port_cmd(&nl, INDEX_BASE + i, 9))
			left++;
		else
			port_cmd(&nl, INDEX_BASE + i, 0);
	}
	ktap_ok(!left, "all fds closed: every index can be added again "
		"(%d cannot)", left);

	for (i = 0; i < 100 && (now = tcp_inuse()) > base; i++)
		usleep(100000);
	ktap_ok(now <= base, "no TCP socket leaked (in use: %d expected, %d)",
		base, now);
	nl_socket_free(nl.sk);
	return ktap_finish();
}
