// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the nptty generic netlink family with random requests sent straight
 * to it over a raw netlink socket: random and unknown commands and flags,
 * attributes of every type with well-formed, random, empty, oversized,
 * nested and lying (nla_len past the end) payloads, truncated and padded
 * messages, dumps.  First as root, opening some of the ports it creates;
 * then as an unprivileged user, who must not change anything.  Every reply
 * must be well-formed; at the end every port it made is deleted.  The VM
 * runner fails the run on any WARN, BUG, KASAN... in the kernel log.
 *
 *	nl_fuzz [-n COUNT] [-s SEED] [-t SECONDS]
 *
 * COUNT requests per phase (default 10000), at most SECONDS per phase
 * (default 60).  Runs in a network namespace of its own, so that its ports
 * are invisible to other tests.  Loads ../../nptty.ko (or $NPTTY_KO) if
 * the family is missing, and unloads it again at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nptty.h>

#include "ktap.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define BUF_SIZE	(128 * 1024)
#define MAX_INDEX	48		/* indexes the fuzzer asks for */

struct nl {
	int fd;
	uint32_t seq;
	uint16_t family;
};

struct stats {
	unsigned long sent, send_errors, replies, acks, errors, dumps;
	unsigned long bad;		/* malformed replies */
	unsigned long ok_by_cmd[NPTTY_CMD_MAX + 1];
	unsigned long eperm;
	unsigned long opens;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* --- raw netlink --- */

static int nl_open(struct nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, size = 4 << 20;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(nl->fd);
		return -errno;
	}
	return 0;
}

struct msg {
	uint8_t *buf;
	size_t len;			/* bytes written */
	size_t cap;
};

static struct nlmsghdr *msg_start(struct msg *m, uint16_t type, uint16_t flags,
				  uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(nlh + 1);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	return nlh;
}

/* Append an attribute; @claimed overrides nla_len (a lie) when non-zero. */
static void put_attr(struct msg *m, uint16_t type, const void *data,
		     size_t len, size_t claimed)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->len + total > m->cap)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(claimed ? claimed : NLA_HDRLEN + len);
	if (len)
		memcpy(a + 1, data, len);
	memset((uint8_t *)(a + 1) + len, 0, total - NLA_HDRLEN - len);
	m->len += total;
}

static int send_msg(struct nl *nl, struct msg *m, size_t wire_len)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	nlh->nlmsg_seq = ++nl->seq;
	if (!nlh->nlmsg_len)
		nlh->nlmsg_len = (uint32_t)m->len;
	if (sendto(nl->fd, m->buf, wire_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* Walk @len bytes of attributes; false if one is malformed. */
static bool attrs_sane(const uint8_t *p, size_t len, const char **msg)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return false;
		if (msg && (a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = a->nla_len - NLA_HDRLEN;

			if (!n || p[NLA_HDRLEN + n - 1] != '\0')
				return false;
			*msg = (const char *)p + NLA_HDRLEN;
		}
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			return true;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return len == 0;
}

/*
 * Read what the kernel says to the last request, without blocking; a dump
 * is read to its end.  Returns the request's errno (0: ok or no ack) and
 * counts what it saw.  @dump_out, if given, gets the dump's attributes.
 */
static int drain(struct nl *nl, struct stats *st, uint8_t cmd,
		 uint8_t *dump_out, size_t *dump_len)
{
	static uint8_t buf[BUF_SIZE];
	int result = 0;
	bool done = false;

	while (!done) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *nlh;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)	/* overrun: drop and go on */
				continue;
			break;			/* EAGAIN: nothing more */
		}
		left = (size_t)n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left)) {
			if (nlh->nlmsg_seq != nl->seq) {
				st->bad++;
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				done = true;
				continue;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);
				const char *text = NULL;
				size_t off = NLMSG_HDRLEN + sizeof(*e);

				if (nlh->nlmsg_len < off || e->error > 0) {
					st->bad++;
					done = true;
					continue;
				}
				if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
				    !attrs_sane((const uint8_t *)nlh + off,
						nlh->nlmsg_len - off, &text))
					st->bad++;
				if (e->error) {
					st->errors++;
					result = -e->error;
					if (result == EPERM)
						st->eperm++;
				} else {
					st->acks++;
					if (cmd <= NPTTY_CMD_MAX)
						st->ok_by_cmd[cmd]++;
				}
				done = true;
				continue;
			}
			if (nlh->nlmsg_type != nl->family ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
			    !attrs_sane((const uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN,
					nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
					NULL)) {
				st->bad++;
				continue;
			}
			st->replies++;
			if (!(nlh->nlmsg_flags & NLM_F_MULTI) && cmd <= NPTTY_CMD_MAX)
				st->ok_by_cmd[cmd]++;
			if (dump_out) {
				size_t a = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

				if (*dump_len + a <= BUF_SIZE) {
					memcpy(dump_out + *dump_len,
					       (uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN, a);
					*dump_len += a;
				}
			}
		}
	}
	return result;
}

