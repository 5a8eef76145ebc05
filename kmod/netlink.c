// SPDX-License-Identifier: GPL-2.0
/*
 * The "nptty" generic netlink family: PORT_NEW, PORT_DEL, PORT_GET (do and
 * dump), PORT_SET, and PORT_NTF notifications to the "monitor" group.  The
 * ABI is include/uapi/linux/nptty.h; the spec docs/netlink/nptty.yaml.
 *
 * Every rejection carries an extack message.  Mutations need CAP_NET_ADMIN
 * in the initial user namespace (checked here, so that the refusal can say
 * why; see need_admin()); reads are open to all.  A port belongs to the
 * namespace of whoever created it, and is only seen from there.
 *
 * Handlers run in process context under the genl mutex (no parallel_ops).
 * A looked-up port is referenced for the duration of the handler.  Dumps
 * resume by index, holding no reference between calls.
 */
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <linux/nptty.h>

#include "compat.h"
#include "netlink.h"
#include "port.h"

static struct genl_family nptty_genl_family;
static bool nptty_genl_live;

static const struct genl_multicast_group nptty_mcgrps[] = {
	{ .name = NPTTY_MCGRP_MONITOR },
};

static struct netlink_range_validation connect_timeout_range = {
	.min = 100, .max = 600000,
};

static struct netlink_range_validation user_timeout_range = {
	.min = 0, .max = 3600000,
};

static struct netlink_range_validation tx_ring_range = {
	.min = 256, .max = 1 << 20,
};

static struct netlink_range_validation cmd_timeout_range = {
	.min = 10, .max = 600000,
};

/*
 * One policy per command (strict validation: anything not listed is refused
 * with "Unsupported attribute").  docs/netlink/nptty.yaml lists the same
 * request attributes; selftests/nl_policy.sh compares the two.
 */
#define READ_ONLY { .type = NLA_REJECT, .reject_message = "read-only attribute" }
#define FIXED { .type = NLA_REJECT, \
	.reject_message = "the address of a port cannot change: delete it and add a new one" }

#define POLICY_INDEX \
	[NPTTY_A_PORT_INDEX] = { .type = NLA_U32 }

#define POLICY_ADDRESS \
	[NPTTY_A_PORT_ADDR4] = NLA_POLICY_EXACT_LEN(4), \
	[NPTTY_A_PORT_ADDR6] = NLA_POLICY_EXACT_LEN(16), \
	[NPTTY_A_PORT_DATA_PORT] = NLA_POLICY_MIN(NLA_U16, 1), \
	[NPTTY_A_PORT_SCOPE6] = { .type = NLA_U32 }

#define POLICY_SETTINGS \
	[NPTTY_A_PORT_CMD_PORT] = { .type = NLA_U16 }, \
	[NPTTY_A_PORT_LABEL] = { .type = NLA_NUL_STRING, \
				 .len = NPTTY_LABEL_MAX - 1 }, \
	[NPTTY_A_PORT_CONNECT_TIMEOUT] = \
		NLA_POLICY_FULL_RANGE(NLA_U32, &connect_timeout_range), \
	[NPTTY_A_PORT_KEEPALIVE] = NLA_POLICY_MAX(NLA_U32, 32767), \
	[NPTTY_A_PORT_USER_TIMEOUT] = \
		NLA_POLICY_FULL_RANGE(NLA_U32, &user_timeout_range), \
	[NPTTY_A_PORT_LOSS_POLICY] = NLA_POLICY_RANGE(NLA_U8, \
						      NPTTY_LOSS_RECONNECT, \
						      NPTTY_LOSS_HANGUP), \
	[NPTTY_A_PORT_TX_RING] = \
		NLA_POLICY_FULL_RANGE(NLA_U32, &tx_ring_range), \
	[NPTTY_A_PORT_CMD_TIMEOUT] = \
		NLA_POLICY_FULL_RANGE(NLA_U32, &cmd_timeout_range)

#define POLICY_READ_ONLY \
	[NPTTY_A_PORT_TTY_NAME] = READ_ONLY, \
	[NPTTY_A_PORT_LINK_STATE] = READ_ONLY, \
	[NPTTY_A_PORT_OPEN_COUNT] = READ_ONLY, \
	[NPTTY_A_PORT_LAST_ERROR] = READ_ONLY, \
	[NPTTY_A_PORT_BAUD] = READ_ONLY, \
	[NPTTY_A_PORT_CFLAG] = READ_ONLY, \
	[NPTTY_A_PORT_IFLAG] = READ_ONLY, \
	[NPTTY_A_PORT_MODEM] = READ_ONLY, \
	[NPTTY_A_PORT_STATS] = READ_ONLY, \
	[NPTTY_A_PORT_NTF_REASON] = READ_ONLY, \
	[NPTTY_A_PORT_PAD] = READ_ONLY

