// SPDX-License-Identifier: GPL-2.0
/*
 * Ports as npctl sees them: a reply turned into a struct npctl_port, the
 * list of all ports (one dump), naming a port, and building the attributes
 * of a request from a struct npctl_spec.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/nptty.h>

#include "ports.h"

static uint32_t u32_or(struct nlattr *a, uint32_t def)
{
	return a ? nla_get_u32(a) : def;
}

static void parse_stats(struct nlattr *nest, uint64_t *v)
{
	struct nlattr *tb[NPTTY_A_STATS_MAX + 1];

	if (!nest || nla_parse_nested(tb, NPTTY_A_STATS_MAX, nest, NULL))
		return;
	for (int i = 1; i <= NPTTY_A_STATS_MAX; i++)
		if (tb[i] && nla_len(tb[i]) == 8)
			v[i] = nla_get_u64(tb[i]);
}

bool npctl_port_parse(struct nlattr **a, struct npctl_port *p)
{
	memset(p, 0, sizeof(*p));
	if (!a[NPTTY_A_PORT_INDEX])
		return false;
	p->index = nla_get_u32(a[NPTTY_A_PORT_INDEX]);
	if (a[NPTTY_A_PORT_TTY_NAME])
		snprintf(p->tty, sizeof(p->tty), "%s",
			 nla_get_string(a[NPTTY_A_PORT_TTY_NAME]));
	else
		snprintf(p->tty, sizeof(p->tty), "ttyNP%u", p->index);
	if (a[NPTTY_A_PORT_ADDR4]) {
		p->remote.family = AF_INET;
		memcpy(&p->remote.addr4, nla_data(a[NPTTY_A_PORT_ADDR4]), 4);
	} else if (a[NPTTY_A_PORT_ADDR6]) {
		p->remote.family = AF_INET6;
		memcpy(&p->remote.addr6, nla_data(a[NPTTY_A_PORT_ADDR6]), 16);
		p->remote.scope = u32_or(a[NPTTY_A_PORT_SCOPE6], 0);
	}
	if (a[NPTTY_A_PORT_DATA_PORT])
		p->remote.port = nla_get_u16(a[NPTTY_A_PORT_DATA_PORT]);
	if (a[NPTTY_A_PORT_CMD_PORT])
		p->cmd_port = nla_get_u16(a[NPTTY_A_PORT_CMD_PORT]);
	if (a[NPTTY_A_PORT_LABEL])
		snprintf(p->label, sizeof(p->label), "%s",
			 nla_get_string(a[NPTTY_A_PORT_LABEL]));
	p->connect_timeout_ms = u32_or(a[NPTTY_A_PORT_CONNECT_TIMEOUT], 0);
	p->keepalive_s = u32_or(a[NPTTY_A_PORT_KEEPALIVE], 0);
	p->user_timeout_ms = u32_or(a[NPTTY_A_PORT_USER_TIMEOUT], 0);
	p->loss = a[NPTTY_A_PORT_LOSS_POLICY] ?
		  nla_get_u8(a[NPTTY_A_PORT_LOSS_POLICY]) : 0;
	p->tx_ring = u32_or(a[NPTTY_A_PORT_TX_RING], 0);
	p->cmd_timeout_ms = u32_or(a[NPTTY_A_PORT_CMD_TIMEOUT], 0);
	p->state = a[NPTTY_A_PORT_LINK_STATE] ?
		   nla_get_u8(a[NPTTY_A_PORT_LINK_STATE]) : 0;
	p->open = u32_or(a[NPTTY_A_PORT_OPEN_COUNT], 0);
	p->last_error = u32_or(a[NPTTY_A_PORT_LAST_ERROR], 0);
	p->baud = u32_or(a[NPTTY_A_PORT_BAUD], 0);
	p->cflag = u32_or(a[NPTTY_A_PORT_CFLAG], 0);
	p->iflag = u32_or(a[NPTTY_A_PORT_IFLAG], 0);
	p->modem = u32_or(a[NPTTY_A_PORT_MODEM], 0);
	parse_stats(a[NPTTY_A_PORT_STATS], p->stats);
	p->reason = a[NPTTY_A_PORT_NTF_REASON] ?
		    nla_get_u8(a[NPTTY_A_PORT_NTF_REASON]) : 0;
	return true;
}

static int collect(struct nlattr **a, void *arg)
{
	struct npctl_ports *ports = arg;

	if (ports->n == ports->cap) {
		size_t cap = ports->cap ? ports->cap * 2 : 16;
		struct npctl_port *v = realloc(ports->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ports->v = v;
		ports->cap = cap;
	}
	if (npctl_port_parse(a, &ports->v[ports->n]))
		ports->n++;
	return 0;
}

static int by_index(const void *a, const void *b)
{
	const struct npctl_port *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

int npctl_ports_fetch(struct npctl_nl *nl, struct npctl_ports *ports)
{
	struct nl_msg *msg;
	int ret;

	memset(ports, 0, sizeof(*ports));
	msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_GET, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	ret = npctl_nl_run(nl, msg, "list", collect, ports);
	if (ret) {
		if (ret == -ENOMEM)
			fprintf(stderr, "npctl: out of memory\n");
		npctl_ports_free(ports);
		return ret;
	}
	if (ports->n)
		qsort(ports->v, ports->n, sizeof(*ports->v), by_index);
	ports->fetched = true;
	return 0;
}

void npctl_ports_free(struct npctl_ports *ports)
{
	free(ports->v);
	memset(ports, 0, sizeof(*ports));
}

long npctl_port_lookup(struct npctl_nl *nl, const char *name,
		       struct npctl_ports *cache)
{
	struct npctl_remote r;
	bool by_remote = false;
	long index = -1;
	char err[128];
	int matches = 0;
	uint32_t n;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	if (!strncmp(name, "ttyNP", 5) && npctl_parse_u32(name + 5, 0, UINT32_MAX, &n))
		return n;
	if (npctl_parse_u32(name, 0, UINT32_MAX, &n))
		return n;
	if (strchr(name, ':') || name[0] == '[') {
		if (npctl_parse_remote(name, &r, err, sizeof(err))) {
			fprintf(stderr, "npctl: %s: %s\n", name, err);
			return -1;
		}
		by_remote = true;
	}
	if (!cache->fetched && npctl_ports_fetch(nl, cache))
		return -1;
	for (size_t i = 0; i < cache->n; i++) {
		const struct npctl_port *p = &cache->v[i];
		bool hit;

		if (by_remote) {
			struct npctl_remote pr = p->remote;

			/* "[fe80::1]:4001" matches whatever the scope. */
			if (!r.scope)
				pr.scope = 0;
			hit = npctl_remote_eq(&pr, &r);
		} else {
			hit = !strcmp(p->label, name);
		}
		if (hit) {
			index = p->index;
			matches++;
		}
	}
	if (matches > 1) {
		fprintf(stderr, "npctl: %s: names %d ports; use the tty name\n",
			name, matches);
		return -1;
	}
	if (!matches)
		fprintf(stderr, "npctl: %s: no such port\n", name);
	return index;
}

