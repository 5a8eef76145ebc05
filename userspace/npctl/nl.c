// SPDX-License-Identifier: GPL-2.0
/*
 * npctl's netlink layer on libnl-genl-3: resolve the "nptty" family, send a
 * request, parse replies, and explain a refusal: the kernel's extack
 * message, the attribute it points at (NLMSGERR_ATTR_OFFS, looked up in the
 * request we sent) and the policy that attribute failed (NLMSGERR_ATTR_POLICY).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct npctl_nl {
	struct nl_sock *sk;
	int family;
};

struct req {
	npctl_port_cb cb;
	void *arg;
	int err;		/* -errno from the kernel, 0 */
	char msg[256];		/* its extack message */
	int bad_attr;		/* type of the attribute it points at, -1 */
	char policy[96];	/* what that attribute should have been */
	int cb_ret;
	struct nl_msg *sent;	/* to find the bad attribute in */
	bool done;		/* the ack, the error or NLMSG_DONE came */
};

static const char *const attr_names[NPTTY_A_PORT_MAX + 1] = {
	[NPTTY_A_PORT_INDEX] = "index",
	[NPTTY_A_PORT_ADDR4] = "addr4",
	[NPTTY_A_PORT_ADDR6] = "addr6",
	[NPTTY_A_PORT_DATA_PORT] = "data-port",
	[NPTTY_A_PORT_CMD_PORT] = "cmd-port",
	[NPTTY_A_PORT_LABEL] = "label",
	[NPTTY_A_PORT_CONNECT_TIMEOUT] = "connect-timeout",
	[NPTTY_A_PORT_KEEPALIVE] = "keepalive",
	[NPTTY_A_PORT_USER_TIMEOUT] = "user-timeout",
	[NPTTY_A_PORT_LOSS_POLICY] = "loss-policy",
	[NPTTY_A_PORT_TX_RING] = "tx-ring",
	[NPTTY_A_PORT_CMD_TIMEOUT] = "cmd-timeout",
	[NPTTY_A_PORT_SCOPE6] = "scope6",
	[NPTTY_A_PORT_TTY_NAME] = "tty-name",
	[NPTTY_A_PORT_LINK_STATE] = "link-state",
	[NPTTY_A_PORT_OPEN_COUNT] = "open-count",
	[NPTTY_A_PORT_LAST_ERROR] = "last-error",
	[NPTTY_A_PORT_BAUD] = "baud",
	[NPTTY_A_PORT_CFLAG] = "cflag",
	[NPTTY_A_PORT_IFLAG] = "iflag",
	[NPTTY_A_PORT_MODEM] = "modem",
	[NPTTY_A_PORT_STATS] = "stats",
	[NPTTY_A_PORT_NTF_REASON] = "ntf-reason",
	[NPTTY_A_PORT_PAD] = "pad",
};

const char *npctl_attr_name(unsigned int type)
{
	if (type <= NPTTY_A_PORT_MAX && attr_names[type])
		return attr_names[type];
	return "unknown attribute";
}

