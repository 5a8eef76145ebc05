// SPDX-License-Identifier: GPL-2.0
/*
 * The data link of a port: connect on open, socket -> tty (rx), ring ->
 * socket (tx), loss, backoff and reconnect, disconnect on close.
 *
 * States (link->state, enum nptty_link_state): IDLE while the tty is closed;
 * start() -> CONNECTING -> UP; a failed connect or a lost link -> BACKOFF ->
 * CONNECTING ... (policy reconnect), or -> FAILED and a tty hangup (policy
 * hangup, once the link has been up).  stop() -> IDLE from anywhere.  While
 * UP the state work also runs every watch period (link_watch()): a peer
 * that leaves data or a probe unanswered for user_timeout_ms is lost.
 *
 * Context and locking (see port.c for the whole order):
 *  - start()/stop() run under port->port.mutex (tty_port activate/shutdown,
 *    or port deletion).
 *  - link->mutex guards link->sock, state, err and every socket operation;
 *    it is taken only in process context: the three work items and
 *    start/stop/wait helpers.
 *  - Socket callbacks (softirq) only set a flag and queue work.
 *  - port->lock (spinlock, irqsave) guards the transmit ring, tx_len/tx_off
 *    and tx_gen, shared with tty ->write() which may run in atomic context.
 *  - Work items take no port reference: stop() cancels them synchronously
 *    after detaching the callbacks and before the port can be freed.
 *
 * With a command port, the command socket connects first, alongside the
 * data socket; once both are up it is handed to cmd.c and every setting is
 * re-sent (nptty_cmd_sync()) before the link is UP and data flows.  A
 * command-port failure (cmd.c calls nptty_link_fail()) takes the whole link
 * down like a data-socket failure.
 *
 * Data guarantees: bytes accepted by write() stay in the ring (or tx_buf)
 * until the socket takes them; across a reconnect they are sent on the new
 * connection.  Bytes the dead socket had taken but the peer had not
 * acknowledged are counted in stats.tx_lost, never sent twice.  Received
 * bytes are read only as far as the flip buffer has room, and not at all
 * while the tty is throttled, so TCP back-pressure reaches the NPort.
 */
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>

#include "cmd.h"
#include "link.h"
#include "netlink.h"
#include "port.h"
#include "sock.h"

#define LINK_BUF_SIZE		4096
#define LINK_RX_BUDGET		(256 * 1024)
#define LINK_BACKOFF_MIN_MS	100
#define LINK_BACKOFF_MAX_MS	5000
#define LINK_RX_RETRY		(HZ / 100 ?: 1)
#define LINK_WATCH_MIN		(HZ / 10 ?: 1)
#define LINK_WATCH_MAX		(2 * HZ)

struct workqueue_struct *nptty_wq;

/*
 * Test-only delays that widen race windows so that selftests can hit them
 * every time (selftests/cmd_hostile.sh); 0, the default, is no delay.
 */
static unsigned int debug_delay_ms;
module_param(debug_delay_ms, uint, 0600);
MODULE_PARM_DESC(debug_delay_ms, "Tests only: length of the debug_delay_at delays");
static unsigned int debug_delay_at;
module_param(debug_delay_at, uint, 0600);
MODULE_PARM_DESC(debug_delay_at,
		 "Tests only: 1 = link teardown waits before dropping the command socket, 2 = a received break waits before the rx work");

#define DEBUG_AT_TEARDOWN	1
#define DEBUG_AT_BREAK		2

static unsigned long debug_delay(unsigned int at)
{
	if (!(READ_ONCE(debug_delay_at) & at))
		return 0;
	return msecs_to_jiffies(READ_ONCE(debug_delay_ms));
}

static struct nptty_port *link_port(struct nptty_link *link)
{
	return container_of(link, struct nptty_port, link);
}

static void queue_state(struct nptty_link *link, unsigned long delay)
{
	mod_delayed_work(nptty_wq, &link->state_work, delay);
}

/* --- socket callbacks: softirq context, only queue work --- */