void npctl_spec_from_port(const struct npctl_port *p, struct npctl_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->given = NPCTL_S_ALL;
	s->index = p->index;
	s->cmd_port = p->cmd_port;
	snprintf(s->label, sizeof(s->label), "%s", p->label);
	s->connect_timeout_ms = p->connect_timeout_ms;
	s->keepalive_s = p->keepalive_s;
	s->user_timeout_ms = p->user_timeout_ms;
	s->loss = p->loss;
	s->tx_ring = p->tx_ring;
	s->cmd_timeout_ms = p->cmd_timeout_ms;
}

int npctl_spec_put(struct nl_msg *msg, const struct npctl_spec *s,
		   unsigned int bits)
{
	bits &= s->given;
	if ((bits & NPCTL_S_INDEX) &&
	    nla_put_u32(msg, NPTTY_A_PORT_INDEX, s->index))
		return -EMSGSIZE;
	if ((bits & NPCTL_S_CMD_PORT) &&
	    nla_put_u16(msg, NPTTY_A_PORT_CMD_PORT, s->cmd_port))
		return -EMSGSIZE;
	if ((bits & NPCTL_S_LABEL) &&
	    nla_put_string(msg, NPTTY_A_PORT_LABEL, s->label))
		return -EMSGSIZE;
	if ((bits & NPCTL_S_CONNECT_TIMEOUT) &&
	    nla_put_u32(msg, NPTTY_A_PORT_CONNECT_TIMEOUT, s->connect_timeout_ms))
		return -EMSGSIZE;
	if ((bits & NPCTL_S_KEEPALIVE) &&
	    nla_put_u32(msg, NPTTY_A_PORT_KEEPALIVE, s->keepalive_s))
		return -EMSGSIZE;
	if ((bits & NPCTL_S_USER_TIMEOUT) &&
	    nla_put_u32(msg, NPTTY_A_PORT_USER_TIMEOUT, s->user_timeout_ms))
		return -EMSGSIZE;
	if ((bits & NPCTL_S_LOSS) &&
	    nla_put_u8(msg, NPTTY_A_PORT_LOSS_POLICY, s->loss))
		return -EMSGSIZE;
	if ((bits & NPCTL_S_TX_RING) &&
	    nla_put_u32(msg, NPTTY_A_PORT_TX_RING, s->tx_ring))
		return -EMSGSIZE;
	if ((bits & NPCTL_S_CMD_TIMEOUT) &&
	    nla_put_u32(msg, NPTTY_A_PORT_CMD_TIMEOUT, s->cmd_timeout_ms))
		return -EMSGSIZE;
	return 0;
}