static int resolve_family(struct nl *nl)
{
	static uint8_t buf[4096];
	struct msg m = { .buf = buf, .cap = sizeof(buf) };
	uint8_t rbuf[8192];
	struct nlmsghdr *nlh;
	ssize_t n;
	size_t left;

	msg_start(&m, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1);
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, NPTTY_FAMILY_NAME,
		 sizeof(NPTTY_FAMILY_NAME), 0);
	((struct nlmsghdr *)buf)->nlmsg_len = 0;
	if (send_msg(nl, &m, m.len))
		return -1;
	n = recv(nl->fd, rbuf, sizeof(rbuf), 0);
	if (n < 0)
		return -1;
	left = (size_t)n;
	for (nlh = (struct nlmsghdr *)rbuf; NLMSG_OK(nlh, left);
	     nlh = NLMSG_NEXT(nlh, left)) {
		uint8_t *p = (uint8_t *)NLMSG_DATA(nlh) + GENL_HDRLEN;
		size_t len;

		if (nlh->nlmsg_type != GENL_ID_CTRL)
			return -1;
		len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		while (len >= NLA_HDRLEN) {
			struct nlattr *a = (struct nlattr *)p;

			if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
				break;
			if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
				memcpy(&nl->family, a + 1, 2);
				return 0;
			}
			if ((size_t)NLA_ALIGN(a->nla_len) >= len)
				break;
			len -= NLA_ALIGN(a->nla_len);
			p += NLA_ALIGN(a->nla_len);
		}
	}
	return -1;
}

/* --- making requests --- */

static void put_random_bytes(struct msg *m, uint16_t type, size_t len)
{
	uint8_t data[4096];

	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)rnd();
	put_attr(m, type, data, len, 0);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put_attr(m, type, &v, 4, 0);
}

static void put_u16(struct msg *m, uint16_t type, uint16_t v)
{
	put_attr(m, type, &v, 2, 0);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put_attr(m, type, &v, 1, 0);
}

/* A random number that is often on an edge. */
static uint32_t edgy(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 9, 10, 99, 100, 255, 256, 257, 4096, 32767, 32768,
		65535, 65536, 600000, 600001, 3600000, 3600001, 1u << 20,
		(1u << 20) + 1, INT32_MAX, UINT32_MAX,
	};

	if (chance(60))
		return edges[below(sizeof(edges) / sizeof(edges[0]))];
	return (uint32_t)rnd();
}

static void put_label(struct msg *m)
{
	static const char chars[] = "abcXYZ019._-/ \n\xff";
	char label[64];
	size_t n = below(40);

	for (size_t i = 0; i < n; i++)
		label[i] = chance(90) ? "plcabc0123"[below(10)] :
			   chars[below(sizeof(chars) - 1)];
	label[n] = '\0';
	/* With or without the NUL, sometimes with junk after it. */
	if (chance(80))
		put_attr(m, NPTTY_A_PORT_LABEL, label, n + 1, 0);
	else
		put_attr(m, NPTTY_A_PORT_LABEL, label, n, 0);
}

