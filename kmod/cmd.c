// SPDX-License-Identifier: GPL-2.0
/*
 * The command-port client: pushes termios, modem lines, break, flush and
 * drain to the NPort over its command TCP port, and takes in its NOTIFY
 * (modem lines, line errors, break) and POLLING (answered with ALIVE).
 * The wire format is in aspp.c (a pure codec, also built in userspace).
 *
 * The command socket is connected and torn down by the link state machine
 * (link.c) together with the data socket; it hands the socket over with
 * nptty_cmd_attach() once connected, and takes it back with
 * nptty_cmd_detach().  Settings are re-sent (nptty_cmd_sync()) after every
 * connect, before data flows.
 *
 * Locking (order: link->mutex, cmd->req_mutex, cmd->mutex, port->lock):
 *  - req_mutex: one request in flight per port.  A request writes its frames
 *    and sleeps on cmd->wait until every expected reply came, the link went
 *    away (aborted), or cfg.cmd_timeout_ms passed.  Replies are matched by
 *    opcode, in order; there are no sequence numbers on the wire.  Both
 *    sleeps (req_mutex and the replies) are killable; a request a fatal
 *    signal ends keeps its expected replies, and the next request waits for
 *    them first, so the reply stream stays in step.
 *  - mutex: the socket pointer, socket I/O, the receive buffer and the
 *    state of the request in flight; the rx work holds it while it parses,
 *    at most CMD_RX_BUDGET bytes a run (then it queues itself again, so a
 *    peer that floods the port cannot keep requests or the teardown out).
 *    Frames go out whole under it: a send that has to wait for room keeps
 *    it, so an ALIVE never lands inside a request.
 *  - Socket callbacks only queue work (rx) or tell the link (state change).
 *  - tty ops that may run in atomic context (stop, start, flush_buffer)
 *    only set a bit in cmd->pending and queue async_work.
 *
 * Anything malformed from the network (unknown opcode, wrong length byte, a
 * reply nobody asked for, no reply in time) counts in stats.cmd_errors and
 * resets the whole link (it reconnects and resyncs): the reply stream has no
 * way to resynchronise.
 */
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>

#include "cmd.h"
#include "link.h"
#include "port.h"

#define CMD_WAIT_OQUEUE_POLL_MS	10
#define CMD_RX_BUDGET		(16 * 1024)

/* Tests only: a slow host, where the NPort sends faster than we parse. */
static unsigned int debug_frame_delay_us;
module_param(debug_frame_delay_us, uint, 0600);
MODULE_PARM_DESC(debug_frame_delay_us,
		 "Tests only: the command rx work waits this long after each frame");

static struct nptty_port *cmd_port(struct nptty_cmdlink *cmd)
{
	return container_of(cmd, struct nptty_port, cmd);
}

bool nptty_cmd_configured(struct nptty_port *port)
{
	return READ_ONCE(port->cfg.cmd_port) != 0;
}

/* --- callbacks: softirq, only queue work --- */