static void link_data_ready(struct sock *sk)
{
	struct nptty_link *link;

	read_lock_bh(&sk->sk_callback_lock);
	link = sk->sk_user_data;
	if (link && !test_bit(NPTTY_LINK_F_THROTTLED, &link->flags))
		mod_delayed_work(nptty_wq, &link->rx_work, 0);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void link_write_space(struct sock *sk)
{
	struct nptty_link *link;

	read_lock_bh(&sk->sk_callback_lock);
	link = sk->sk_user_data;
	if (link && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		queue_work(nptty_wq, &link->tx_work);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void link_state_change(struct sock *sk)
{
	struct nptty_link *link;

	read_lock_bh(&sk->sk_callback_lock);
	link = sk->sk_user_data;
	if (link) {
		switch (sk->sk_state) {
		case TCP_ESTABLISHED:
			break;
		case TCP_CLOSE_WAIT:
			/* peer sent FIN: rx reads what is left, then EOF */
			mod_delayed_work(nptty_wq, &link->rx_work, 0);
			goto out;
		default:
			set_bit(NPTTY_LINK_F_LOST, &link->flags);
			break;
		}
		queue_state(link, 0);
	}
out:
	read_unlock_bh(&sk->sk_callback_lock);
}

static const struct nptty_sock_cbs link_cbs = {
	.data_ready = link_data_ready,
	.write_space = link_write_space,
	.state_change = link_state_change,
};

/* --- state machine, under link->mutex --- */

static void set_state(struct nptty_link *link, u8 state)
{
	lockdep_assert_held(&link->mutex);
	WRITE_ONCE(link->state, state);
	wake_up_all(&link->wait);
}

/* Drop the socket; count what it had taken and not delivered. */
static void link_teardown(struct nptty_link *link)
{
	struct nptty_port *port = link_port(link);
	struct socket *sock = link->sock;

	struct socket *csock;

	lockdep_assert_held(&link->mutex);
	if (debug_delay(DEBUG_AT_TEARDOWN))
		msleep(jiffies_to_msecs(debug_delay(DEBUG_AT_TEARDOWN)));
	csock = nptty_cmd_detach(port);
	if (csock)
		nptty_sock_close(csock);
	nptty_cmd_cancel(port);
	if (link->csock) {
		nptty_sock_detach(link->csock, &link->csaved);
		nptty_sock_close(link->csock);
		link->csock = NULL;
	}
	if (!sock)
		return;
	nptty_sock_detach(sock, &link->saved);
	atomic64_add(nptty_sock_unsent(sock), &port->stats.tx_lost);
	link->sock = NULL;
	nptty_sock_close(sock);
}

/*
 * The link came up or went down.  Without a command port the link is the
 * carrier (DCD); with one, DCD is the NPort's own line: unknown (off) while
 * the link is down, and set from PORT_INIT's reply and NOTIFY once it is up.
 * Count the change and wake TIOCMIWAIT and blocked opens.
 */
static void carrier_changed(struct nptty_port *port, bool up)
{
	unsigned long flags;

	if (!nptty_cmd_configured(port)) {
		spin_lock_irqsave(&port->lock, flags);
		port->icount.dcd++;
		spin_unlock_irqrestore(&port->lock, flags);
	} else if (!up) {
		nptty_cmd_clear_inputs(port);
	}
	wake_up_interruptible(&port->port.delta_msr_wait);
	wake_up_interruptible(&port->port.open_wait);
}

static void link_down(struct nptty_link *link, int err);

/* How often an UP link checks that its peer still answers. */
static unsigned long watch_period(const struct nptty_port *port)
{
	return clamp_t(unsigned long,
		       msecs_to_jiffies(port->cfg.user_timeout_ms) / 4,
		       LINK_WATCH_MIN, LINK_WATCH_MAX);
}

/*
 * The data socket's dead-peer check (it has no TCP_USER_TIMEOUT, see
 * sock.c): the peer is dead when it has owed an answer -- an
 * acknowledgement of bytes in flight, or the answer to a window or
 * keepalive probe -- for user_timeout_ms and nothing at all came back
 * (watch.h).  A shut window whose probes the peer answers is flow control
 * and lasts as long as it lasts.
 */
static bool link_peer_dead(struct nptty_link *link)
{
	struct nptty_port *port = link_port(link);
	bool owed;
	u32 stamp;

	owed = nptty_sock_owed(link->sock, &stamp);
	return nptty_watch_dead(&link->watch, owed, stamp, jiffies,
				msecs_to_jiffies(port->cfg.user_timeout_ms));
}

static void link_watch(struct nptty_link *link)
{
	struct nptty_port *port = link_port(link);

	if (!port->cfg.user_timeout_ms)
		return;
	if (link_peer_dead(link)) {
		link_down(link, ETIMEDOUT);
		return;
	}
	/* not mod_: a loss queued meanwhile keeps its zero delay */
	queue_delayed_work(nptty_wq, &link->state_work, watch_period(port));
}

static void link_up(struct nptty_link *link)
{
	struct nptty_port *port = link_port(link);
	int ret;

	if (!test_bit(NPTTY_LINK_F_WANTED, &link->flags))
		return;		/* stopping */
	if (link->csock) {
		/* hand the command socket over, then resync every setting */
		nptty_sock_detach(link->csock, &link->csaved);
		nptty_cmd_attach(port, link->csock);
		link->csock = NULL;
		ret = nptty_cmd_sync(port);
		if (ret) {
			link_down(link, -ret);
			return;
		}
	}
	link->err = 0;
	link->backoff_ms = LINK_BACKOFF_MIN_MS;
	set_bit(NPTTY_LINK_F_WAS_UP, &link->flags);
	clear_bit(NPTTY_LINK_F_LOST, &link->flags);
	set_state(link, NPTTY_LINK_UP);
	atomic64_inc(&port->stats.connects);
	carrier_changed(port, true);
	nptty_genl_notify(port, NPTTY_NTF_LINK_UP);
	mod_delayed_work(nptty_wq, &link->rx_work, 0);
	queue_work(nptty_wq, &link->tx_work);
	nptty_watch_reset(&link->watch);
	link_watch(link);
}

static void link_down(struct nptty_link *link, int err)
{
	struct nptty_port *port = link_port(link);
	bool was_up = link->state == NPTTY_LINK_UP;

	link_teardown(link);
	link->err = err;
	if (was_up)
		WRITE_ONCE(link->down_since, jiffies);
	/* a drain waiting on a dead link re-checks nptty_link_gave_up(), and
	 * a blocking open waiting for carrier re-checks nptty_link_failed()
	 */
	tty_port_tty_wakeup(&port->port);
	wake_up_interruptible(&port->port.open_wait);
	if (was_up && port->cfg.loss_policy == NPTTY_LOSS_HANGUP) {
		set_state(link, NPTTY_LINK_FAILED);
	} else {
		set_state(link, NPTTY_LINK_BACKOFF);
		queue_state(link, msecs_to_jiffies(link->backoff_ms));
		link->backoff_ms = min(link->backoff_ms * 2,
				       LINK_BACKOFF_MAX_MS);
	}
	if (was_up) {
		/* after the state change, so the event reports the new state */
		atomic64_inc(&port->stats.disconnects);
		carrier_changed(port, false);
		nptty_genl_notify(port, NPTTY_NTF_LINK_DOWN);
	}
	if (link->state == NPTTY_LINK_FAILED)
		tty_port_tty_hangup(&port->port, false);
}

static void link_connect(struct nptty_link *link)
{
	struct nptty_port *port = link_port(link);
	struct socket *sock;
	int ret;

	if (port->cfg.cmd_port) {
		ret = nptty_sock_create(port->net, &port->cfg, false, &sock);
		if (ret) {
			link_down(link, -ret);
			return;
		}
		nptty_sock_attach(sock, link, &link_cbs, &link->csaved);
		link->csock = sock;
		ret = nptty_sock_connect(sock, &port->cfg, port->cfg.cmd_port);
		if (ret && ret != -EINPROGRESS) {
			link_down(link, -ret);
			return;
		}
	}
	ret = nptty_sock_create(port->net, &port->cfg, true, &sock);
	if (ret) {
		link_down(link, -ret);
		return;
	}
	nptty_sock_attach(sock, link, &link_cbs, &link->saved);
	link->sock = sock;
	ret = nptty_sock_connect(sock, &port->cfg,
				 ntohs(((struct sockaddr_in *)&port->cfg.addr)->sin_port));
	if (ret && ret != -EINPROGRESS)
		link_down(link, -ret);
	else
		queue_state(link, 0);	/* check both sockets */
}

/* 1: connected, 0: still connecting, -errno: failed. */
static int sock_connected(struct socket *sock)
{
	struct sock *sk = sock->sk;
	int err;

	switch (READ_ONCE(sk->sk_state)) {
	case TCP_ESTABLISHED:
		return 1;
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
		return 0;
	default:
		err = sock_error(sk);
		return err ?: -ECONNREFUSED;
	}
}

static void link_check_connect(struct nptty_link *link)
{
	int d, c = 1;

	d = sock_connected(link->sock);
	if (link->csock)
		c = sock_connected(link->csock);
	if (c < 0 || d < 0) {
		link_down(link, -(c < 0 ? c : d));
		return;
	}
	if (c && d) {
		link_up(link);
		return;
	}
	if (time_after_eq(jiffies, link->deadline))
		link_down(link, ETIMEDOUT);
	else
		queue_state(link, link->deadline - jiffies);
}

static void link_state_work(struct work_struct *work)
{
	struct nptty_link *link = container_of(to_delayed_work(work),
					       struct nptty_link, state_work);
	struct nptty_port *port = link_port(link);
	int err;

	mutex_lock(&link->mutex);
	if (!test_bit(NPTTY_LINK_F_WANTED, &link->flags))
		goto out;

	switch (link->state) {
	case NPTTY_LINK_CONNECTING:
		if (!link->sock)
			link_connect(link);
		else
			link_check_connect(link);
		break;
	case NPTTY_LINK_UP:
		if (!test_and_clear_bit(NPTTY_LINK_F_LOST, &link->flags)) {
			link_watch(link);
			break;
		}
		err = xchg(&link->lost_err, 0);
		if (!err && link->sock)
			err = -sock_error(link->sock->sk);
		link_down(link, err ?: ECONNRESET);
		break;
	case NPTTY_LINK_BACKOFF:
		link->deadline = jiffies +
				 msecs_to_jiffies(port->cfg.connect_timeout_ms);
		set_state(link, NPTTY_LINK_CONNECTING);
		link_connect(link);
		break;
	}
out:
	mutex_unlock(&link->mutex);
}

/* --- data movement --- */

/* Mark the link lost from rx/tx; the state work decides what follows. */
static void link_lost(struct nptty_link *link, int err)
{
	cmpxchg(&link->lost_err, 0, err);
	set_bit(NPTTY_LINK_F_LOST, &link->flags);
	queue_state(link, 0);
}

/* A received break (NOTIFY): the rx work puts it in the flip buffer. */
void nptty_link_rx_break(struct nptty_port *port)
{
	set_bit(NPTTY_LINK_F_BREAK, &port->link.flags);
	mod_delayed_work(nptty_wq, &port->link.rx_work,
			 debug_delay(DEBUG_AT_BREAK));
}

/* The command link failed (any context): take the whole link down. */
void nptty_link_fail(struct nptty_port *port, int err)
{
	struct nptty_link *link = &port->link;

	if (READ_ONCE(link->state) != NPTTY_LINK_UP)
		return;	/* connecting: the sync reports it */
	link_lost(link, err);
}

static void link_tx_work(struct work_struct *work)
{
	struct nptty_link *link = container_of(work, struct nptty_link,
					       tx_work);
	struct nptty_port *port = link_port(link);
	unsigned long flags;
	bool progress = false;
	unsigned int gen;
	size_t pending;
	int ret;

	mutex_lock(&link->mutex);
	while (link->state == NPTTY_LINK_UP && link->sock) {
		spin_lock_irqsave(&port->lock, flags);
		if (link->tx_off == link->tx_len && kfifo_initialized(&port->xmit)) {
			link->tx_len = kfifo_out(&port->xmit, link->tx_buf,
						 LINK_BUF_SIZE);
			link->tx_off = 0;
		}
		pending = link->tx_len - link->tx_off;
		gen = link->tx_gen;
		spin_unlock_irqrestore(&port->lock, flags);
		if (!pending)
			break;

		ret = nptty_sock_send(link->sock, link->tx_buf + link->tx_off,
				      pending);
		if (ret == -EAGAIN)
			break;	/* write_space queues us again */
		if (ret <= 0) {
			link_lost(link, ret < 0 ? -ret : EPIPE);
			break;
		}
		progress = true;
		atomic64_add(ret, &port->stats.tx_bytes);
		spin_lock_irqsave(&port->lock, flags);
		if (gen == link->tx_gen)	/* no flush meanwhile */
			link->tx_off += ret;
		spin_unlock_irqrestore(&port->lock, flags);
	}
	mutex_unlock(&link->mutex);
	if (progress)
		tty_port_tty_wakeup(&port->port);
}

static void link_rx_work(struct work_struct *work)
{
	struct nptty_link *link = container_of(to_delayed_work(work),
					       struct nptty_link, rx_work);
	struct nptty_port *port = link_port(link);
	size_t budget = LINK_RX_BUDGET;
	bool pushed = false;
	unsigned int room;
	int ret;

	mutex_lock(&link->mutex);
	/* the flip buffer has one producer: this work (see cmd.c for breaks) */
	if (test_and_clear_bit(NPTTY_LINK_F_BREAK, &link->flags))
		pushed |= tty_insert_flip_char(&port->port, 0, TTY_BREAK) > 0;
	while (budget && !test_bit(NPTTY_LINK_F_THROTTLED, &link->flags)) {
		if (link->rx_off < link->rx_len) {
			ret = tty_insert_flip_string(&port->port,
						     link->rx_buf + link->rx_off,
						     link->rx_len - link->rx_off);
			link->rx_off += ret;
			pushed |= ret > 0;
			if (link->rx_off < link->rx_len) {
				/* flip buffer full: try again shortly */
				mod_delayed_work(nptty_wq, &link->rx_work,
						 LINK_RX_RETRY);
				break;
			}
			continue;
		}
		if (link->state != NPTTY_LINK_UP || !link->sock)
			break;
		room = tty_buffer_space_avail(&port->port);
		if (!room) {
			mod_delayed_work(nptty_wq, &link->rx_work, LINK_RX_RETRY);
			break;
		}
		ret = nptty_sock_recv(link->sock, link->rx_buf,
				      min_t(size_t, room, LINK_BUF_SIZE));
		if (ret == -EAGAIN)
			break;	/* data_ready queues us again */
		if (ret <= 0) {
			link_lost(link, ret < 0 ? -ret : ECONNRESET);
			break;
		}
		atomic64_add(ret, &port->stats.rx_bytes);
		link->rx_len = ret;
		link->rx_off = 0;
		budget -= min_t(size_t, budget, ret);
	}
	if (!budget)
		mod_delayed_work(nptty_wq, &link->rx_work, 0);
	mutex_unlock(&link->mutex);
	if (pushed)
		tty_flip_buffer_push(&port->port);
}

/* --- interface for tty.c and port.c --- */

void nptty_link_init(struct nptty_link *link)
{
	mutex_init(&link->mutex);
	link->state = NPTTY_LINK_IDLE;
	INIT_DELAYED_WORK(&link->rx_work, link_rx_work);
	INIT_WORK(&link->tx_work, link_tx_work);
	INIT_DELAYED_WORK(&link->state_work, link_state_work);
	init_waitqueue_head(&link->wait);
}

/* First open: allocate buffers and start connecting in the background. */
int nptty_link_start(struct nptty_port *port, bool nonblock)
{
	struct nptty_link *link = &port->link;

	lockdep_assert_held(&port->port.mutex);
	link->rx_buf = kmalloc(LINK_BUF_SIZE, GFP_KERNEL);
	link->tx_buf = kmalloc(LINK_BUF_SIZE, GFP_KERNEL);
	if (!link->rx_buf || !link->tx_buf) {
		kfree(link->rx_buf);
		kfree(link->tx_buf);
		link->rx_buf = NULL;
		link->tx_buf = NULL;
		return -ENOMEM;
	}
	mutex_lock(&link->mutex);
	link->rx_len = 0;
	link->rx_off = 0;
	link->tx_len = 0;
	link->tx_off = 0;
	link->err = 0;
	link->backoff_ms = LINK_BACKOFF_MIN_MS;
	link->deadline = jiffies + msecs_to_jiffies(port->cfg.connect_timeout_ms);
	link->down_since = jiffies;
	link->lost_err = 0;
	clear_bit(NPTTY_LINK_F_LOST, &link->flags);
	clear_bit(NPTTY_LINK_F_WAS_UP, &link->flags);
	clear_bit(NPTTY_LINK_F_THROTTLED, &link->flags);
	/* a break the last open did not deliver belonged to it */
	clear_bit(NPTTY_LINK_F_BREAK, &link->flags);
	set_bit(NPTTY_LINK_F_WANTED, &link->flags);
	set_state(link, NPTTY_LINK_CONNECTING);
	mutex_unlock(&link->mutex);
	queue_state(link, 0);
	return 0;
}

/* Last close, hangup or deletion: disconnect and quiesce.  Idempotent. */
void nptty_link_stop(struct nptty_port *port)
{
	struct nptty_link *link = &port->link;
	unsigned long flags;
	bool was_up;

	lockdep_assert_held(&port->port.mutex);
	clear_bit(NPTTY_LINK_F_WANTED, &link->flags);
	nptty_cmd_abort(port);	/* a sync in the state work stops waiting */
	mutex_lock(&link->mutex);
	was_up = link->state == NPTTY_LINK_UP;
	link_teardown(link);
	set_state(link, NPTTY_LINK_IDLE);
	if (was_up) {
		atomic64_inc(&port->stats.disconnects);
		nptty_genl_notify(port, NPTTY_NTF_LINK_DOWN);
	}
	mutex_unlock(&link->mutex);

	/* No callback can queue work now; flush what is queued or running. */
	cancel_delayed_work_sync(&link->state_work);
	cancel_delayed_work_sync(&link->rx_work);
	cancel_work_sync(&link->tx_work);

	spin_lock_irqsave(&port->lock, flags);
	link->tx_len = 0;
	link->tx_off = 0;
	link->tx_gen++;
	spin_unlock_irqrestore(&port->lock, flags);
	kfree(link->rx_buf);
	kfree(link->tx_buf);
	link->rx_buf = NULL;
	link->tx_buf = NULL;
	link->rx_len = 0;
	link->rx_off = 0;
}

/* Has a blocking open waited long enough? */
static bool open_may_go(struct nptty_port *port)
{
	struct nptty_link *link = &port->link;
	u8 state = READ_ONCE(link->state);

	return state == NPTTY_LINK_UP || state == NPTTY_LINK_IDLE ||
	       test_bit(NPTTY_LINK_F_WAS_UP, &link->flags) ||
	       READ_ONCE(link->err) || READ_ONCE(port->dead);
}

/*
 * A blocking open waits here (without port.mutex) until the first connect
 * of this open succeeds or fails, at most the connect timeout.  An open of a
 * port whose link was up before (and is reconnecting) does not wait.
 */
int nptty_link_wait_up(struct nptty_port *port)
{
	struct nptty_link *link = &port->link;
	long left;
	int err;

	left = msecs_to_jiffies(port->cfg.connect_timeout_ms) + HZ;
	left = wait_event_interruptible_timeout(link->wait, open_may_go(port),
						left);
	if (left < 0)
		return left;
	if (READ_ONCE(port->dead))
		return -ENODEV;
	if (test_bit(NPTTY_LINK_F_WAS_UP, &link->flags))
		return 0;
	err = READ_ONCE(link->err);
	if (err)
		return -err;
	return left ? -EIO : -ETIMEDOUT;
}

bool nptty_link_is_up(struct nptty_port *port)
{
	return READ_ONCE(port->link.state) == NPTTY_LINK_UP;
}

/*
 * The link has been down for longer than a drain may wait: tcdrain() and
 * close stop waiting for queued bytes (which stay queued for the next
 * connection).  The bound is the TCP user timeout, or the connect timeout
 * when that is off, so a dead NPort never hangs a process.
 */
bool nptty_link_gave_up(struct nptty_port *port)
{
	struct nptty_link *link = &port->link;
	u32 ms = port->cfg.user_timeout_ms ?: port->cfg.connect_timeout_ms;

	u8 state = READ_ONCE(link->state);

	if (state == NPTTY_LINK_IDLE || READ_ONCE(port->dead))
		return true;	/* stopped or deleted: nothing will be sent */
	return state != NPTTY_LINK_UP &&
	       time_after(jiffies, READ_ONCE(link->down_since) +
			  msecs_to_jiffies(ms));
}

/* The first connect since the open failed (the open should report it). */
bool nptty_link_failed(struct nptty_port *port)
{
	struct nptty_link *link = &port->link;

	return READ_ONCE(link->err) &&
	       !test_bit(NPTTY_LINK_F_WAS_UP, &link->flags);
}

void nptty_link_kick_tx(struct nptty_port *port)
{
	if (READ_ONCE(port->link.state) == NPTTY_LINK_UP)
		queue_work(nptty_wq, &port->link.tx_work);
}

void nptty_link_throttle(struct nptty_port *port, bool on)
{
	struct nptty_link *link = &port->link;

	if (on) {
		set_bit(NPTTY_LINK_F_THROTTLED, &link->flags);
	} else {
		clear_bit(NPTTY_LINK_F_THROTTLED, &link->flags);
		mod_delayed_work(nptty_wq, &link->rx_work, 0);
	}
}

/*
 * tcflush(TCIFLUSH): drop what was received and is not in the tty yet: the
 * bounce buffer and what the data socket has queued now (at most
 * LINK_RX_BUDGET; bytes still on their way arrive after the flush, as on a
 * UART).  The caller flushes the tty's own buffers afterwards.
 */
void nptty_link_flush_rx(struct nptty_port *port)
{
	struct nptty_link *link = &port->link;
	size_t budget = LINK_RX_BUDGET;
	int ret;

	mutex_lock(&link->mutex);
	link->rx_len = 0;
	link->rx_off = 0;
	while (budget && link->state == NPTTY_LINK_UP && link->sock &&
	       link->rx_buf) {
		ret = nptty_sock_recv(link->sock, link->rx_buf, LINK_BUF_SIZE);
		if (ret <= 0)
			break;	/* empty; an end or error is the rx work's */
		atomic64_add(ret, &port->stats.rx_bytes);
		budget -= min_t(size_t, budget, ret);
	}
	mutex_unlock(&link->mutex);
}

/* Drop what the ring and tx_buf hold (tcflush).  Caller holds port->lock. */
void nptty_link_flush_tx(struct nptty_port *port)
{
	struct nptty_link *link = &port->link;

	lockdep_assert_held(&port->lock);
	if (kfifo_initialized(&port->xmit))
		kfifo_reset(&port->xmit);
	link->tx_len = 0;
	link->tx_off = 0;
	link->tx_gen++;
}

/* Bytes taken from the ring and not yet accepted by the socket. */
unsigned int nptty_link_tx_pending(struct nptty_port *port)
{
	lockdep_assert_held(&port->lock);
	return port->link.tx_len - port->link.tx_off;
}

/* Bytes the data socket holds that the peer has not acknowledged. */
u32 nptty_link_sock_unsent(struct nptty_port *port)
{
	struct nptty_link *link = &port->link;
	u32 unsent = 0;

	mutex_lock(&link->mutex);
	if (link->state == NPTTY_LINK_UP && link->sock)
		unsent = nptty_sock_unsent(link->sock);
	mutex_unlock(&link->mutex);
	return unsent;
}

/*
 * tcdrain, after the ring is empty: wait until the peer has acknowledged
 * every byte, the link goes down or the port is deleted, or @timeout
 * (jiffies) passes.
 */
int nptty_link_wait_sent(struct nptty_port *port, unsigned long timeout)
{
	unsigned long end = jiffies + timeout;

	for (;;) {
		if (READ_ONCE(port->dead) || !nptty_link_sock_unsent(port))
			return 0;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		if (msleep_interruptible(5))
			return -EINTR;
	}
}

int nptty_link_wq_init(void)
{
	/*
	 * unbound: 7.x warns about an implicitly per-CPU queue.  Not
	 * WQ_HIGHPRI: a nice -20 worker preempts the writer on every kick,
	 * one more context switch per round trip and bulk writes in 2 KiB
	 * steps (docs/benchmarks.md: p50 -22 %, write switches/MB / 3.6).
	 */
	nptty_wq = alloc_workqueue("nptty", WQ_UNBOUND, 0);
	return nptty_wq ? 0 : -ENOMEM;
}

void nptty_link_wq_uninit(void)
{
	destroy_workqueue(nptty_wq);
}
