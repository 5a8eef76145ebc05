// SPDX-License-Identifier: GPL-2.0
/*
 * npbench peer - the remote end every path talks to: a TCP server on
 * 127.0.0.1 ports PORT..PORT+COUNT-1, one epoll loop, any number of
 * connections.
 *
 *   sink    read and discard; at EOF append {"bytes","sec","mbps"} measured
 *           from the first to the last byte received to --report FILE
 *   source  write as fast as the connection takes it, until the peer closes
 *   echo    send back every byte received
 *   hello   send one '\n' on accept, then act as a sink (open -> first byte)
 *
 * --ready FILE is written once every port listens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "npbench.h"

#define PEER_BUF	(64 * 1024)

enum peer_mode { M_SINK, M_SOURCE, M_ECHO, M_HELLO };

struct conn {
	int fd;
	int listener;		/* a listening socket, not a connection */
	unsigned int port;
	uint64_t bytes;
	int64_t first, last;
	size_t pend, poff;	/* echo: bytes of buf not yet sent back */
	uint8_t *buf;
};

static enum peer_mode mode;
static int epfd;
static int report_fd = -1;
static uint8_t fill[PEER_BUF];

static void set_events(struct conn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e))
		die("epoll_ctl: %s", strerror(errno));
}

static void add_fd(struct conn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e))
		die("epoll_ctl: %s", strerror(errno));
}

static void conn_end(struct conn *c)
{
	if (report_fd >= 0 && c->bytes && c->last > c->first) {
		double sec = (c->last - c->first) / 1e9;

		dprintf(report_fd, "{\"peer\":\"sink\",\"port\":%u,"
			"\"bytes\":%llu,\"sec\":%.6f,\"mbps\":%.3f}\n",
			c->port, (unsigned long long)c->bytes, sec,
			c->bytes / sec / 1e6);
	}
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->buf);
	free(c);
}

static void do_accept(struct conn *l)
{
	int one = 1;

	for (;;) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0)
			return;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (!c)
			die("out of memory");
		c->fd = fd;
		c->port = l->port;
		if (mode == M_ECHO) {
			c->buf = malloc(PEER_BUF);
			if (!c->buf)
				die("out of memory");
		}
		if (mode == M_HELLO && send(fd, "\n", 1, MSG_NOSIGNAL) != 1) {
			close(fd);
			free(c);
			continue;
		}
		add_fd(c, mode == M_SOURCE ? EPOLLIN | EPOLLOUT : EPOLLIN);
	}
}

/* 0: keep the connection, -1: it ended. */
static int do_read(struct conn *c)
{
	static uint8_t scratch[PEER_BUF];
	uint8_t *b = c->buf ? c->buf : scratch;
	ssize_t n;

	n = recv(c->fd, b, PEER_BUF, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	c->last = now_ns();
	if (!c->bytes)
		c->first = c->last;
	c->bytes += n;
	if (mode != M_ECHO)
		return 0;
	c->pend = n;
	c->poff = 0;
	n = send(c->fd, b, c->pend, MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN)
		return -1;
	c->poff = n > 0 ? n : 0;
	if (c->poff < c->pend)
		set_events(c, EPOLLOUT);	/* stop reading until sent */
	return 0;
}

static int do_write(struct conn *c)
{
	ssize_t n;

	if (mode == M_SOURCE) {
		for (;;) {
			n = send(c->fd, fill, sizeof(fill), MSG_NOSIGNAL);
			if (n < 0)
				return errno == EAGAIN || errno == EINTR ? 0 : -1;
		}
	}
	n = send(c->fd, c->buf + c->poff, c->pend - c->poff, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	c->poff += n;
	if (c->poff == c->pend)
		set_events(c, EPOLLIN);
	return 0;
}

static void listen_on(const char *host, unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct conn *l = calloc(1, sizeof(*l));
	int one = 1;

	if (!l)
		die("out of memory");
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		die("%s: not an IPv4 address", host);
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(l->fd, 4096))
		die("listen %s:%u: %s", host, port, strerror(errno));
	l->listener = 1;
	l->port = port;
	add_fd(l, EPOLLIN);
}

int cmd_peer(int argc, char **argv)
{
	const char *host = "127.0.0.1", *ready = NULL, *report = NULL;
	long port = 0, count = 1;

	if (argc < 2)
		die("usage: peer sink|source|echo|hello --port P [--count N] "
		    "[--ready FILE] [--report FILE]");
	if (!strcmp(argv[1], "sink"))
		mode = M_SINK;
	else if (!strcmp(argv[1], "source"))
		mode = M_SOURCE;
	else if (!strcmp(argv[1], "echo"))
		mode = M_ECHO;
	else if (!strcmp(argv[1], "hello"))
		mode = M_HELLO;
	else
		die("peer: unknown mode '%s'", argv[1]);
	for (int i = 2; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--port"))
			port = opt_long(v, "--port", 1, 65535);
		else if (!strcmp(argv[i], "--count"))
			count = opt_long(v, "--count", 1, 4096);
		else if (!strcmp(argv[i], "--host"))
			host = v;
		else if (!strcmp(argv[i], "--ready"))
			ready = v;
		else if (!strcmp(argv[i], "--report"))
			report = v;
		else
			die("peer: unknown option '%s'", argv[i]);
	}
	if (!port || port + count - 1 > 65535)
		die("peer: --port P with P+COUNT-1 <= 65535");
	signal(SIGPIPE, SIG_IGN);
	want_fds(3 * count + 64);
	for (size_t i = 0; i < sizeof(fill); i++)
		fill[i] = (uint8_t)(i * 7 + 1);
	if (report) {
		report_fd = open(report, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				 0644);
		if (report_fd < 0)
			die("%s: %s", report, strerror(errno));
	}
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll: %s", strerror(errno));
	for (long i = 0; i < count; i++)
		listen_on(host, port + i);
	if (ready) {
		FILE *f = fopen(ready, "we");

		if (!f)
			die("%s: %s", ready, strerror(errno));
		fprintf(f, "ports=%ld-%ld\n", port, port + count - 1);
		fclose(f);
	}
	for (;;) {
		struct epoll_event ev[64];
		int n = epoll_wait(epfd, ev, 64, -1);

		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			struct conn *c = ev[i].data.ptr;
			int ret = 0;

			if (c->listener) {
				do_accept(c);
				continue;
			}
			if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				ret = do_read(c);
			if (!ret && (ev[i].events & EPOLLOUT))
				ret = do_write(c);
			if (ret)
				conn_end(c);
		}
	}
}
