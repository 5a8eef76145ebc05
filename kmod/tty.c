// SPDX-License-Identifier: GPL-2.0
/*
 * The ttyNP tty driver: tty_operations and tty_port_operations.
 *
 * The tty core serialises open/close/hangup with port->port.mutex and calls
 * ->activate() on the first open and ->shutdown() on the last close or a
 * hangup; those start and stop the data link (link.c).  ->write() may be
 * called in atomic context: it only copies into the transmit ring under
 * port->lock and queues the link's tx work.  Locking and lifetime rules for
 * the whole module are at the top of port.c.
 */
#include <linux/module.h>
#include <linux/serial.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>

#include "cmd.h"
#include "compat.h"
#include "link.h"
#include "port.h"
#include "tty.h"

struct tty_driver *nptty_tty_driver;

/* --- tty_port_operations --- */

static int nptty_activate(struct tty_port *tport, struct tty_struct *tty)
{
	struct nptty_port *port = to_nptty_port(tport);
	unsigned long flags;
	struct kfifo fifo;
	int ret;

	if (READ_ONCE(port->dead))
		return -ENODEV;
	ret = kfifo_alloc(&fifo, port->cfg.tx_ring, GFP_KERNEL);
	if (ret)
		return ret;
	spin_lock_irqsave(&port->lock, flags);
	port->xmit = fifo;
	spin_unlock_irqrestore(&port->lock, flags);

	ret = nptty_link_start(port, false);
	if (ret) {
		spin_lock_irqsave(&port->lock, flags);
		kfifo_free(&port->xmit);
		spin_unlock_irqrestore(&port->lock, flags);
	}
	return ret;
}

static void nptty_shutdown(struct tty_port *tport)
{
	struct nptty_port *port = to_nptty_port(tport);
	unsigned long flags;
	struct kfifo fifo;

	nptty_link_stop(port);
	spin_lock_irqsave(&port->lock, flags);
	fifo = port->xmit;
	memset(&port->xmit, 0, sizeof(port->xmit));
	spin_unlock_irqrestore(&port->lock, flags);
	kfifo_free(&fifo);
}

/* DCD: the link, and with a command port the NPort's DCD line too. */
static NPTTY_CARRIER_RET nptty_carrier_raised(struct tty_port *tport)
{
	struct nptty_port *port = to_nptty_port(tport);

	/*
	 * A blocking open without CLOCAL waits here for carrier; when the
	 * first connect failed, let it through so that nptty_open() returns
	 * the real error instead of waiting for a carrier that cannot come.
	 */
	if (nptty_link_failed(port))
		return true;
	if (!nptty_link_is_up(port))
		return false;
	return !nptty_cmd_configured(port) || (READ_ONCE(port->mctrl) & TIOCM_CAR);
}

/* Called on open (raise) and on a HUPCL close (drop), with the link up. */
static void nptty_dtr_rts(struct tty_port *tport, NPTTY_DTR_RTS_ARG on)
{
	struct nptty_port *port = to_nptty_port(tport);
	unsigned long flags;

	spin_lock_irqsave(&port->lock, flags);
	if (on)
		port->mctrl |= TIOCM_DTR | TIOCM_RTS;
	else
		port->mctrl &= ~(TIOCM_DTR | TIOCM_RTS);
	spin_unlock_irqrestore(&port->lock, flags);
	nptty_cmd_linectrl(port);
}

static void nptty_destruct(struct tty_port *tport)
{
	struct nptty_port *port = to_nptty_port(tport);

	/* the link was stopped by ->shutdown or deletion; be sure of it */
	cancel_delayed_work_sync(&port->link.state_work);
	cancel_delayed_work_sync(&port->link.rx_work);
	cancel_work_sync(&port->link.tx_work);
	kfifo_free(&port->xmit);
	nptty_port_release_index(port);
	kfree(port);
}

const struct tty_port_operations nptty_port_ops = {
	.activate = nptty_activate,
	.shutdown = nptty_shutdown,
	.carrier_raised = nptty_carrier_raised,
	.dtr_rts = nptty_dtr_rts,
	.destruct = nptty_destruct,
};