static void cmd_data_ready(struct sock *sk)
{
	struct nptty_cmdlink *cmd;

	read_lock_bh(&sk->sk_callback_lock);
	cmd = sk->sk_user_data;
	if (cmd)
		queue_work(nptty_wq, &cmd->rx_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void cmd_write_space(struct sock *sk)
{
}

static void cmd_state_change(struct sock *sk)
{
	struct nptty_cmdlink *cmd;

	read_lock_bh(&sk->sk_callback_lock);
	cmd = sk->sk_user_data;
	if (cmd && sk->sk_state != TCP_ESTABLISHED)
		nptty_link_fail(cmd_port(cmd), ECONNRESET);
	read_unlock_bh(&sk->sk_callback_lock);
}

static const struct nptty_sock_cbs cmd_cbs = {
	.data_ready = cmd_data_ready,
	.write_space = cmd_write_space,
	.state_change = cmd_state_change,
};

/* --- frames from the NPort --- */

/* The link went down: the NPort's inputs are unknown, DCD counts as lost. */
void nptty_cmd_clear_inputs(struct nptty_port *port)
{
	unsigned long flags;

	spin_lock_irqsave(&port->lock, flags);
	if (port->mctrl & TIOCM_CAR)
		port->icount.dcd++;
	if (port->mctrl & TIOCM_DSR)
		port->icount.dsr++;
	if (port->mctrl & TIOCM_CTS)
		port->icount.cts++;
	port->mctrl &= ~(TIOCM_DSR | TIOCM_CTS | TIOCM_CAR | TIOCM_RNG);
	spin_unlock_irqrestore(&port->lock, flags);
}

static void update_inputs(struct nptty_port *port, bool dsr, bool cts,
			  bool dcd, bool ri)
{
	struct tty_struct *tty;
	unsigned long flags;
	unsigned int old, new;
	bool hangup;

	spin_lock_irqsave(&port->lock, flags);
	old = port->mctrl;
	new = old & ~(TIOCM_DSR | TIOCM_CTS | TIOCM_CAR | TIOCM_RNG);
	new |= (dsr ? TIOCM_DSR : 0) | (cts ? TIOCM_CTS : 0) |
	       (dcd ? TIOCM_CAR : 0) | (ri ? TIOCM_RNG : 0);
	port->mctrl = new;
	if ((old ^ new) & TIOCM_DSR)
		port->icount.dsr++;
	if ((old ^ new) & TIOCM_CTS)
		port->icount.cts++;
	if ((old ^ new) & TIOCM_CAR)
		port->icount.dcd++;
	if ((old & TIOCM_RNG) && !(new & TIOCM_RNG))
		port->icount.rng++;	/* trailing edge, as 8250 counts it */
	spin_unlock_irqrestore(&port->lock, flags);
	if (old == new)
		return;
	wake_up_interruptible(&port->port.delta_msr_wait);
	if (!((old ^ new) & TIOCM_CAR))
		return;
	if (dcd) {
		wake_up_interruptible(&port->port.open_wait);
		return;
	}
	/* carrier lost on a modem-controlled line: hang up */
	tty = tty_port_tty_get(&port->port);
	hangup = tty && !C_CLOCAL(tty);
	tty_kref_put(tty);
	if (hangup)
		tty_port_tty_hangup(&port->port, false);
}

static void handle_notify(struct nptty_port *port,
			  const struct nptty_aspp_reply *r)
{
	unsigned long flags;

	spin_lock_irqsave(&port->lock, flags);
	if (r->events & NPTTY_ASPP_EV_PARITY)
		port->icount.parity++;
	if (r->events & NPTTY_ASPP_EV_FRAMING)
		port->icount.frame++;
	if (r->events & (NPTTY_ASPP_EV_HW_OVERRUN | NPTTY_ASPP_EV_SW_OVERRUN))
		port->icount.overrun++;
	if (r->events & NPTTY_ASPP_EV_BREAK)
		port->icount.brk++;
	spin_unlock_irqrestore(&port->lock, flags);

	if (r->events & NPTTY_ASPP_EV_BREAK)
		nptty_link_rx_break(port);
	if (r->events & NPTTY_ASPP_EV_MSR)
		update_inputs(port, r->msr & NPTTY_ASPP_MSR_DSR,
			      r->msr & NPTTY_ASPP_MSR_CTS,
			      r->msr & NPTTY_ASPP_MSR_DCD,
			      r->msr & NPTTY_ASPP_MSR_RI);
}

/*
 * Write all of @buf, keeping cmd->mutex so that frames never interleave;
 * the command socket is nearly idle, so a short wait at most.
 */
static int cmd_send(struct nptty_cmdlink *cmd, const u8 *buf, size_t len)
{
	int tries = 100, ret;

	lockdep_assert_held(&cmd->mutex);
	while (len) {
		if (!cmd->sock || READ_ONCE(cmd->aborted))
			return -ENOTCONN;
		ret = nptty_sock_send(cmd->sock, buf, len);
		if (ret == -EAGAIN && --tries) {
			usleep_range(10000, 20000);
			continue;
		}
		if (ret <= 0)
			return ret ?: -EPIPE;
		buf += ret;
		len -= ret;
	}
	return 0;
}

/* One frame from the NPort: unsolicited, or the next awaited reply. */
static int dispatch(struct nptty_cmdlink *cmd, const struct nptty_aspp_reply *r)
{
	struct nptty_port *port = cmd_port(cmd);
	u8 alive[4];
	int n;

	switch (r->kind) {
	case NPTTY_ASPP_REPLY_NOTIFY:
		handle_notify(port, r);
		return 0;
	case NPTTY_ASPP_REPLY_POLLING:
		n = nptty_aspp_encode_alive(alive, sizeof(alive), r->id);
		return n < 0 ? n : cmd_send(cmd, alive, n);
	}
	if (cmd->got >= cmd->expect.n || cmd->expect.ops[cmd->got] != r->op) {
		net_warn_ratelimited("nptty: ttyNP%u: unexpected reply 0x%02x from the command port\n",
				     port->index, r->op);
		return -EPROTO;
	}
	cmd->reply = *r;
	if (r->kind == NPTTY_ASPP_REPLY_STATUS)
		cmd->status = *r;
	if (++cmd->got == cmd->expect.n)
		wake_up_all(&cmd->wait);
	return 0;
}

/*
 * Read and dispatch what the NPort sent, CMD_RX_BUDGET bytes a run.  A bad
 * frame fails the link once: what was read is dropped and nothing more is
 * parsed until the next attach (the stream cannot be resynchronised, and
 * frames before the bad one must not be applied twice).
 */
static void cmd_rx_work(struct work_struct *work)
{
	struct nptty_cmdlink *cmd = container_of(work, struct nptty_cmdlink, rx_work);
	struct nptty_port *port = cmd_port(cmd);
	size_t budget = CMD_RX_BUDGET;
	struct nptty_aspp_reply r;
	size_t off;
	int ret, n;

	mutex_lock(&cmd->mutex);
	while (cmd->sock && !cmd->broken) {
		if (!budget) {
			/* let requests and the teardown in; go on afterwards */
			queue_work(nptty_wq, &cmd->rx_work);
			break;
		}
		/* a partial frame is shorter than the longest reply */
		ret = nptty_sock_recv(cmd->sock, cmd->rbuf + cmd->rlen,
				      sizeof(cmd->rbuf) - cmd->rlen);
		if (ret == -EAGAIN)
			break;
		if (ret <= 0) {
			ret = ret ?: -ECONNRESET;
			goto fail;
		}
		budget -= min_t(size_t, budget, ret);
		cmd->rlen += ret;
		off = 0;
		while (off < cmd->rlen) {
			n = nptty_aspp_decode_reply(cmd->rbuf + off,
						    cmd->rlen - off, &r);
			if (n == 0)
				break;
			if (n < 0) {
				net_warn_ratelimited("nptty: ttyNP%u: malformed frame from the command port\n",
						     port->index);
				ret = -EPROTO;
				goto fail;
			}
			off += n;
			if (READ_ONCE(debug_frame_delay_us))
				usleep_range(debug_frame_delay_us,
					     2 * debug_frame_delay_us);
			ret = dispatch(cmd, &r);
			if (ret)
				goto fail;
		}
		memmove(cmd->rbuf, cmd->rbuf + off, cmd->rlen - off);
		cmd->rlen -= off;
	}
	mutex_unlock(&cmd->mutex);
	return;
fail:
	if (ret == -EPROTO)
		atomic64_inc(&port->stats.cmd_errors);
	cmd->rlen = 0;
	cmd->broken = true;
	cmd->result = ret;
	wake_up_all(&cmd->wait);
	mutex_unlock(&cmd->mutex);
	nptty_link_fail(port, -ret);
}

/* --- requests --- */

/* Every awaited reply came, the stream failed, or the link went away. */
static bool replies_done(struct nptty_cmdlink *cmd)
{
	return READ_ONCE(cmd->got) >= READ_ONCE(cmd->expect.n) ||
	       READ_ONCE(cmd->result) || READ_ONCE(cmd->aborted);
}

/*
 * Sleep (killable) until the replies in cmd->expect came, at most the
 * command timeout.  On a fatal signal the expectation stays: the replies
 * may still come, and the next request waits for them first.
 */
static int wait_replies(struct nptty_cmdlink *cmd)
{
	struct nptty_port *port = cmd_port(cmd);
	long left;
	int ret;

	left = wait_event_killable_timeout(cmd->wait, replies_done(cmd),
					   msecs_to_jiffies(port->cfg.cmd_timeout_ms));
	mutex_lock(&cmd->mutex);
	if (cmd->got >= cmd->expect.n)
		ret = 0;
	else if (cmd->result)
		ret = cmd->result;
	else if (cmd->aborted)
		ret = -ENOTCONN;
	else if (left < 0)
		ret = -EINTR;
	else
		ret = -ETIMEDOUT;
	if (ret != -EINTR)
		cmd->expect.n = 0;	/* nothing awaited any more */
	mutex_unlock(&cmd->mutex);
	if (ret == -ETIMEDOUT) {
		net_warn_ratelimited("nptty: ttyNP%u: no reply from the command port\n",
				     port->index);
		atomic64_inc(&port->stats.cmd_errors);
	}
	return ret;
}

/*
 * Send @len bytes of frames and wait for the replies listed in @batch.
 * Caller holds req_mutex.  On success the last reply is in cmd->reply.
 * -EINTR: a fatal signal ended the wait (the link stays up).
 */
static int request(struct nptty_cmdlink *cmd, const u8 *buf, size_t len,
		   const struct nptty_aspp_batch *batch)
{
	struct nptty_port *port = cmd_port(cmd);
	int ret;

	lockdep_assert_held(&cmd->req_mutex);
	/* the replies to a request a fatal signal abandoned come first */
	ret = replies_done(cmd) ? 0 : wait_replies(cmd);
	if (ret)
		goto fail;
	mutex_lock(&cmd->mutex);
	if (!cmd->sock || cmd->aborted || cmd->broken) {
		mutex_unlock(&cmd->mutex);
		return -ENOTCONN;	/* the link resets and resyncs */
	}
	cmd->expect = *batch;
	cmd->got = 0;
	cmd->result = 0;
	ret = cmd_send(cmd, buf, len);
	if (ret)
		cmd->expect.n = 0;
	mutex_unlock(&cmd->mutex);
	if (!ret)
		ret = wait_replies(cmd);
fail:
	if (ret && ret != -ENOTCONN && ret != -EINTR)
		nptty_link_fail(port, -ret);
	return ret;
}

/* req_mutex, or -EINTR on a fatal signal. */
static int req_lock(struct nptty_cmdlink *cmd)
{
	return mutex_lock_killable(&cmd->req_mutex) ? -EINTR : 0;
}

static int request_one(struct nptty_cmdlink *cmd, const u8 *buf, int len)
{
	struct nptty_aspp_batch b = { .n = 1, .ops = { buf[0] } };

	if (len < 0)
		return len;
	return request(cmd, buf, len, &b);
}

/* termios + DTR/RTS as the codec wants them; caller holds port->lock. */
static void to_serial(struct nptty_port *port, struct nptty_aspp_serial *s)
{
	struct ktermios *t = &port->termios;

	memset(s, 0, sizeof(*s));
	s->baud = tty_termios_baud_rate(t);
	switch (t->c_cflag & CSIZE) {
	case CS5:
		s->data_bits = 5;
		break;
	case CS6:
		s->data_bits = 6;
		break;
	case CS7:
		s->data_bits = 7;
		break;
	default:
		s->data_bits = 8;
	}
	s->stop_bits = t->c_cflag & CSTOPB ? 2 : 1;
	if (!(t->c_cflag & PARENB))
		s->parity = NPTTY_ASPP_PARITY_NONE;
	else if (t->c_cflag & CMSPAR)
		s->parity = t->c_cflag & PARODD ? NPTTY_ASPP_PARITY_MARK :
						  NPTTY_ASPP_PARITY_SPACE;
	else
		s->parity = t->c_cflag & PARODD ? NPTTY_ASPP_PARITY_ODD :
						  NPTTY_ASPP_PARITY_EVEN;
	s->crtscts = t->c_cflag & CRTSCTS;
	s->ixon = t->c_iflag & IXON;
	s->ixoff = t->c_iflag & IXOFF;
	s->xon_char = t->c_cc[VSTART];
	s->xoff_char = t->c_cc[VSTOP];
	s->dtr = port->mctrl & TIOCM_DTR;
	s->rts = port->mctrl & TIOCM_RTS;
}

/* PORT_INIT [+ SETBAUD] [+ XONXOFF]; the reply seeds the modem inputs. */
static int send_settings(struct nptty_cmdlink *cmd)
{
	struct nptty_port *port = cmd_port(cmd);
	u8 buf[NPTTY_ASPP_SETTINGS_MAX_LEN];
	struct nptty_aspp_batch batch;
	struct nptty_aspp_serial s;
	struct nptty_aspp_reply st;
	unsigned long flags;
	int len, ret;

	spin_lock_irqsave(&port->lock, flags);
	to_serial(port, &s);
	spin_unlock_irqrestore(&port->lock, flags);
	len = nptty_aspp_encode_settings(buf, sizeof(buf), &s, 0, &batch);
	if (len < 0)
		return len;
	ret = request(cmd, buf, len, &batch);
	if (ret)
		return ret;
	/* PORT_INIT's reply carries DSR, CTS and DCD (unless it rejected the
	 * baud index; SETBAUD with the exact rate followed anyway)
	 */
	mutex_lock(&cmd->mutex);
	st = cmd->status;
	mutex_unlock(&cmd->mutex);
	if (!st.baud_rejected)
		update_inputs(port, st.dsr, st.cts, st.dcd, false);
	return 0;
}

/* After a connect, before data flows: every setting, as the tty has it. */
int nptty_cmd_sync(struct nptty_port *port)
{
	struct nptty_cmdlink *cmd = &port->cmd;
	bool brk = READ_ONCE(port->break_on);
	u8 buf[8];
	int ret;

	ret = req_lock(cmd);
	if (ret)
		return ret;
	ret = send_settings(cmd);
	if (!ret)
		ret = request_one(cmd, buf,
				  nptty_aspp_encode_tx_fifo(buf, sizeof(buf),
							    NPTTY_ASPP_TX_FIFO_DEFAULT));
	if (!ret)
		ret = request_one(cmd, buf,
				  nptty_aspp_encode_start_notify(buf, sizeof(buf)));
	if (!ret && brk)
		ret = request_one(cmd, buf,
				  nptty_aspp_encode_start_break(buf, sizeof(buf)));
	mutex_unlock(&cmd->req_mutex);
	return ret;
}

/* set_termios: the whole serial setup, acknowledged before we return. */
int nptty_cmd_set_termios(struct nptty_port *port)
{
	int ret;

	if (!nptty_cmd_configured(port))
		return 0;
	ret = req_lock(&port->cmd);
	if (ret)
		return ret;
	ret = send_settings(&port->cmd);
	mutex_unlock(&port->cmd.req_mutex);
	return ret;
}

int nptty_cmd_linectrl(struct nptty_port *port)
{
	unsigned long flags;
	unsigned int m;
	u8 buf[8];
	int ret;

	if (!nptty_cmd_configured(port))
		return 0;
	spin_lock_irqsave(&port->lock, flags);
	m = port->mctrl;
	spin_unlock_irqrestore(&port->lock, flags);
	ret = req_lock(&port->cmd);
	if (ret)
		return ret;
	ret = request_one(&port->cmd, buf,
			  nptty_aspp_encode_linectrl(buf, sizeof(buf),
						     m & TIOCM_DTR,
						     m & TIOCM_RTS));
	mutex_unlock(&port->cmd.req_mutex);
	return ret;
}

int nptty_cmd_break(struct nptty_port *port, bool on)
{
	u8 buf[4];
	int ret;

	ret = req_lock(&port->cmd);
	if (ret)
		return ret;
	ret = request_one(&port->cmd, buf, on ?
			  nptty_aspp_encode_start_break(buf, sizeof(buf)) :
			  nptty_aspp_encode_stop_break(buf, sizeof(buf)));
	mutex_unlock(&port->cmd.req_mutex);
	return ret;
}

/*
 * tcdrain, after the local ring and the socket are empty: ask the NPort how
 * much it still has to send until it says 0, at most @timeout jiffies.
 */
int nptty_cmd_drain(struct nptty_port *port, unsigned long timeout)
{
	unsigned long end = jiffies + timeout;
	u8 buf[8];
	int ret;

	if (!nptty_cmd_configured(port))
		return 0;
	for (;;) {
		ret = req_lock(&port->cmd);
		if (ret)
			return ret;
		ret = request_one(&port->cmd, buf,
				  nptty_aspp_encode_wait_oqueue(buf, sizeof(buf),
								CMD_WAIT_OQUEUE_POLL_MS));
		if (!ret && port->cmd.reply.count)
			ret = -EAGAIN;
		mutex_unlock(&port->cmd.req_mutex);
		if (ret != -EAGAIN)
			return ret;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		if (msleep_interruptible(CMD_WAIT_OQUEUE_POLL_MS))
			return -EINTR;
	}
}

/* Flush and flow requests from contexts that cannot sleep. */
static void cmd_async_work(struct work_struct *work)
{
	struct nptty_cmdlink *cmd = container_of(work, struct nptty_cmdlink,
					     async_work);
	bool rx, tx;
	u8 buf[8];

	mutex_lock(&cmd->req_mutex);
	rx = test_and_clear_bit(NPTTY_CMD_P_FLUSH_RX, &cmd->pending);
	tx = test_and_clear_bit(NPTTY_CMD_P_FLUSH_TX, &cmd->pending);
	if (rx || tx) {
		u8 which = rx && tx ? NPTTY_ASPP_FLUSH_BOTH :
			   rx ? NPTTY_ASPP_FLUSH_RX : NPTTY_ASPP_FLUSH_TX;

		request_one(cmd, buf,
			    nptty_aspp_encode_flush(buf, sizeof(buf), which));
	}
	if (test_and_clear_bit(NPTTY_CMD_P_XOFF, &cmd->pending))
		request_one(cmd, buf, nptty_aspp_encode_setxoff(buf, sizeof(buf)));
	if (test_and_clear_bit(NPTTY_CMD_P_XON, &cmd->pending))
		request_one(cmd, buf, nptty_aspp_encode_setxon(buf, sizeof(buf)));
	mutex_unlock(&cmd->req_mutex);
}

/* Queue a NPTTY_CMD_P_* request; callable from any context. */
void nptty_cmd_queue(struct nptty_port *port, int what)
{
	struct nptty_cmdlink *cmd = &port->cmd;

	if (!nptty_cmd_configured(port))
		return;
	if (what == NPTTY_CMD_P_XON)
		clear_bit(NPTTY_CMD_P_XOFF, &cmd->pending);
	if (what == NPTTY_CMD_P_XOFF)
		clear_bit(NPTTY_CMD_P_XON, &cmd->pending);
	set_bit(what, &cmd->pending);
	queue_work(nptty_wq, &cmd->async_work);
}

/* --- the socket, handed over by the link --- */

void nptty_cmd_init(struct nptty_cmdlink *cmd)
{
	mutex_init(&cmd->req_mutex);
	mutex_init(&cmd->mutex);
	init_waitqueue_head(&cmd->wait);
	INIT_WORK(&cmd->rx_work, cmd_rx_work);
	INIT_WORK(&cmd->async_work, cmd_async_work);
}

/* A connected command socket: start reading it. */
void nptty_cmd_attach(struct nptty_port *port, struct socket *sock)
{
	struct nptty_cmdlink *cmd = &port->cmd;

	mutex_lock(&cmd->mutex);
	cmd->sock = sock;
	cmd->rlen = 0;
	cmd->broken = false;
	cmd->aborted = false;
	cmd->result = 0;
	cmd->expect.n = 0;
	nptty_sock_attach(sock, cmd, &cmd_cbs, &cmd->saved);
	mutex_unlock(&cmd->mutex);
	queue_work(nptty_wq, &cmd->rx_work);
}

/* Make waiting and future requests fail at once (link going down). */
void nptty_cmd_abort(struct nptty_port *port)
{
	struct nptty_cmdlink *cmd = &port->cmd;

	WRITE_ONCE(cmd->aborted, true);
	wake_up_all(&cmd->wait);
}

/* Take the socket back (callbacks restored); the caller releases it. */
struct socket *nptty_cmd_detach(struct nptty_port *port)
{
	struct nptty_cmdlink *cmd = &port->cmd;
	struct socket *sock;

	nptty_cmd_abort(port);
	mutex_lock(&cmd->mutex);
	sock = cmd->sock;
	cmd->sock = NULL;
	if (sock)
		nptty_sock_detach(sock, &cmd->saved);
	mutex_unlock(&cmd->mutex);
	return sock;
}

/* Quiesce: after the socket is detached, no work may still run. */
void nptty_cmd_cancel(struct nptty_port *port)
{
	cancel_work_sync(&port->cmd.rx_work);
	cancel_work_sync(&port->cmd.async_work);
	port->cmd.pending = 0;
}