/* PORT_NEW: an address, a data port, and any setting. */
static const struct nla_policy nptty_new_policy[NPTTY_A_PORT_MAX + 1] = {
	POLICY_INDEX,
	POLICY_ADDRESS,
	POLICY_SETTINGS,
	POLICY_READ_ONLY,
};

/* PORT_SET: the index and any setting; the address is fixed. */
static const struct nla_policy nptty_set_policy[NPTTY_A_PORT_MAX + 1] = {
	POLICY_INDEX,
	[NPTTY_A_PORT_ADDR4] = FIXED,
	[NPTTY_A_PORT_ADDR6] = FIXED,
	[NPTTY_A_PORT_DATA_PORT] = FIXED,
	[NPTTY_A_PORT_SCOPE6] = FIXED,
	POLICY_SETTINGS,
	POLICY_READ_ONLY,
};

/* PORT_DEL and PORT_GET: the index only. */
static const struct nla_policy nptty_index_policy[NPTTY_A_PORT_MAX + 1] = {
	POLICY_INDEX,
	POLICY_READ_ONLY,
};

/* --- building messages --- */

static int put_addr(struct sk_buff *msg, const struct nptty_port_cfg *cfg)
{
	const struct sockaddr_in *in4 = (const void *)&cfg->addr;
	const struct sockaddr_in6 *in6 = (const void *)&cfg->addr;

	if (cfg->addr.ss_family == AF_INET)
		return nla_put_in_addr(msg, NPTTY_A_PORT_ADDR4,
				       in4->sin_addr.s_addr) ?:
		       nla_put_u16(msg, NPTTY_A_PORT_DATA_PORT,
				   ntohs(in4->sin_port));
	return nla_put_in6_addr(msg, NPTTY_A_PORT_ADDR6, &in6->sin6_addr) ?:
	       (in6->sin6_scope_id ?
		nla_put_u32(msg, NPTTY_A_PORT_SCOPE6, in6->sin6_scope_id) : 0) ?:
	       nla_put_u16(msg, NPTTY_A_PORT_DATA_PORT, ntohs(in6->sin6_port));
}

