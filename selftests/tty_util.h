/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for nptty's C link selftests (tty_*.c): PORT_NEW/PORT_DEL over
 * generic netlink with the kernel's error message, a threaded echo server
 * on loopback that counts its connections, and the TCP sockets in use.
 */
#ifndef NPTTY_TTY_UTIL_H
#define NPTTY_TTY_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/netlink.h>
#include <linux/nptty.h>

/* --- netlink --- */

struct nl {
	struct nl_sock *sk;
	int family;
};

static inline int nl_open(struct nl *nl)
{
	int one = 1;

	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk))
		return -1;
	/* error replies without the request, with the kernel's message */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, NPTTY_FAMILY_NAME);
	return nl->family < 0 ? -1 : 0;
}

struct nl_result {
	bool done;
	int err;		/* -errno from the kernel, 0 */
	char msg[128];		/* its extended ack message */
};

static inline int on_nl_error(struct sockaddr_nl *who, struct nlmsgerr *e,
			      void *arg)
{
	struct nlmsghdr *h = (void *)((char *)e - NLMSG_HDRLEN);
	int len = (int)h->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nl_result *r = arg;

	(void)who;
	r->err = e->error;
	r->done = true;
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && len > 0 &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX, (void *)(e + 1), len, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static inline int on_nl_ack(struct nl_msg *m, void *arg)
{
	struct nl_result *r = arg;

	(void)m;
	r->done = true;
	return NL_STOP;
}

/*
 * PORT_NEW (data_port != 0) or PORT_DEL of @index; 0 or -errno (and the
 * kernel's message in @why, when given).  Reads until this request's ack or
 * error: PORT_NEW's reply comes first.
 */
static inline int port_cmd_why(struct nl *nl, unsigned int index,
			       uint16_t data_port, char *why, size_t why_len)
{
	uint32_t lo = htonl(INADDR_LOOPBACK);
	int cmd = data_port ? NPTTY_CMD_PORT_NEW : NPTTY_CMD_PORT_DEL;
	struct nl_result r = { 0 };
	struct nl_msg *m = nlmsg_alloc();
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!m || !cb ||
	    !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 NLM_F_ACK, cmd, NPTTY_FAMILY_VERSION) ||
	    nla_put_u32(m, NPTTY_A_PORT_INDEX, index) ||
	    (data_port &&
	     (nla_put(m, NPTTY_A_PORT_ADDR4, 4, &lo) ||
	      nla_put_u16(m, NPTTY_A_PORT_DATA_PORT, data_port) ||
	      nla_put_u16(m, NPTTY_A_PORT_CMD_PORT, 0) ||
	      nla_put_u32(m, NPTTY_A_PORT_CONNECT_TIMEOUT, 3000)))) {
		ret = -ENOMEM;
		goto out;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_nl_error, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_nl_ack, &r);
	ret = nl_send_auto(nl->sk, m);
	if (ret < 0) {
		ret = -EIO;
		goto out;
	}
	while (!r.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !r.done) {
			ret = -EIO;
			goto out;
		}
	}
	ret = r.err;
	if (why)
		snprintf(why, why_len, "%s", r.msg);
out:
	nlmsg_free(m);
	nl_cb_put(cb);
	return ret;
}

static inline int port_cmd(struct nl *nl, unsigned int index,
			   uint16_t data_port)
{
	return port_cmd_why(nl, index, data_port, NULL, 0);
}

/* --- echo servers (connections counted over all of them) --- */

static atomic_int echo_accepts, echo_closes;

static inline void *echo_conn(void *arg)
{
	int fd = (int)(long)arg;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (send(fd, buf, n, MSG_NOSIGNAL) != n)
			break;
	close(fd);
	atomic_fetch_add(&echo_closes, 1);
	return NULL;
}

static inline void *echo_accept(void *arg)
{
	int lfd = (int)(long)arg, fd;
	pthread_t th;

	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		atomic_fetch_add(&echo_accepts, 1);
		if (pthread_create(&th, NULL, echo_conn, (void *)(long)fd)) {
			close(fd);
			continue;
		}
		pthread_detach(th);
	}
	return NULL;
}

static inline int echo_server(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	pthread_t th;
	int fd;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (void *)&a, sizeof(a)) || listen(fd, 64) ||
	    getsockname(fd, (void *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	if (pthread_create(&th, NULL, echo_accept, (void *)(long)fd))
		return -1;
	pthread_detach(th);
	return 0;
}

static inline int tcp_inuse(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/net/sockstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "TCP: inuse %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* Like lib.sh's need_module: load $NPTTY_KO (../nptty.ko) when missing. */
static inline void load_module(void)
{
	if (system("grep -q '^nptty ' /proc/modules || "
		   "insmod \"${NPTTY_KO:-../nptty.ko}\"") == -1)
		perror("system");
}

#endif /* NPTTY_TTY_UTIL_H */