/* --- tty_operations --- */

static int nptty_install(struct tty_driver *driver, struct tty_struct *tty)
{
	return nptty_port_install(tty);
}

static int nptty_open(struct tty_struct *tty, struct file *filp)
{
	struct nptty_port *port = tty->driver_data;
	int ret;

	ret = tty_port_open(&port->port, tty, filp);
	if (ret || (filp->f_flags & O_NONBLOCK))
		return ret;
	/* the tty core calls ->close (and so ->shutdown) if this fails */
	return nptty_link_wait_up(port);
}

static void nptty_close(struct tty_struct *tty, struct file *filp)
{
	struct nptty_port *port = tty->driver_data;

	tty_port_close(&port->port, tty, filp);
}

static void nptty_cleanup(struct tty_struct *tty)
{
	struct nptty_port *port = tty->driver_data;

	tty->driver_data = NULL;
	nptty_port_put(port);
}

static void nptty_hangup(struct tty_struct *tty)
{
	struct nptty_port *port = tty->driver_data;

	tty_port_hangup(&port->port);
}

static NPTTY_WRITE_RET nptty_write(struct tty_struct *tty, const u8 *buf,
				   NPTTY_WRITE_COUNT count)
{
	struct nptty_port *port = tty->driver_data;
	unsigned long flags;
	unsigned int n = 0;

	spin_lock_irqsave(&port->lock, flags);
	if (kfifo_initialized(&port->xmit))
		n = kfifo_in(&port->xmit, buf, count);
	spin_unlock_irqrestore(&port->lock, flags);
	if (n)
		nptty_link_kick_tx(port);
	return n;
}

static NPTTY_ROOM_RET nptty_write_room(struct tty_struct *tty)
{
	struct nptty_port *port = tty->driver_data;
	unsigned long flags;
	unsigned int room = 0;

	spin_lock_irqsave(&port->lock, flags);
	if (kfifo_initialized(&port->xmit))
		room = kfifo_avail(&port->xmit);
	spin_unlock_irqrestore(&port->lock, flags);
	return room;
}

static NPTTY_ROOM_RET nptty_chars_in_buffer(struct tty_struct *tty)
{
	struct nptty_port *port = tty->driver_data;
	unsigned long flags;
	unsigned int n = 0;

	/* what a dead link cannot send no longer holds up a drain */
	if (nptty_link_gave_up(port))
		return 0;
	spin_lock_irqsave(&port->lock, flags);
	if (kfifo_initialized(&port->xmit))
		n = kfifo_len(&port->xmit);
	n += nptty_link_tx_pending(port);
	spin_unlock_irqrestore(&port->lock, flags);
	return n;
}

static void nptty_flush_buffer(struct tty_struct *tty)
{
	struct nptty_port *port = tty->driver_data;
	unsigned long flags;

	spin_lock_irqsave(&port->lock, flags);
	nptty_link_flush_tx(port);
	spin_unlock_irqrestore(&port->lock, flags);
	nptty_cmd_queue(port, NPTTY_CMD_P_FLUSH_TX);
	tty_wakeup(tty);
}

/* tcflow(TCOOFF/TCOON), ^S/^Q: atomic context, so queued. */
static void nptty_stop(struct tty_struct *tty)
{
	nptty_cmd_queue(tty->driver_data, NPTTY_CMD_P_XOFF);
}

static void nptty_start(struct tty_struct *tty)
{
	nptty_cmd_queue(tty->driver_data, NPTTY_CMD_P_XON);
}

static void nptty_throttle(struct tty_struct *tty)
{
	nptty_link_throttle(tty->driver_data, true);
}

static void nptty_unthrottle(struct tty_struct *tty)
{
	nptty_link_throttle(tty->driver_data, false);
}