/* How replies are checked before the callbacks see them. */
static struct nla_policy port_policy[NPTTY_A_PORT_MAX + 1] = {
	[NPTTY_A_PORT_INDEX] = { .type = NLA_U32 },
	[NPTTY_A_PORT_ADDR4] = { .minlen = 4 },
	[NPTTY_A_PORT_ADDR6] = { .minlen = 16 },
	[NPTTY_A_PORT_DATA_PORT] = { .type = NLA_U16 },
	[NPTTY_A_PORT_CMD_PORT] = { .type = NLA_U16 },
	[NPTTY_A_PORT_LABEL] = { .type = NLA_STRING },
	[NPTTY_A_PORT_CONNECT_TIMEOUT] = { .type = NLA_U32 },
	[NPTTY_A_PORT_KEEPALIVE] = { .type = NLA_U32 },
	[NPTTY_A_PORT_USER_TIMEOUT] = { .type = NLA_U32 },
	[NPTTY_A_PORT_LOSS_POLICY] = { .type = NLA_U8 },
	[NPTTY_A_PORT_TX_RING] = { .type = NLA_U32 },
	[NPTTY_A_PORT_CMD_TIMEOUT] = { .type = NLA_U32 },
	[NPTTY_A_PORT_SCOPE6] = { .type = NLA_U32 },
	[NPTTY_A_PORT_TTY_NAME] = { .type = NLA_STRING },
	[NPTTY_A_PORT_LINK_STATE] = { .type = NLA_U8 },
	[NPTTY_A_PORT_OPEN_COUNT] = { .type = NLA_U32 },
	[NPTTY_A_PORT_LAST_ERROR] = { .type = NLA_U32 },
	[NPTTY_A_PORT_BAUD] = { .type = NLA_U32 },
	[NPTTY_A_PORT_CFLAG] = { .type = NLA_U32 },
	[NPTTY_A_PORT_IFLAG] = { .type = NLA_U32 },
	[NPTTY_A_PORT_MODEM] = { .type = NLA_U32 },
	[NPTTY_A_PORT_STATS] = { .type = NLA_NESTED },
	[NPTTY_A_PORT_NTF_REASON] = { .type = NLA_U8 },
};

struct npctl_nl *npctl_nl_open(void)
{
	struct npctl_nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk || genl_connect(nl->sk)) {
		fprintf(stderr, "npctl: cannot open a generic netlink socket\n");
		goto err;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, NPTTY_FAMILY_NAME);
	if (nl->family < 0) {
		fprintf(stderr,
			"npctl: the nptty module is not loaded (no \"%s\" netlink family)\n",
			NPTTY_FAMILY_NAME);
		goto err;
	}
	return nl;
err:
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
	return NULL;
}

void npctl_nl_close(struct npctl_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *npctl_nl_msg(struct npctl_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, NPTTY_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;
	struct nlattr *attrs[NPTTY_A_PORT_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	if (nla_parse(attrs, NPTTY_A_PORT_MAX, genlmsg_attrdata(gh, 0),
		      genlmsg_attrlen(gh, 0), port_policy))
		return NL_SKIP;
	if (r->cb && !r->cb_ret)
		r->cb_ret = r->cb(attrs, r->arg);
	return NL_OK;
}

/* The type of the attribute at @off in the request we sent, or -1. */
static int attr_at(struct nl_msg *sent, uint32_t off)
{
	struct nlmsghdr *nlh;
	struct nlattr *a;

	if (!sent)
		return -1;
	nlh = nlmsg_hdr(sent);
	if (off < NLMSG_HDRLEN + GENL_HDRLEN ||
	    off + sizeof(*a) > nlh->nlmsg_len)
		return -1;
	a = (struct nlattr *)((char *)nlh + off);
	return a->nla_type & NLA_TYPE_MASK;
}

/* "valid 100..600000", "at most 31 bytes", ... from NLMSGERR_ATTR_POLICY. */
static void describe_policy(struct nlattr *nest, char *buf, size_t len)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];

	buf[0] = '\0';
	if (nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX, nest, NULL))
		return;
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] &&
	    tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U])
		snprintf(buf, len, "valid %" PRIu64 "..%" PRIu64,
			 nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]),
			 nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]));
	else if (tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH] &&
		 tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH] &&
		 nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]) ==
		 nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]))
		snprintf(buf, len, "exactly %u bytes",
			 nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]));
	else if (tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH])
		snprintf(buf, len, "at most %u bytes",
			 nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]));
}