static int put_stats(struct sk_buff *msg, struct nptty_port *port)
{
	struct nptty_stats *s = &port->stats;
	struct nlattr *nest;

	nest = nla_nest_start(msg, NPTTY_A_PORT_STATS);
	if (!nest)
		return -EMSGSIZE;
#define PUT_STAT(attr, field) \
	nla_put_u64_64bit(msg, attr, atomic64_read(&(s)->field), NPTTY_A_STATS_PAD)
	if (PUT_STAT(NPTTY_A_STATS_TX_BYTES, tx_bytes) ||
	    PUT_STAT(NPTTY_A_STATS_RX_BYTES, rx_bytes) ||
	    PUT_STAT(NPTTY_A_STATS_CONNECTS, connects) ||
	    PUT_STAT(NPTTY_A_STATS_DISCONNECTS, disconnects) ||
	    PUT_STAT(NPTTY_A_STATS_TX_LOST, tx_lost) ||
	    PUT_STAT(NPTTY_A_STATS_RX_DROPPED, rx_dropped) ||
	    PUT_STAT(NPTTY_A_STATS_CMD_ERRORS, cmd_errors)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
#undef PUT_STAT
	nla_nest_end(msg, nest);
	return 0;
}

static int fill_port(struct sk_buff *msg, struct nptty_port *port, u32 portid,
		     u32 seq, int flags, u8 cmd, u8 reason)
{
	struct nptty_port_cfg cfg;
	char name[16];
	u32 baud, cflag, iflag, modem;
	unsigned long irqflags;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &nptty_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	nptty_port_get_cfg(port, &cfg);
	spin_lock_irqsave(&port->lock, irqflags);
	baud = port->baud;
	cflag = port->cflag;
	iflag = port->iflag;
	modem = port->mctrl;
	spin_unlock_irqrestore(&port->lock, irqflags);
	if (nptty_port_link_state(port) == NPTTY_LINK_UP)
		modem |= TIOCM_CAR | TIOCM_DSR | TIOCM_CTS;
	snprintf(name, sizeof(name), "ttyNP%u", port->index);

	if (nla_put_u32(msg, NPTTY_A_PORT_INDEX, port->index) ||
	    nla_put_string(msg, NPTTY_A_PORT_TTY_NAME, name) ||
	    put_addr(msg, &cfg) ||
	    nla_put_u16(msg, NPTTY_A_PORT_CMD_PORT, cfg.cmd_port) ||
	    (cfg.label[0] &&
	     nla_put_string(msg, NPTTY_A_PORT_LABEL, cfg.label)) ||
	    nla_put_u32(msg, NPTTY_A_PORT_CONNECT_TIMEOUT,
			cfg.connect_timeout_ms) ||
	    nla_put_u32(msg, NPTTY_A_PORT_KEEPALIVE, cfg.keepalive_s) ||
	    nla_put_u32(msg, NPTTY_A_PORT_USER_TIMEOUT, cfg.user_timeout_ms) ||
	    nla_put_u8(msg, NPTTY_A_PORT_LOSS_POLICY, cfg.loss_policy) ||
	    nla_put_u32(msg, NPTTY_A_PORT_TX_RING, cfg.tx_ring) ||
	    nla_put_u32(msg, NPTTY_A_PORT_CMD_TIMEOUT, cfg.cmd_timeout_ms) ||
	    nla_put_u8(msg, NPTTY_A_PORT_LINK_STATE,
		       nptty_port_link_state(port)) ||
	    nla_put_u32(msg, NPTTY_A_PORT_OPEN_COUNT,
			READ_ONCE(port->port.count)) ||
	    nla_put_u32(msg, NPTTY_A_PORT_LAST_ERROR,
			READ_ONCE(port->link.err)) ||
	    nla_put_u32(msg, NPTTY_A_PORT_BAUD, baud) ||
	    nla_put_u32(msg, NPTTY_A_PORT_CFLAG, cflag) ||
	    nla_put_u32(msg, NPTTY_A_PORT_IFLAG, iflag) ||
	    nla_put_u32(msg, NPTTY_A_PORT_MODEM, modem) ||
	    put_stats(msg, port) ||
	    (reason && nla_put_u8(msg, NPTTY_A_PORT_NTF_REASON, reason))) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int reply_port(struct genl_info *info, struct nptty_port *port, u8 cmd)
{
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = fill_port(msg, port, info->snd_portid, info->snd_seq, 0, cmd, 0);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* Tell the "monitor" group of @port's namespace; from process context. */
void nptty_genl_notify(struct nptty_port *port, u8 reason)
{
	struct sk_buff *msg;

	if (!READ_ONCE(nptty_genl_live) ||
	    !genl_has_listeners(&nptty_genl_family, port->net, 0))
		return;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (fill_port(msg, port, 0, 0, 0, NPTTY_CMD_PORT_NTF, reason)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&nptty_genl_family, port->net, msg, 0, 0,
				GFP_KERNEL);
}

/* --- parsing requests --- */

/*
 * Mutations need CAP_NET_ADMIN in the initial user namespace: a port's
 * socket lives in the caller's network namespace, but its tty device and
 * index are global, so root of a user namespace may not make them.
 */
static bool need_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_NET_ADMIN))
		return true;
	if (netlink_ns_capable(skb, genl_info_net(info)->user_ns,
			       CAP_NET_ADMIN))
		NL_SET_ERR_MSG_MOD(info->extack,
				   "changing ports needs CAP_NET_ADMIN in the initial user namespace (ttys are global)");
	else
		NL_SET_ERR_MSG_MOD(info->extack,
				   "changing ports needs CAP_NET_ADMIN");
	return false;
}

static bool label_ok(const char *s)
{
	if (!*s || *s == '.' || *s == '-')
		return false;
	for (; *s; s++)
		if (!isalnum(*s) && *s != '.' && *s != '_' && *s != '-')
			return false;
	return true;
}

