/* SPDX-License-Identifier: GPL-2.0 */
/* A port: one /dev/ttyNP<N> and its remote serial port.  See port.c. */
#ifndef NPTTY_PORT_H
#define NPTTY_PORT_H

#include <linux/atomic.h>
#include <linux/kfifo.h>
#include <linux/netlink.h>
#include <linux/serial.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <net/net_namespace.h>
#include <linux/nptty.h>

#include "cmd.h"
#include "link.h"

/* What an administrator sets; copied at creation, changed by PORT_SET. */
struct nptty_port_cfg {
	struct sockaddr_storage addr;	/* family, address, data port */
	u16 cmd_port;			/* 0: no command port */
	char label[NPTTY_LABEL_MAX];
	u32 connect_timeout_ms;
	u32 keepalive_s;
	u32 user_timeout_ms;
	u8 loss_policy;			/* enum nptty_loss_policy */
	u32 tx_ring;			/* bytes, power of two */
	u32 cmd_timeout_ms;
};

struct nptty_stats {
	atomic64_t tx_bytes;
	atomic64_t rx_bytes;
	atomic64_t connects;
	atomic64_t disconnects;
	atomic64_t tx_lost;
	atomic64_t rx_dropped;
	atomic64_t cmd_errors;
};

struct nptty_port {
	struct tty_port port;		/* first: its kref is ours */
	unsigned int index;
	struct net *net;		/* adder's netns; not pinned: see port.c */
	struct device *dev;		/* the tty device */
	bool dead;			/* deleted; set under nptty_ports_lock */

	struct nptty_port_cfg cfg;	/* written under lock (and ports lock) */

	spinlock_t lock;		/* xmit, tx_gen, mctrl, icount, termios */
	struct kfifo xmit;		/* transmit ring, allocated while open */
	unsigned int mctrl;		/* TIOCM_* outputs and cached inputs */
	struct serial_icounter_struct icount;
	struct ktermios termios;	/* last set_termios, for resync */
	bool break_on;			/* break asserted: resync it */
	u32 baud;			/* from termios, for reports */
	u32 cflag, iflag;

	struct nptty_link link;
	struct nptty_cmdlink cmd;
	struct nptty_stats stats;
};

static inline struct nptty_port *to_nptty_port(struct tty_port *p)
{
	return container_of(p, struct nptty_port, port);
}

void nptty_cfg_defaults(struct nptty_port_cfg *cfg);
struct nptty_port *nptty_port_create(struct net *net,
				     const struct nptty_port_cfg *cfg,
				     int index, struct netlink_ext_ack *extack);
struct nptty_port *nptty_port_get(struct net *net, unsigned int index);
struct nptty_port *nptty_port_get_next(struct net *net, unsigned int *index);
void nptty_port_put(struct nptty_port *port);
void nptty_port_delete(struct nptty_port *port);
void nptty_port_release_index(struct nptty_port *port);
int nptty_port_install(struct tty_struct *tty);
int nptty_ports_init(void);
void nptty_ports_uninit(void);
u8 nptty_port_link_state(struct nptty_port *port);
int nptty_port_set_cfg(struct nptty_port *port,
		       const struct nptty_port_cfg *cfg,
		       struct netlink_ext_ack *extack);
void nptty_port_get_cfg(struct nptty_port *port, struct nptty_port_cfg *cfg);

extern unsigned int nptty_max_ports;

#endif /* NPTTY_PORT_H */