/* Pull the extack attributes out of an error (NETLINK_CAP_ACK is set). */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct req *r = arg;
	size_t skip = 0;
	int len;

	(void)nla;
	r->err = err->error;
	r->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		skip = err->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(*err) - skip);
	if (len <= 0 ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)(err + 1) + skip), len, NULL))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		r->bad_attr = attr_at(r->sent, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_POLICY])
		describe_policy(tb[NLMSGERR_ATTR_POLICY], r->policy,
				sizeof(r->policy));
	if (!r->msg[0] && tb[NLMSGERR_ATTR_MISS_TYPE])
		snprintf(r->msg, sizeof(r->msg), "missing attribute %s",
			 npctl_attr_name(nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE])));
	return NL_STOP;
}

/* An ack, or the NLMSG_DONE that ends a dump. */
static int on_done(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

static int receive(struct npctl_nl *nl, struct req *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	/* A reply and its ack come in separate datagrams, and nl_recvmsgs()
	 * returns after one that is not part of a dump: read to the end. */
	do
		ret = nl_recvmsgs(nl->sk, cb);
	while (!r->done && (ret >= 0 || ret == -NLE_INTR));
	nl_cb_put(cb);
	if (r->err)
		return r->err;
	return ret < 0 ? -EIO : 0;
}

static void print_refusal(const char *what, const struct req *r, int ret)
{
	fprintf(stderr, "npctl: %s: ", what);
	if (r->msg[0] || r->bad_attr >= 0)
		fprintf(stderr, "kernel: ");
	if (r->bad_attr >= 0)
		fprintf(stderr, "%s: ", npctl_attr_name(r->bad_attr));
	if (r->msg[0])
		fprintf(stderr, "%s", r->msg);
	if (r->policy[0])
		fprintf(stderr, "%s%s", r->msg[0] ? ", " : "", r->policy);
	if (r->msg[0] || r->policy[0])
		fprintf(stderr, " (%s)\n", strerror(-ret));
	else
		fprintf(stderr, "%s\n", strerror(-ret));
}

int npctl_nl_run(struct npctl_nl *nl, struct nl_msg *msg, const char *what,
		 npctl_port_cb cb, void *arg)
{
	struct req r = { .cb = cb, .arg = arg, .bad_attr = -1, .sent = msg };
	int ret;

	/* A dump ends with NLMSG_DONE; an ack after it would be read as the
	 * answer to our next request. */
	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		fprintf(stderr, "npctl: %s: %s\n", what, nl_geterror(ret));
		nlmsg_free(msg);
		return -EIO;
	}
	ret = receive(nl, &r);
	nlmsg_free(msg);
	if (ret) {
		print_refusal(what, &r, ret);
		return ret;
	}
	return r.cb_ret;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int npctl_nl_monitor(struct npctl_nl *nl, npctl_port_cb cb, void *arg)
{
	struct req r = { .cb = cb, .arg = arg, .bad_attr = -1 };
	struct nl_cb *ncb;
	int grp, ret = 0;

	grp = genl_ctrl_resolve_grp(nl->sk, NPTTY_FAMILY_NAME,
				    NPTTY_MCGRP_MONITOR);
	if (grp < 0 || nl_socket_add_membership(nl->sk, grp)) {
		fprintf(stderr, "npctl: monitor: cannot join the \"%s\" group\n",
			NPTTY_MCGRP_MONITOR);
		return -EIO;
	}
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	ncb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!ncb)
		return -ENOMEM;
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	/* Notifications carry sequence number 0. */
	nl_cb_set(ncb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	while (!r.cb_ret) {
		ret = nl_recvmsgs(nl->sk, ncb);
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped events; say so, go on. */
			fprintf(stderr, "npctl: monitor: events were lost (receive buffer full)\n");
			continue;
		}
		if (ret < 0 && ret != -NLE_INTR) {
			fprintf(stderr, "npctl: monitor: %s\n", nl_geterror(ret));
			break;
		}
		ret = 0;
	}
	nl_cb_put(ncb);
	return r.cb_ret > 0 ? 0 : (r.cb_ret ? r.cb_ret : (ret ? -EIO : 0));
}