/* A well-formed value for a port attribute (that may still be refused). */
static void put_plausible(struct msg *m, uint16_t type)
{
	uint8_t a6[16] = { 0 };
	uint32_t a4;

	switch (type) {
	case NPTTY_A_PORT_INDEX:
		put_u32(m, type, chance(90) ? below(MAX_INDEX) : edgy());
		break;
	case NPTTY_A_PORT_ADDR4:
		a4 = chance(80) ? htonl(0x7f000001 + below(4)) : (uint32_t)rnd();
		put_attr(m, type, &a4, 4, 0);
		break;
	case NPTTY_A_PORT_ADDR6:
		a6[15] = 1;
		if (chance(20))
			for (int i = 0; i < 16; i++)
				a6[i] = (uint8_t)rnd();
		put_attr(m, type, a6, 16, 0);
		break;
	case NPTTY_A_PORT_DATA_PORT:
	case NPTTY_A_PORT_CMD_PORT:
		put_u16(m, type, chance(80) ? (uint16_t)(4001 + below(64)) :
					      (uint16_t)edgy());
		break;
	case NPTTY_A_PORT_LABEL:
		put_label(m);
		break;
	case NPTTY_A_PORT_LOSS_POLICY:
	case NPTTY_A_PORT_LINK_STATE:
	case NPTTY_A_PORT_NTF_REASON:
		put_u8(m, type, (uint8_t)below(5));
		break;
	case NPTTY_A_PORT_STATS: {
		uint64_t v = rnd();

		put_attr(m, type | NLA_F_NESTED, NULL, 0, 0);
		put_attr(m, NPTTY_A_STATS_TX_BYTES, &v, 8, 0);
		break;
	}
	case NPTTY_A_PORT_TTY_NAME:
		put_attr(m, type, "ttyNP0", 7, 0);
		break;
	default:
		put_u32(m, type, edgy());
	}
}

/* A nest of random attributes, @depth levels deep. */
static void put_nest(struct msg *m, int depth)
{
	size_t start = m->len;
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);
	int n = (int)below(5);

	if (m->len + NLA_HDRLEN > m->cap)
		return;
	a->nla_type = (uint16_t)(below(NPTTY_A_PORT_MAX + 3) | NLA_F_NESTED);
	m->len += NLA_HDRLEN;
	for (int i = 0; i < n; i++) {
		if (depth > 0 && chance(30))
			put_nest(m, depth - 1);
		else
			put_random_bytes(m, (uint16_t)below(12), below(12));
	}
	a = (struct nlattr *)(m->buf + start);
	a->nla_len = (uint16_t)(m->len - start);
}

static uint16_t random_type(void)
{
	unsigned int r = below(100);

	if (r < 75)
		return (uint16_t)(1 + below(NPTTY_A_PORT_MAX));
	if (r < 80)
		return 0;
	if (r < 90)
		return (uint16_t)(NPTTY_A_PORT_MAX + 1 + below(20));
	return (uint16_t)rnd();		/* flags bits and all */
}

/* One random attribute of any kind. */
static void put_random_attr(struct msg *m)
{
	unsigned int r = below(100);
	uint16_t type = random_type();

	if (r < 50)
		put_plausible(m, type & NLA_TYPE_MASK);
	else if (r < 75)
		put_random_bytes(m, type, below(24));
	else if (r < 85)
		put_nest(m, 3);
	else if (r < 90)
		put_random_bytes(m, type, 200 + below(3000));	/* oversized */
	else if (r < 95)
		put_attr(m, type, NULL, 0, 0);			/* empty */
	else
		put_random_bytes(m, type, below(8));
}

static uint8_t random_cmd(void)
{
	unsigned int r = below(100);

	if (r < 85)
		return (uint8_t)(NPTTY_CMD_PORT_NEW + below(4));
	if (r < 90)
		return NPTTY_CMD_PORT_NTF;
	if (r < 95)
		return 0;
	return (uint8_t)rnd();
}

