// SPDX-License-Identifier: GPL-2.0
/*
 * npsim listeners and connections.  Each serial port has a data listener
 * and (unless disabled) a command listener; each accepts up to --max-conn
 * clients.  Connections are non-blocking; conn_close() only marks a
 * connection dead and closes its socket, the main loop frees it (so callers
 * may keep using the pointer until they return to the loop).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "npsim.h"

static const char *kind_name(enum conn_kind k)
{
	return k == CONN_DATA ? "data" : "cmd";
}

int buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->d, cap);
		if (!d)
			return -1;
		b->d = d;
		b->cap = cap;
	}
	memcpy(b->d + b->len, p, n);
	b->len += n;
	return 0;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->d, b->d + n, b->len - n);
	b->len -= n;
}

void buf_free(struct buf *b)
{
	free(b->d);
	*b = (struct buf){ 0 };
}

static int listen_one(struct listener *l, int port)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
		.ai_socktype = SOCK_STREAM,
	};
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct addrinfo *ai;
	char ps[16];
	int fd, one = 1, ret;

	snprintf(ps, sizeof(ps), "%d", port);
	ret = getaddrinfo(opt.listen, ps, &hints, &ai);
	if (ret) {
		logmsg("bad listen address %s: %s", opt.listen, gai_strerror(ret));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		logmsg("listen on %s port %d: %s", opt.listen, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	l->fd = fd;
	l->port = ntohs(ss.ss_family == AF_INET6 ?
			((struct sockaddr_in6 *)&ss)->sin6_port :
			((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

int net_listen_all(void)
{
	for (int i = 0; i < opt.nports; i++) {
		struct sim_port *p = &ports[i];
		struct listener *ls[2] = { &p->data_l, &p->cmd_l };
		int base[2] = { opt.data_base, opt.cmd_base };

		for (int k = 0; k < 2; k++) {
			struct listener *l = ls[k];

			l->fd = -1;
			l->kind = k;
			l->p = p;
			if (base[k] < 0)
				continue;
			if (fault_listener_refused(p->num, k)) {
				ev_begin(p->num, "fault");
				ev_str("fault", "refuse");
				ev_str("kind", kind_name(k));
				ev_end();
				continue;
			}
			if (listen_one(l, base[k] ? base[k] + i : 0))
				return -1;
			ev_begin(p->num, "listen");
			ev_str("kind", kind_name(k));
			ev_str("addr", opt.listen);
			ev_int("tcp_port", l->port);
			ev_end();
		}
	}
	return 0;
}

void net_close_all(void)
{
	for (int i = 0; i < opt.nports; i++) {
		struct sim_port *p = &ports[i];

		for (int k = 0; k < 2; k++)
			for (int s = 0; s < NPSIM_MAX_CONN; s++) {
				struct conn *c = p->conns[k][s];

				if (!c)
					continue;
				if (!c->dead)
					conn_close(c, "shutdown");
				buf_free(&c->in);
				buf_free(&c->out);
				free(c);
				p->conns[k][s] = NULL;
			}
		if (p->data_l.fd >= 0)
			close(p->data_l.fd);
		if (p->cmd_l.fd >= 0)
			close(p->cmd_l.fd);
		p->data_l.fd = p->cmd_l.fd = -1;
	}
}

int port_conn_count(struct sim_port *p, enum conn_kind k)
{
	int n = 0;

	for (int s = 0; s < NPSIM_MAX_CONN; s++)
		n += p->conns[k][s] && !p->conns[k][s]->dead;
	return n;
}

static void peer_name(int fd, char *name, size_t nl, char *addr, size_t al)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?", serv[8] = "?";

	if (!getpeername(fd, (struct sockaddr *)&ss, &sl))
		getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv,
			    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(name, nl, "%s %s", host, serv);
	snprintf(addr, al, "%s", host);
}

struct conn *conn_accept(struct listener *l)
{
	struct sim_port *p = l->p;
	char name[64], addr[48];
	struct conn *c;
	int fd, one = 1, slot = -1;

	fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return NULL;
	peer_name(fd, name, sizeof(name), addr, sizeof(addr));
	/* Slots of connections closed this turn are freed at the next. */
	if (port_conn_count(p, l->kind) < opt.max_conn)
		for (int s = 0; s < NPSIM_MAX_CONN; s++)
			if (!p->conns[l->kind][s]) {
				slot = s;
				break;
			}
	if (slot < 0 || fault_hangup(p->num, l->kind)) {
		ev_begin(p->num, slot < 0 ? "refuse" : "fault");
		if (slot >= 0)
			ev_str("fault", "hangup");
		ev_str("kind", kind_name(l->kind));
		ev_str("peer", name);
		ev_end();
		close(fd);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->kind = l->kind;
	c->port = p;
	c->notify = opt.notify_default;
	snprintf(c->peer, sizeof(c->peer), "%s", name);
	snprintf(c->peer_addr, sizeof(c->peer_addr), "%s", addr);
	p->conns[l->kind][slot] = c;
	ev_begin(p->num, "connect");
	ev_str("kind", kind_name(l->kind));
	ev_str("peer", name);
	ev_int("slot", slot);
	ev_end();
	return c;
}

