// SPDX-License-Identifier: GPL-2.0
/*
 * npctl's netlink layer on libnl-genl-3: resolve the "nptty" family, send a
 * request, parse replies against the port policy, and print the kernel's
 * extended-ack message when a request is refused.
 */
#include <errno.h>
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
	int cb_ret;
};

static struct nla_policy port_policy[NPTTY_A_PORT_MAX + 1] = {
	[NPTTY_A_PORT_INDEX] = { .type = NLA_U32 },
	[NPTTY_A_PORT_DATA_PORT] = { .type = NLA_U16 },
	[NPTTY_A_PORT_CMD_PORT] = { .type = NLA_U16 },
	[NPTTY_A_PORT_LABEL] = { .type = NLA_STRING },
	[NPTTY_A_PORT_TTY_NAME] = { .type = NLA_STRING },
	[NPTTY_A_PORT_LINK_STATE] = { .type = NLA_U8 },
	[NPTTY_A_PORT_LOSS_POLICY] = { .type = NLA_U8 },
	[NPTTY_A_PORT_STATS] = { .type = NLA_NESTED },
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

/* Pull NLMSGERR_ATTR_MSG out of an error with NETLINK_CAP_ACK set. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct req *r = arg;
	int len;

	(void)nla;
	r->err = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	len = nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		len -= err->msg.nlmsg_len - NLMSG_HDRLEN;
	if (len <= 0)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)(err + 1) +
			((nlh->nlmsg_flags & NLM_F_CAPPED) ? 0 :
			 err->msg.nlmsg_len - NLMSG_HDRLEN)),
		      len, NULL))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	else if (tb[NLMSGERR_ATTR_MISS_TYPE])
		snprintf(r->msg, sizeof(r->msg), "missing attribute %u",
			 nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_STOP;
}

static int receive(struct npctl_nl *nl, struct req *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (r->err)
		return r->err;
	return ret < 0 ? -EIO : 0;
}

int npctl_nl_run(struct npctl_nl *nl, struct nl_msg *msg, const char *what,
		 npctl_port_cb cb, void *arg)
{
	struct req r = { .cb = cb, .arg = arg };
	int ret;

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		fprintf(stderr, "npctl: %s: %s\n", what, nl_geterror(ret));
		return -EIO;
	}
	ret = receive(nl, &r);
	if (ret) {
		if (r.msg[0])
			fprintf(stderr, "npctl: %s: %s (%s)\n", what, r.msg,
				strerror(-ret));
		else
			fprintf(stderr, "npctl: %s: %s\n", what, strerror(-ret));
		return ret;
	}
	return r.cb_ret;
}

int npctl_nl_monitor(struct npctl_nl *nl, npctl_port_cb cb, void *arg)
{
	struct req r = { .cb = cb, .arg = arg };
	struct nl_cb *ncb;
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->sk, NPTTY_FAMILY_NAME,
				    NPTTY_MCGRP_MONITOR);
	if (grp < 0 || nl_socket_add_membership(nl->sk, grp)) {
		fprintf(stderr, "npctl: cannot join the monitor group\n");
		return -EIO;
	}
	nl_socket_disable_seq_check(nl->sk);
	ncb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!ncb)
		return -ENOMEM;
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	while (!r.cb_ret) {
		ret = nl_recvmsgs(nl->sk, ncb);
		if (ret < 0 && ret != -NLE_INTR)
			break;
	}
	nl_cb_put(ncb);
	return r.cb_ret;
}
