/* SPDX-License-Identifier: GPL-2.0 */
/* The nptty generic netlink family: see netlink.c. */
#ifndef NPTTY_NETLINK_H
#define NPTTY_NETLINK_H

#include <linux/types.h>

struct nptty_port;

int nptty_genl_init(void);
void nptty_genl_uninit(void);
void nptty_genl_notify(struct nptty_port *port, u8 reason);

#endif /* NPTTY_NETLINK_H */