static void nptty_set_termios(struct tty_struct *tty,
			      NPTTY_OLD_TERMIOS *old)
{
	struct nptty_port *port = tty->driver_data;
	bool was_b0 = old && !(old->c_cflag & CBAUD);
	unsigned long flags;

	spin_lock_irqsave(&port->lock, flags);
	port->termios = tty->termios;
	port->baud = tty_get_baud_rate(tty);
	port->cflag = tty->termios.c_cflag;
	port->iflag = tty->termios.c_iflag;
	/* B0 hangs up: drop DTR and RTS; leaving B0 raises them again */
	if (!C_BAUD(tty))
		port->mctrl &= ~(TIOCM_DTR | TIOCM_RTS);
	else if (was_b0)
		port->mctrl |= TIOCM_DTR | TIOCM_RTS;
	spin_unlock_irqrestore(&port->lock, flags);
	tty_port_set_check_carrier(&port->port, !C_CLOCAL(tty));
	/* returns once the NPort acknowledged (or the command timeout) */
	nptty_cmd_set_termios(port);
}

static int nptty_tiocmget(struct tty_struct *tty)
{
	struct nptty_port *port = tty->driver_data;
	unsigned long flags;
	unsigned int m;

	/* cached: no network round trip */
	spin_lock_irqsave(&port->lock, flags);
	m = port->mctrl;
	spin_unlock_irqrestore(&port->lock, flags);
	/* without a command port the link itself is the carrier */
	if (!nptty_cmd_configured(port) && nptty_link_is_up(port))
		m |= TIOCM_CAR | TIOCM_DSR | TIOCM_CTS;
	return m;
}

static int nptty_tiocmset(struct tty_struct *tty, unsigned int set,
			  unsigned int clear)
{
	struct nptty_port *port = tty->driver_data;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&port->lock, flags);
	port->mctrl = (port->mctrl & ~(clear & (TIOCM_DTR | TIOCM_RTS))) |
		      (set & (TIOCM_DTR | TIOCM_RTS));
	spin_unlock_irqrestore(&port->lock, flags);
	ret = nptty_cmd_linectrl(port);
	return ret == -ENOTCONN ? 0 : ret;	/* applied on connect */
}

/* TIOCSBRK/TIOCCBRK and tcsendbreak (the tty core times it). */
static int nptty_break_ctl(struct tty_struct *tty, int state)
{
	struct nptty_port *port = tty->driver_data;
	int ret;

	if (!nptty_cmd_configured(port))
		return -EOPNOTSUPP;	/* a raw TCP server cannot send one */
	WRITE_ONCE(port->break_on, state != 0);
	ret = nptty_cmd_break(port, state != 0);
	return ret == -ENOTCONN ? 0 : ret;	/* applied on connect */
}

static int nptty_get_icount(struct tty_struct *tty,
			    struct serial_icounter_struct *icount)
{
	struct nptty_port *port = tty->driver_data;
	unsigned long flags;

	spin_lock_irqsave(&port->lock, flags);
	*icount = port->icount;
	spin_unlock_irqrestore(&port->lock, flags);
	return 0;
}

/* TIOCMIWAIT: sleep until one of the asked-for modem inputs changes. */
static int wait_modem_change(struct nptty_port *port, unsigned long mask)
{
	struct serial_icounter_struct a, b;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&port->lock, flags);
	a = port->icount;
	spin_unlock_irqrestore(&port->lock, flags);

	for (;;) {
		ret = wait_event_interruptible(port->port.delta_msr_wait, ({
			spin_lock_irqsave(&port->lock, flags);
			b = port->icount;
			spin_unlock_irqrestore(&port->lock, flags);
			memcmp(&a, &b, sizeof(a)) || READ_ONCE(port->dead);
		}));
		if (ret)
			return ret;
		if (READ_ONCE(port->dead))
			return -EIO;
		if (((mask & TIOCM_RNG) && a.rng != b.rng) ||
		    ((mask & TIOCM_DSR) && a.dsr != b.dsr) ||
		    ((mask & TIOCM_CD) && a.dcd != b.dcd) ||
		    ((mask & TIOCM_CTS) && a.cts != b.cts))
			return 0;
		a = b;
	}
}

