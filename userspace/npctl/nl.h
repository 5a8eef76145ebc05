/* SPDX-License-Identifier: GPL-2.0 */
/* npctl's libnl-genl wrapper: one request, its reply or its extack error. */
#ifndef NPCTL_NL_H
#define NPCTL_NL_H

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <linux/nptty.h>

struct npctl_nl;

/* Called for each reply message with its parsed port attributes. */
typedef int (*npctl_port_cb)(struct nlattr **attrs, void *arg);

struct npctl_nl *npctl_nl_open(void);
void npctl_nl_close(struct npctl_nl *nl);
struct nl_msg *npctl_nl_msg(struct npctl_nl *nl, int cmd, int flags);
/* Send @msg (consumed); 0 or -errno.  On error the kernel's message is
 * printed to stderr as "npctl: <what>: <extack> (<strerror>)". */
int npctl_nl_run(struct npctl_nl *nl, struct nl_msg *msg, const char *what,
		 npctl_port_cb cb, void *arg);
/* Subscribe to the monitor group and hand every notification to @cb. */
int npctl_nl_monitor(struct npctl_nl *nl, npctl_port_cb cb, void *arg);

#endif /* NPCTL_NL_H */