static int parse_addr(struct genl_info *info, struct nptty_port_cfg *cfg)
{
	struct nlattr **a = info->attrs;
	struct sockaddr_in6 *in6 = (void *)&cfg->addr;
	struct sockaddr_in *in4 = (void *)&cfg->addr;
	u16 port;

	if (a[NPTTY_A_PORT_ADDR4] && a[NPTTY_A_PORT_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NPTTY_A_PORT_ADDR6],
				    "give an IPv4 or an IPv6 address, not both");
		return -EINVAL;
	}
	if (!a[NPTTY_A_PORT_ADDR4] && !a[NPTTY_A_PORT_ADDR6]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "an IPv4 or IPv6 address is required");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, NPTTY_A_PORT_DATA_PORT)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the data port is required");
		return -EINVAL;
	}
	port = nla_get_u16(a[NPTTY_A_PORT_DATA_PORT]);

	if (a[NPTTY_A_PORT_ADDR4]) {
		in4->sin_family = AF_INET;
		in4->sin_addr.s_addr = nla_get_in_addr(a[NPTTY_A_PORT_ADDR4]);
		in4->sin_port = htons(port);
		if (ipv4_is_multicast(in4->sin_addr.s_addr) ||
		    ipv4_is_zeronet(in4->sin_addr.s_addr) ||
		    ipv4_is_lbcast(in4->sin_addr.s_addr)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[NPTTY_A_PORT_ADDR4],
					    "not a unicast IPv4 address");
			return -EINVAL;
		}
		if (a[NPTTY_A_PORT_SCOPE6]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[NPTTY_A_PORT_SCOPE6],
					    "a scope id needs an IPv6 address");
			return -EINVAL;
		}
		return 0;
	}
	in6->sin6_family = AF_INET6;
	in6->sin6_addr = nla_get_in6_addr(a[NPTTY_A_PORT_ADDR6]);
	in6->sin6_port = htons(port);
	if (a[NPTTY_A_PORT_SCOPE6])
		in6->sin6_scope_id = nla_get_u32(a[NPTTY_A_PORT_SCOPE6]);
	if (ipv6_addr_any(&in6->sin6_addr) ||
	    ipv6_addr_is_multicast(&in6->sin6_addr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NPTTY_A_PORT_ADDR6],
				    "not a unicast IPv6 address");
		return -EINVAL;
	}
	return 0;
}

/* Settings PORT_NEW and PORT_SET share. */
static int parse_settings(struct genl_info *info, struct nptty_port_cfg *cfg)
{
	struct nlattr **a = info->attrs;

	/* An empty label means none (PORT_SET removes the label). */
	if (a[NPTTY_A_PORT_LABEL]) {
		if (*(char *)nla_data(a[NPTTY_A_PORT_LABEL]) &&
		    !label_ok(nla_data(a[NPTTY_A_PORT_LABEL]))) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[NPTTY_A_PORT_LABEL],
					    "a label is 1-31 of A-Z a-z 0-9 . _ - and does not start with . or -");
			return -EINVAL;
		}
		nla_strscpy(cfg->label, a[NPTTY_A_PORT_LABEL],
			    sizeof(cfg->label));
	}
	if (a[NPTTY_A_PORT_CMD_PORT])
		cfg->cmd_port = nla_get_u16(a[NPTTY_A_PORT_CMD_PORT]);
	if (a[NPTTY_A_PORT_CONNECT_TIMEOUT])
		cfg->connect_timeout_ms =
			nla_get_u32(a[NPTTY_A_PORT_CONNECT_TIMEOUT]);
	if (a[NPTTY_A_PORT_KEEPALIVE])
		cfg->keepalive_s = nla_get_u32(a[NPTTY_A_PORT_KEEPALIVE]);
	if (a[NPTTY_A_PORT_USER_TIMEOUT])
		cfg->user_timeout_ms = nla_get_u32(a[NPTTY_A_PORT_USER_TIMEOUT]);
	if (a[NPTTY_A_PORT_LOSS_POLICY])
		cfg->loss_policy = nla_get_u8(a[NPTTY_A_PORT_LOSS_POLICY]);
	if (a[NPTTY_A_PORT_TX_RING])
		cfg->tx_ring = roundup_pow_of_two(nla_get_u32(a[NPTTY_A_PORT_TX_RING]));
	if (a[NPTTY_A_PORT_CMD_TIMEOUT])
		cfg->cmd_timeout_ms = nla_get_u32(a[NPTTY_A_PORT_CMD_TIMEOUT]);
	return 0;
}

/* The port named by INDEX in the caller's namespace, referenced. */
static struct nptty_port *lookup(struct genl_info *info)
{
	struct nptty_port *port;

	if (GENL_REQ_ATTR_CHECK(info, NPTTY_A_PORT_INDEX)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the port index is required");
		return ERR_PTR(-EINVAL);
	}
	port = nptty_port_get(genl_info_net(info),
			      nla_get_u32(info->attrs[NPTTY_A_PORT_INDEX]));
	if (!port) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[NPTTY_A_PORT_INDEX],
				    "no such port");
		return ERR_PTR(-ENODEV);
	}
	return port;
}

/* --- handlers --- */