int npctl_remote_put(struct nl_msg *msg, const struct npctl_remote *r)
{
	int ret;

	if (r->family == AF_INET)
		ret = nla_put(msg, NPTTY_A_PORT_ADDR4, 4, &r->addr4);
	else
		ret = nla_put(msg, NPTTY_A_PORT_ADDR6, 16, &r->addr6);
	if (!ret && r->scope)
		ret = nla_put_u32(msg, NPTTY_A_PORT_SCOPE6, r->scope);
	if (ret)
		return ret;
	return nla_put_u16(msg, NPTTY_A_PORT_DATA_PORT, r->port);
}

static int parse_one(struct nlattr **a, void *arg)
{
	struct npctl_port *p = arg;

	if (p)
		npctl_port_parse(a, p);
	return 0;
}

int npctl_port_new(struct npctl_nl *nl, const char *what,
		   const struct npctl_remote *r, const struct npctl_spec *s,
		   struct npctl_port *out)
{
	struct nl_msg *msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_NEW, 0);

	if (!msg)
		return -ENOMEM;
	if (npctl_remote_put(msg, r) || npctl_spec_put(msg, s, NPCTL_S_ALL)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return npctl_nl_run(nl, msg, what, parse_one, out);
}

int npctl_port_set(struct npctl_nl *nl, const char *what, uint32_t index,
		   const struct npctl_spec *s, unsigned int bits)
{
	struct nl_msg *msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_SET, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, NPTTY_A_PORT_INDEX, index) ||
	    npctl_spec_put(msg, s, bits & ~NPCTL_S_INDEX)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return npctl_nl_run(nl, msg, what, NULL, NULL);
}

int npctl_port_del(struct npctl_nl *nl, const char *what, uint32_t index)
{
	struct nl_msg *msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_DEL, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, NPTTY_A_PORT_INDEX, index)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return npctl_nl_run(nl, msg, what, NULL, NULL);
}

int npctl_port_fetch(struct npctl_nl *nl, const char *what, uint32_t index,
		     struct npctl_port *out)
{
	struct nl_msg *msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_GET, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, NPTTY_A_PORT_INDEX, index)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return npctl_nl_run(nl, msg, what, parse_one, out);
}
