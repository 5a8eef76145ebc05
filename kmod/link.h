/* SPDX-License-Identifier: GPL-2.0 */
/* The data link of a port: see the rules at the top of link.c. */
#ifndef NPTTY_LINK_H
#define NPTTY_LINK_H

#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "sock.h"
#include "watch.h"

struct nptty_port;

/* Bits in nptty_link.flags (atomic bitops). */
enum {
	NPTTY_LINK_F_WANTED,	/* the tty is open: keep the link up */
	NPTTY_LINK_F_THROTTLED,	/* the tty throttled: do not read the socket */
	NPTTY_LINK_F_LOST,	/* a callback saw the connection die */
	NPTTY_LINK_F_WAS_UP,	/* came up at least once since the open */
	NPTTY_LINK_F_BREAK,	/* the NPort saw a break: insert TTY_BREAK */
};

struct nptty_link {
	struct mutex mutex;		/* sock, state, err, tx_buf; socket I/O */
	struct socket *sock;		/* data socket; NULL while down */
	struct socket *csock;		/* command socket while connecting */
	int lost_err;			/* why F_LOST was set, positive errno */
	unsigned long flags;		/* NPTTY_LINK_F_* */
	unsigned int tx_gen;		/* bumped by a flush; port->lock */
	u8 state;			/* enum nptty_link_state */
	int err;			/* last failure, positive errno */
	unsigned int backoff_ms;	/* next reconnect delay */
	unsigned long deadline;		/* jiffies: connect attempt gives up */
	unsigned long down_since;	/* jiffies: link left UP (or started) */
	struct nptty_watch watch;	/* dead-peer clock, jiffies */
	struct delayed_work rx_work;	/* socket -> flip buffer */
	struct work_struct tx_work;	/* ring -> socket */
	struct delayed_work state_work;	/* connect, loss, backoff */
	wait_queue_head_t wait;		/* state changes (blocking open) */

	/* receive bounce buffer: bytes read but not yet in the flip buffer */
	u8 *rx_buf;
	size_t rx_len, rx_off;

	/*
	 * transmit: bytes taken out of the ring and not yet accepted by the
	 * socket.  tx_buf is only touched by tx_work (under mutex); tx_len
	 * and tx_off are also read by chars_in_buffer and cleared by a flush,
	 * so they change under port->lock.
	 */
	u8 *tx_buf;
	size_t tx_len, tx_off;

	struct nptty_sock_cbs saved;	/* the socket's own callbacks */
	struct nptty_sock_cbs csaved;	/* the command socket's own */
};

void nptty_link_init(struct nptty_link *link);
int nptty_link_start(struct nptty_port *port, bool nonblock);
void nptty_link_stop(struct nptty_port *port);
void nptty_link_kick_tx(struct nptty_port *port);
void nptty_link_fail(struct nptty_port *port, int err);
void nptty_link_rx_break(struct nptty_port *port);
void nptty_link_throttle(struct nptty_port *port, bool on);
u32 nptty_link_sock_unsent(struct nptty_port *port);
int nptty_link_wait_sent(struct nptty_port *port, unsigned long timeout);
bool nptty_link_is_up(struct nptty_port *port);
bool nptty_link_gave_up(struct nptty_port *port);
bool nptty_link_failed(struct nptty_port *port);
int nptty_link_wait_up(struct nptty_port *port);
void nptty_link_flush_tx(struct nptty_port *port);
void nptty_link_flush_rx(struct nptty_port *port);
unsigned int nptty_link_tx_pending(struct nptty_port *port);
int nptty_link_wq_init(void);
void nptty_link_wq_uninit(void);

extern struct workqueue_struct *nptty_wq;

#endif /* NPTTY_LINK_H */
