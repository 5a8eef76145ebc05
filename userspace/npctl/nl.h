/* SPDX-License-Identifier: GPL-2.0 */
/* npctl's libnl-genl wrapper: one request, its replies or its extack error. */
#ifndef NPCTL_NL_H
#define NPCTL_NL_H

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/nptty.h>

struct npctl_nl;

/* Called for each reply message with its parsed port attributes. */
typedef int (*npctl_port_cb)(struct nlattr **attrs, void *arg);

/* Open a socket and resolve the family; NULL (message printed) if absent. */
struct npctl_nl *npctl_nl_open(void);
void npctl_nl_close(struct npctl_nl *nl);
struct nl_msg *npctl_nl_msg(struct npctl_nl *nl, int cmd, int flags);
/*
 * Send @msg (consumed) and wait for its ack; replies go to @cb.  Returns 0,
 * the first non-zero return of @cb, or -errno.  A refusal is printed to
 * stderr as "npctl: <what>: kernel: [<attribute>: ]<extack>[, <valid
 * range>] (<strerror>)".
 */
int npctl_nl_run(struct npctl_nl *nl, struct nl_msg *msg, const char *what,
		 npctl_port_cb cb, void *arg);
/* Subscribe to the monitor group and hand every notification to @cb until
 * it returns non-zero or the socket fails. */
int npctl_nl_monitor(struct npctl_nl *nl, npctl_port_cb cb, void *arg);

/* The spec's name of a port attribute ("connect-timeout"). */
const char *npctl_attr_name(unsigned int type);

#endif /* NPCTL_NL_H */