/*
 * Build and send one random request; returns its command.  @force_ack:
 * mutations always ask for an ack (the unprivileged phase counts them).
 */
static uint8_t fuzz_one(struct nl *nl, struct msg *m, bool force_ack)
{
	uint8_t cmd = random_cmd();
	uint16_t flags = NLM_F_REQUEST;
	size_t wire;
	int n;

	if (chance(60) || (force_ack && cmd != NPTTY_CMD_PORT_GET))
		flags |= NLM_F_ACK;
	if (chance(cmd == NPTTY_CMD_PORT_GET ? 40 : 5))
		flags |= NLM_F_DUMP;
	if (chance(2))
		flags |= (uint16_t)rnd() & ~NLM_F_REQUEST;
	if (chance(1))
		flags &= ~NLM_F_REQUEST;
	msg_start(m, nl->family, flags, cmd,
		  chance(95) ? NPTTY_FAMILY_VERSION : (uint8_t)rnd());

	/* Often a request that gets past the policy, to reach the handlers. */
	if (cmd == NPTTY_CMD_PORT_NEW && chance(60)) {
		put_plausible(m, chance(80) ? NPTTY_A_PORT_ADDR4 : NPTTY_A_PORT_ADDR6);
		put_plausible(m, NPTTY_A_PORT_DATA_PORT);
	} else if (cmd != NPTTY_CMD_PORT_NEW && chance(70)) {
		put_plausible(m, NPTTY_A_PORT_INDEX);
	}
	n = (int)below(chance(95) ? 6 : 40);
	for (int i = 0; i < n; i++) {
		if (chance(70) && cmd != 0)
			/* a setting: mostly valid */
			put_plausible(m, (uint16_t)(NPTTY_A_PORT_CMD_PORT +
						    below(NPTTY_A_PORT_SCOPE6 -
							  NPTTY_A_PORT_CMD_PORT + 1)));
		else
			put_random_attr(m);
	}
	if (chance(1))		/* oversized: tens of KiB of attributes */
		while (m->len + 4000 < m->cap && m->len < 60000)
			put_random_bytes(m, random_type(), 3000);

	/* The framing: sometimes it lies. */
	((struct nlmsghdr *)m->buf)->nlmsg_len = 0;
	wire = m->len;
	switch (below(100)) {
	case 0 ... 2: {		/* nlmsg_len says less than was sent */
		uint32_t len = (uint32_t)(NLMSG_HDRLEN + below((unsigned int)m->len));

		/* The kernel reads what follows as the next message: zeros,
		 * so that it stops there and no other family is reached. */
		((struct nlmsghdr *)m->buf)->nlmsg_len = len;
		if (len < m->len)
			memset(m->buf + len, 0, m->len - len);
		break;
	}
	case 3 ... 4:		/* says more */
		((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)(m->len + 1 + below(64));
		break;
	case 5 ... 7:		/* the last attribute claims to go on */
		if (m->len > NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN)
			put_attr(m, random_type(), "xyz", 3, 4 + below(200));
		wire = m->len;
		break;
	case 8 ... 9:		/* cut short on the wire */
		wire = NLMSG_HDRLEN + below((unsigned int)(m->len - NLMSG_HDRLEN + 1));
		((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)wire;
		break;
	case 10:		/* no generic netlink header */
		wire = NLMSG_HDRLEN + below(GENL_HDRLEN);
		((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)wire;
		break;
	}
	send_msg(nl, m, wire);
	return cmd;
}

/* --- phases --- */

/* The attributes of a dump of every port (the port set, byte for byte). */
static size_t snapshot(struct nl *nl, uint8_t *out)
{
	static uint8_t buf[256];
	struct msg m = { .buf = buf, .cap = sizeof(buf) };
	struct stats st = { 0 };
	size_t len = 0;

	msg_start(&m, nl->family, NLM_F_REQUEST | NLM_F_DUMP,
		  NPTTY_CMD_PORT_GET, NPTTY_FAMILY_VERSION);
	((struct nlmsghdr *)buf)->nlmsg_len = 0;
	if (send_msg(nl, &m, m.len))
		return 0;
	drain(nl, &st, NPTTY_CMD_PORT_GET, out, &len);
	return len;
}

/* Indexes of the ports of a snapshot. */
static int snapshot_indexes(const uint8_t *p, size_t len, uint32_t *idx, int max)
{
	int n = 0;

	while (len >= NLA_HDRLEN && n < max) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NPTTY_A_PORT_INDEX)
			memcpy(&idx[n++], a + 1, 4);
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return n;
}

static void open_some_port(struct stats *st)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/dev/ttyNP%u", below(MAX_INDEX));
	fd = open(path, O_RDWR | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return;
	/* No write: close would wait (closing_wait) for bytes that cannot
	 * leave, as the namespace has no route anywhere. */
	st->opens++;
	close(fd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(struct nl *nl, struct stats *st, unsigned long count,
		double seconds, bool unprivileged)
{
	static uint8_t buf[70000];
	struct msg m = { .buf = buf, .cap = sizeof(buf) };
	double end = now() + seconds;

	for (unsigned long i = 0; i < count && now() < end; i++) {
		uint8_t cmd = fuzz_one(nl, &m, unprivileged);

		/* Without NLM_F_REQUEST the kernel acks and does nothing. */
		if (!(((struct nlmsghdr *)buf)->nlmsg_flags & NLM_F_REQUEST))
			cmd = UINT8_MAX;
		st->sent++;
		if (((struct nlmsghdr *)buf)->nlmsg_flags & NLM_F_DUMP)
			st->dumps++;
		drain(nl, st, cmd, NULL, NULL);
		if (!unprivileged && i % 128 == 127)
			open_some_port(st);
	}
}

static void print_stats(const char *who, const struct stats *st)
{
	ktap_diag("%s: %lu sent, %lu dumps, %lu replies, %lu acks, %lu errors (%lu EPERM), "
		  "%lu malformed", who, st->sent, st->dumps, st->replies,
		  st->acks, st->errors, st->eperm, st->bad);
	ktap_diag("%s: succeeded: new %lu, del %lu, get %lu, set %lu; %lu ttys opened",
		  who, st->ok_by_cmd[NPTTY_CMD_PORT_NEW],
		  st->ok_by_cmd[NPTTY_CMD_PORT_DEL], st->ok_by_cmd[NPTTY_CMD_PORT_GET],
		  st->ok_by_cmd[NPTTY_CMD_PORT_SET], st->opens);
}

/* The unprivileged phase, in a child that drops root for good. */
static int unprivileged(unsigned long count, double seconds, struct stats *out,
			int result_fd)
{
	struct stats st = { 0 };
	struct nl nl = { 0 };

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 2;
	if (nl_open(&nl) || resolve_family(&nl))
		return 3;
	run(&nl, &st, count, seconds, true);
	*out = st;
	if (write(result_fd, &st, sizeof(st)) != sizeof(st))
		return 4;
	return 0;
}

/* --- the module --- */

static int run_cmd(const char *prog, const char *arg)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execlp(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool load_module(void)
{
	char exe[PATH_MAX], ko[PATH_MAX + 32];
	const char *env = getenv("NPTTY_KO");
	ssize_t n;
	char *slash;

	if (env)
		return run_cmd("insmod", env) == 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	snprintf(ko, sizeof(ko), "%s/../../nptty.ko", exe);
	return run_cmd("insmod", ko) == 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 10000;
	double seconds = 60;
	struct stats root = { 0 }, user = { 0 };
	static uint8_t before[BUF_SIZE], after[BUF_SIZE];
	size_t before_len, after_len;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	bool loaded = false;
	struct nl nl = { 0 };
	double t0;
	uint32_t idx[1024];
	int c, pipefd[2], status, n;
	pid_t pid;

	while ((c = getopt(argc, argv, "n:s:t:")) != -1) {
		switch (c) {
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtod(optarg, NULL);
			break;
		default:
			fprintf(stderr, "usage: %s [-n COUNT] [-s SEED] [-t SECONDS]\n",
				argv[0]);
			return 2;
		}
	}
	if (geteuid())
		ktap_skip_all("needs root");
	if (unshare(CLONE_NEWNET))
		ktap_skip_all("cannot make a network namespace: %s", strerror(errno));
	if (nl_open(&nl))
		ktap_skip_all("no generic netlink socket");
	if (resolve_family(&nl)) {
		if (!load_module() || resolve_family(&nl))
			ktap_skip_all("no nptty family and cannot load nptty.ko");
		loaded = true;
	}
	rng_state = seed ? seed : 1;

	ktap_plan(7);
	ktap_diag("seed %llu (rerun with -s %llu), %lu requests per phase, family %u",
		  (unsigned long long)seed, (unsigned long long)seed, count, nl.family);

	/* As root. */
	t0 = now();
	run(&nl, &root, count, seconds, false);
	print_stats("root", &root);
	ktap_diag("root: %.1f s", now() - t0);
	ktap_ok(root.sent > 0 && root.bad == 0,
		"root: %lu random requests, every reply well-formed", root.sent);
	ktap_ok(root.ok_by_cmd[NPTTY_CMD_PORT_NEW] && root.ok_by_cmd[NPTTY_CMD_PORT_SET] &&
		root.ok_by_cmd[NPTTY_CMD_PORT_DEL] && root.ok_by_cmd[NPTTY_CMD_PORT_GET],
		"root: the handlers were reached (some of each command succeeded)");

	/* As nobody: nothing may change. */
	before_len = snapshot(&nl, before);
	if (pipe(pipefd))
		return KSFT_FAIL;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		_exit(unprivileged(count, seconds, &user, pipefd[1]));
	}
	close(pipefd[1]);
	n = (int)read(pipefd[0], &user, sizeof(user));
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	ktap_ok(WIFEXITED(status) && !WEXITSTATUS(status) && n == sizeof(user) &&
		user.bad == 0,
		"unprivileged: %lu random requests, every reply well-formed", user.sent);
	if (n == sizeof(user))
		print_stats("nobody", &user);
	ktap_ok(n == sizeof(user) && !user.ok_by_cmd[NPTTY_CMD_PORT_NEW] &&
		!user.ok_by_cmd[NPTTY_CMD_PORT_DEL] && !user.ok_by_cmd[NPTTY_CMD_PORT_SET] &&
		user.eperm > 0,
		"unprivileged: no add, del or set succeeded (%lu refused with EPERM)",
		user.eperm);
	after_len = snapshot(&nl, after);
	ktap_ok(before_len == after_len && !memcmp(before, after, before_len),
		"unprivileged: the ports are byte for byte what they were (%d ports)",
		snapshot_indexes(before, before_len, idx, 1024));

	/* Clean up: delete every port this namespace has. */
	n = snapshot_indexes(after, after_len, idx, 1024);
	for (int i = 0; i < n; i++) {
		static uint8_t buf[256];
		struct msg m = { .buf = buf, .cap = sizeof(buf) };
		struct stats st = { 0 };

		msg_start(&m, nl.family, NLM_F_REQUEST | NLM_F_ACK,
			  NPTTY_CMD_PORT_DEL, NPTTY_FAMILY_VERSION);
		put_u32(&m, NPTTY_A_PORT_INDEX, idx[i]);
		((struct nlmsghdr *)buf)->nlmsg_len = 0;
		send_msg(&nl, &m, m.len);
		drain(&nl, &st, NPTTY_CMD_PORT_DEL, NULL, NULL);
	}
	after_len = snapshot(&nl, after);
	ktap_ok(after_len == 0, "cleanup: the %d ports left were deleted", n);
	close(nl.fd);

	ktap_ok(!loaded || run_cmd("rmmod", "nptty") == 0,
		"%s", loaded ? "the module unloads after the fuzzing" :
			       "the module stays loaded (it was before)");
	return ktap_finish();
}