static int nptty_nl_port_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct nptty_port_cfg cfg;
	struct nptty_port *port;
	int index = -1;
	int ret;

	if (!need_admin(skb, info))
		return -EPERM;
	nptty_cfg_defaults(&cfg);
	ret = parse_addr(info, &cfg) ?: parse_settings(info, &cfg);
	if (ret)
		return ret;
	if (a[NPTTY_A_PORT_INDEX]) {
		u32 i = nla_get_u32(a[NPTTY_A_PORT_INDEX]);

		if (i >= nptty_max_ports) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[NPTTY_A_PORT_INDEX],
					    "index is not below the module parameter max_ports");
			return -ERANGE;
		}
		index = i;
	}

	port = nptty_port_create(genl_info_net(info), &cfg, index,
				 info->extack);
	if (IS_ERR(port))
		return PTR_ERR(port);
	ret = reply_port(info, port, NPTTY_CMD_PORT_NEW);
	nptty_genl_notify(port, NPTTY_NTF_ADDED);
	nptty_port_put(port);
	return ret;
}

static int nptty_nl_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nptty_port *port;

	if (!need_admin(skb, info))
		return -EPERM;
	port = lookup(info);
	if (IS_ERR(port))
		return PTR_ERR(port);
	nptty_port_delete(port);
	nptty_port_put(port);
	return 0;
}

static int nptty_nl_port_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nptty_port_cfg cfg;
	struct nptty_port *port;
	int ret;

	if (!need_admin(skb, info))
		return -EPERM;
	port = lookup(info);
	if (IS_ERR(port))
		return PTR_ERR(port);
	nptty_port_get_cfg(port, &cfg);
	ret = parse_settings(info, &cfg) ?:
	      nptty_port_set_cfg(port, &cfg, info->extack);
	if (!ret) {
		ret = reply_port(info, port, NPTTY_CMD_PORT_SET);
		nptty_genl_notify(port, NPTTY_NTF_CHANGED);
	}
	nptty_port_put(port);
	return ret;
}

static int nptty_nl_port_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nptty_port *port;
	int ret;

	port = lookup(info);
	if (IS_ERR(port))
		return PTR_ERR(port);
	ret = reply_port(info, port, NPTTY_CMD_PORT_GET);
	nptty_port_put(port);
	return ret;
}

static int nptty_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	unsigned int index = cb->args[0];
	struct nptty_port *port;
	int ret;

	while ((port = nptty_port_get_next(net, &index))) {
		ret = fill_port(skb, port, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI,
				NPTTY_CMD_PORT_GET, 0);
		nptty_port_put(port);
		if (ret)
			break;
		index++;
	}
	cb->args[0] = index;
	return skb->len;
}

static const struct genl_ops nptty_genl_ops[] = {
	{
		.cmd = NPTTY_CMD_PORT_NEW,
		.doit = nptty_nl_port_new,
		.policy = nptty_new_policy,
		.maxattr = NPTTY_A_PORT_MAX,
	},
	{
		.cmd = NPTTY_CMD_PORT_DEL,
		.doit = nptty_nl_port_del,
		.policy = nptty_index_policy,
		.maxattr = NPTTY_A_PORT_MAX,
	},
	{
		.cmd = NPTTY_CMD_PORT_GET,
		.doit = nptty_nl_port_get,
		.dumpit = nptty_nl_port_dump,
		.policy = nptty_index_policy,
		.maxattr = NPTTY_A_PORT_MAX,
	},
	{
		.cmd = NPTTY_CMD_PORT_SET,
		.doit = nptty_nl_port_set,
		.policy = nptty_set_policy,
		.maxattr = NPTTY_A_PORT_MAX,
	},
};

static struct genl_family nptty_genl_family __ro_after_init = {
	.name = NPTTY_FAMILY_NAME,
	.version = NPTTY_FAMILY_VERSION,
	.maxattr = NPTTY_A_PORT_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = nptty_genl_ops,
	.n_ops = ARRAY_SIZE(nptty_genl_ops),
#if NPTTY_HAVE_RESV_START_OP
	.resv_start_op = NPTTY_CMD_PORT_SET + 1,
#endif
	.mcgrps = nptty_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nptty_mcgrps),
};

int nptty_genl_init(void)
{
	int ret;

	ret = genl_register_family(&nptty_genl_family);
	if (!ret)
		WRITE_ONCE(nptty_genl_live, true);
	return ret;
}

void nptty_genl_uninit(void)
{
	WRITE_ONCE(nptty_genl_live, false);
	genl_unregister_family(&nptty_genl_family);
}