void conn_close(struct conn *c, const char *why)
{
	if (c->dead || c->closing)
		return;
	c->closing = true;
	conn_write(c);		/* last chance for what is queued */
	c->dead = true;
	close(c->fd);
	c->fd = -1;
	ev_begin(c->port->num, "disconnect");
	ev_str("kind", kind_name(c->kind));
	ev_str("peer", c->peer);
	ev_str("reason", why);
	ev_int("rx_bytes", c->rx_bytes);
	ev_int("tx_bytes", c->tx_bytes);
	ev_end();
}

void conn_write(struct conn *c)
{
	while (!c->dead && c->out.len) {
		ssize_t n = send(c->fd, c->out.d, c->out.len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			conn_close(c, strerror(errno));
			return;
		}
		buf_consume(&c->out, n);
		c->tx_bytes += n;
	}
}

int conn_send(struct conn *c, const void *b, size_t n)
{
	if (c->dead)
		return -1;
	if (buf_put(&c->out, b, n)) {
		conn_close(c, "out of memory");
		return -1;
	}
	conn_write(c);
	return 0;
}

/* How much serial input every data client can take now. */
bool data_room(struct sim_port *p, size_t *room)
{
	size_t used = 0;
	bool any = false;

	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *c = p->conns[CONN_DATA][s];

		if (!c || c->dead)
			continue;
		any = true;
		if (c->out.len > used)
			used = c->out.len;
	}
	*room = used >= NPSIM_OUT_MAX ? 0 : NPSIM_OUT_MAX - used;
	return any;
}

/* Bytes the close-after fault still lets through, or SIZE_MAX. */
static size_t read_limit(struct conn *c, size_t want)
{
	long lim = fault_close_after(c->port->num, c->kind);

	if (lim < 0)
		return want;
	if (c->rx_bytes >= (uint64_t)lim)
		return 0;
	return (uint64_t)lim - c->rx_bytes < want ? (size_t)(lim - c->rx_bytes) : want;
}

static void conn_read_data(struct conn *c)
{
	struct sim_port *p = c->port;
	uint8_t b[16384];
	size_t want = sizeof(b);
	ssize_t n;

	if (p->txq.len >= p->txq_max)
		return;
	if (p->txq_max - p->txq.len < want)
		want = p->txq_max - p->txq.len;
	want = read_limit(c, want);
	if (!want) {
		conn_close(c, "fault close-after");
		return;
	}
	n = recv(c->fd, b, want, MSG_DONTWAIT);
	if (n == 0) {
		conn_close(c, "eof");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c, strerror(errno));
		return;
	}
	c->rx_bytes += n;
	if (buf_put(&p->txq, b, n)) {
		conn_close(c, "out of memory");
		return;
	}
	serial_pump(p);
	if (!c->dead && read_limit(c, 1) == 0)
		conn_close(c, "fault close-after");
}

static void conn_read_cmd(struct conn *c)
{
	uint8_t b[4096];
	size_t want = read_limit(c, sizeof(b));
	ssize_t n;

	if (!want) {
		conn_close(c, "fault close-after");
		return;
	}
	n = recv(c->fd, b, want, MSG_DONTWAIT);
	if (n == 0) {
		conn_close(c, "eof");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(c, strerror(errno));
		return;
	}
	c->rx_bytes += n;
	if (buf_put(&c->in, b, n)) {
		conn_close(c, "out of memory");
		return;
	}
	cmd_input(c);
	if (!c->dead && read_limit(c, 1) == 0)
		conn_close(c, "fault close-after");
}

void conn_read(struct conn *c)
{
	if (c->kind == CONN_DATA)
		conn_read_data(c);
	else
		conn_read_cmd(c);
}
