/* SPDX-License-Identifier: GPL-2.0 */
/* The command-port client of a port: see cmd.c. */
#ifndef NPTTY_CMD_H
#define NPTTY_CMD_H

#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "aspp.h"
#include "sock.h"

struct nptty_port;

/* Bytes read from the command socket at a time (many frames). */
#define NPTTY_CMD_RBUF_SIZE	512

/* Bits in nptty_cmd.pending: requests queued from atomic context. */
enum {
	NPTTY_CMD_P_FLUSH_RX,
	NPTTY_CMD_P_FLUSH_TX,
	NPTTY_CMD_P_XOFF,
	NPTTY_CMD_P_XON,
};

struct nptty_cmdlink {
	struct mutex req_mutex;		/* one request in flight */
	struct mutex mutex;		/* sock, rbuf, the request's state */
	struct socket *sock;		/* NULL: no command link */
	bool aborted;			/* link going down: fail requests */
	wait_queue_head_t wait;		/* a request's replies */
	struct work_struct rx_work;	/* read and dispatch frames */
	struct work_struct async_work;	/* requests from atomic context */
	unsigned long pending;		/* NPTTY_CMD_P_* */
	struct nptty_sock_cbs saved;

	u8 rbuf[NPTTY_CMD_RBUF_SIZE];	/* frames read, not yet parsed */
	size_t rlen;
	bool broken;			/* bad frame: parse nothing more */

	/* the request in flight, under mutex */
	struct nptty_aspp_batch expect;	/* replies still awaited, in order */
	u8 got;				/* how many of them came */
	struct nptty_aspp_reply reply;	/* the last reply */
	struct nptty_aspp_reply status;	/* the last STATUS reply */
	int result;			/* 0, or -errno: stop waiting */
};

void nptty_cmd_init(struct nptty_cmdlink *cmd);
void nptty_cmd_attach(struct nptty_port *port, struct socket *sock);
struct socket *nptty_cmd_detach(struct nptty_port *port);
void nptty_cmd_abort(struct nptty_port *port);
int nptty_cmd_sync(struct nptty_port *port);
int nptty_cmd_set_termios(struct nptty_port *port);
int nptty_cmd_linectrl(struct nptty_port *port);
int nptty_cmd_break(struct nptty_port *port, bool on);
int nptty_cmd_drain(struct nptty_port *port, unsigned long timeout);
void nptty_cmd_queue(struct nptty_port *port, int what);
void nptty_cmd_cancel(struct nptty_port *port);
bool nptty_cmd_configured(struct nptty_port *port);
void nptty_cmd_clear_inputs(struct nptty_port *port);

#endif /* NPTTY_CMD_H */