static int nptty_ioctl(struct tty_struct *tty, unsigned int cmd,
		       unsigned long arg)
{
	switch (cmd) {
	case TIOCMIWAIT:
		return wait_modem_change(tty->driver_data, arg);
	case TIOCOUTQ:
		/* not yet at the NPort: the ring and what its socket holds */
		return put_user(tty_chars_in_buffer(tty) +
				nptty_link_sock_unsent(tty->driver_data),
				(int __user *)arg);
	case TCFLSH:
		/*
		 * Input: what the NPort, the data socket and the bounce buffer
		 * hold, then the flip buffer again (the rx work may have filled
		 * it since the tty core flushed it).  Output goes via
		 * ->flush_buffer.  The line discipline flushes its own after.
		 */
		if (arg == TCIFLUSH || arg == TCIOFLUSH) {
			nptty_cmd_queue(tty->driver_data, NPTTY_CMD_P_FLUSH_RX);
			nptty_link_flush_rx(tty->driver_data);
			tty_ldisc_flush(tty);
		}
		break;
	}
	return -ENOIOCTLCMD;
}

static void nptty_wait_until_sent(struct tty_struct *tty, int timeout)
{
	struct nptty_port *port = tty->driver_data;
	unsigned long t = timeout > 0 ? timeout : MAX_SCHEDULE_TIMEOUT;
	unsigned long end;

	/*
	 * A dead peer does not hang tcdrain: the link's watch takes the link
	 * down after user_timeout_ms without an answer, and a link that is
	 * not up has nothing to wait for.  A live peer holding its window
	 * shut (serial flow control) holds tcdrain, as a UART held by CTS.
	 */
	end = jiffies + t;
	if (nptty_link_wait_sent(port, t))
		return;
	/* then until the NPort's own output queue is empty */
	if (time_before(jiffies, end))
		nptty_cmd_drain(port, end - jiffies);
}

static const struct tty_operations nptty_tty_ops = {
	.install = nptty_install,
	.open = nptty_open,
	.close = nptty_close,
	.cleanup = nptty_cleanup,
	.hangup = nptty_hangup,
	.write = nptty_write,
	.write_room = nptty_write_room,
	.chars_in_buffer = nptty_chars_in_buffer,
	.flush_buffer = nptty_flush_buffer,
	.throttle = nptty_throttle,
	.unthrottle = nptty_unthrottle,
	.set_termios = nptty_set_termios,
	.tiocmget = nptty_tiocmget,
	.tiocmset = nptty_tiocmset,
	.break_ctl = nptty_break_ctl,
	.stop = nptty_stop,
	.start = nptty_start,
	.get_icount = nptty_get_icount,
	.ioctl = nptty_ioctl,
	.wait_until_sent = nptty_wait_until_sent,
};

int nptty_tty_init(unsigned int lines)
{
	struct tty_driver *drv;
	int ret;

	drv = tty_alloc_driver(lines, TTY_DRIVER_REAL_RAW |
				      TTY_DRIVER_DYNAMIC_DEV);
	if (IS_ERR(drv))
		return PTR_ERR(drv);
	drv->driver_name = "nptty";
	drv->name = "ttyNP";
	drv->major = 0;
	drv->minor_start = 0;
	drv->type = TTY_DRIVER_TYPE_SERIAL;
	drv->subtype = SERIAL_TYPE_NORMAL;
	drv->init_termios = tty_std_termios;
	drv->init_termios.c_cflag = B9600 | CS8 | CREAD | HUPCL | CLOCAL;
	drv->init_termios.c_ispeed = 9600;
	drv->init_termios.c_ospeed = 9600;
	tty_set_operations(drv, &nptty_tty_ops);

	ret = tty_register_driver(drv);
	if (ret) {
		tty_driver_kref_put(drv);
		return ret;
	}
	nptty_tty_driver = drv;
	return 0;
}

void nptty_tty_uninit(void)
{
	tty_unregister_driver(nptty_tty_driver);
	tty_driver_kref_put(nptty_tty_driver);
}
