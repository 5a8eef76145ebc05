// SPDX-License-Identifier: GPL-2.0
/*
 * npsim serial backends on a file descriptor:
 *   pty    a new pty pair; npsim keeps the master (the NPort's UART) and
 *          holds the slave open, so a test opens the slave path and acts as
 *          the serial device.  Settings are applied to the slave with
 *          tcsetattr (+ termios2 for any rate) so they can be read back
 *          (all but data bits and PARENB, which a pty cannot hold);
 *          modem inputs follow the loopback wiring.
 *   tty    a real serial device (/dev/ttyUSB0...): settings, DTR/RTS and
 *          break go to the device, modem inputs and error counters are
 *          polled from it and become NOTIFYs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "npsim.h"

struct tty_priv {
	struct termios saved;
	struct serial_icounter_struct ic;
	bool have_ic;
};

static void set_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~HUPCL;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSANOW, &t);
}

static int pty_open(struct sim_port *p)
{
	const char *link = p->be_spec[3] == ':' ? p->be_spec + 4 : "";
	int fd;

	fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || grantpt(fd) || unlockpt(fd) ||
	    ptsname_r(fd, p->path, sizeof(p->path))) {
		logmsg("port %d: cannot create a pty: %s", p->num, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p->fd = fd;
	p->slave_fd = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave_fd < 0) {
		logmsg("port %d: open %s: %s", p->num, p->path, strerror(errno));
		return -1;
	}
	set_raw(p->slave_fd);
	if (*link) {
		struct stat st;

		snprintf(p->link, sizeof(p->link), "%s", link);
		if (!lstat(p->link, &st) && S_ISLNK(st.st_mode))
			unlink(p->link);
		if (symlink(p->path, p->link)) {
			logmsg("port %d: symlink %s: %s", p->num, p->link,
			       strerror(errno));
			p->link[0] = 0;
			return -1;
		}
	}
	ev_begin(p->num, "pty");
	ev_str("path", p->path);
	if (*link)
		ev_str("link", p->link);
	ev_end();
	return 0;
}

static void pty_close(struct sim_port *p)
{
	if (p->link[0])
		unlink(p->link);
	if (p->slave_fd >= 0)
		close(p->slave_fd);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = p->slave_fd = -1;
}

static int tty_open(struct sim_port *p)
{
	const char *path = !strncmp(p->be_spec, "tty:", 4) ? p->be_spec + 4 :
			   p->be_spec;
	struct tty_priv *tp;

	snprintf(p->path, sizeof(p->path), "%s", path);
	p->fd = open(p->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0) {
		logmsg("port %d: open %s: %s", p->num, p->path, strerror(errno));
		return -1;
	}
	if (!isatty(p->fd)) {
		logmsg("port %d: %s is not a tty", p->num, p->path);
		return -1;
	}
	tp = calloc(1, sizeof(*tp));
	if (!tp)
		return -1;
	p->be_priv = tp;
	tcgetattr(p->fd, &tp->saved);
	tp->have_ic = !ioctl(p->fd, TIOCGICOUNT, &tp->ic);
	set_raw(p->fd);
	ev_begin(p->num, "tty");
	ev_str("path", p->path);
	ev_end();
	return 0;
}

static void tty_close(struct sim_port *p)
{
	struct tty_priv *tp = p->be_priv;

	if (p->fd >= 0) {
		if (tp)
			tcsetattr(p->fd, TCSANOW, &tp->saved);
		close(p->fd);
	}
	free(tp);
	p->be_priv = NULL;
	p->fd = -1;
}

/* The fd whose termios shows the port's settings. */
static int settings_fd(const struct sim_port *p)
{
	return p->slave_fd >= 0 ? p->slave_fd : p->fd;
}

static void apply_error(struct sim_port *p, const char *what)
{
	ev_begin(p->num, "apply_error");
	ev_str("call", what);
	ev_str("error", strerror(errno));
	ev_end();
}

static int fd_apply(struct sim_port *p)
{
	static const tcflag_t csize[] = { CS5, CS6, CS7, CS8 };
	const struct nptty_aspp_serial *s = &p->ser;
	int fd = settings_fd(p);
	struct termios t;

	if (tcgetattr(fd, &t))
		return -1;
	t.c_cflag &= ~(CSIZE | CSTOPB | PARENB | PARODD | CMSPAR | CRTSCTS);
	t.c_cflag |= csize[(s->data_bits - 5) & 3] | CREAD | CLOCAL;
	if (s->stop_bits == 2)
		t.c_cflag |= CSTOPB;
	switch (s->parity) {
	case NPTTY_ASPP_PARITY_ODD:
		t.c_cflag |= PARENB | PARODD;
		break;
	case NPTTY_ASPP_PARITY_EVEN:
		t.c_cflag |= PARENB;
		break;
	case NPTTY_ASPP_PARITY_MARK:
		t.c_cflag |= PARENB | PARODD | CMSPAR;
		break;
	case NPTTY_ASPP_PARITY_SPACE:
		t.c_cflag |= PARENB | CMSPAR;
		break;
	}
	if (s->crtscts)
		t.c_cflag |= CRTSCTS;
	/*
	 * A Linux pty keeps only CS8 and no PARENB (recent kernels even
	 * fail tcsetattr with EINVAL otherwise): write what it can hold; the
	 * real values are in the event log and the control socket's state.
	 */
	if (p->slave_fd >= 0)
		t.c_cflag = (t.c_cflag & ~(CSIZE | PARENB)) | CS8;
	t.c_iflag &= ~(IXON | IXOFF | IXANY);
	if (s->ixon)
		t.c_iflag |= IXON;
	if (s->ixoff)
		t.c_iflag |= IXOFF;
	t.c_cc[VSTART] = s->xon_char;
	t.c_cc[VSTOP] = s->xoff_char;
	/*
	 * A device may not hold every flag (a pty drops PARENB), and recent
	 * kernels then fail a request that changes nothing else with
	 * EINVAL: log it and go on with the rate.
	 */
	if (tcsetattr(fd, TCSANOW, &t))
		apply_error(p, "tcsetattr");
	/* B0 means "hang up"; the lines are handled apart, keep the rate. */
	if (s->baud && tty_set_baud(fd, s->baud)) {
		apply_error(p, "TCSETS2");
		return -1;
	}
	return 0;
}

static void pty_lines(struct sim_port *p)
{
	(void)p;
}

static void tty_lines(struct sim_port *p)
{
	int m;

	if (ioctl(p->fd, TIOCMGET, &m))
		return;
	m &= ~(TIOCM_DTR | TIOCM_RTS);
	if (p->ser.dtr)
		m |= TIOCM_DTR;
	if (p->ser.rts)
		m |= TIOCM_RTS;
	ioctl(p->fd, TIOCMSET, &m);
}

static void pty_brk(struct sim_port *p, bool on)
{
	(void)p;
	(void)on;
}

static void tty_brk(struct sim_port *p, bool on)
{
	ioctl(p->fd, on ? TIOCSBRK : TIOCCBRK);
}

static void fd_flush(struct sim_port *p, int which)
{
	static const int q[] = { TCIFLUSH, TCOFLUSH, TCIOFLUSH };

	if (which >= 0 && which <= 2)
		tcflush(p->fd, q[which]);
}

static ssize_t fd_write(struct sim_port *p, const uint8_t *b, size_t n)
{
	ssize_t w = write(p->fd, b, n);

	if (w >= 0)
		return w;
	if (errno == EAGAIN)
		p->tx_blocked = true;
	else if (errno != EINTR)
		logmsg("port %d: write %s: %s", p->num, p->path, strerror(errno));
	return 0;
}

static uint32_t tty_outq(struct sim_port *p)
{
	int n = 0;

	if (ioctl(p->fd, TIOCOUTQ, &n) || n < 0)
		return 0;
	return n;
}

static void tty_modem_poll(struct sim_port *p)
{
	struct tty_priv *tp = p->be_priv;
	struct serial_icounter_struct ic;
	uint8_t msr = 0, ev = 0;
	int m;

	if (!ioctl(p->fd, TIOCMGET, &m)) {
		if (m & TIOCM_CTS)
			msr |= NPTTY_ASPP_MSR_CTS;
		if (m & TIOCM_DSR)
			msr |= NPTTY_ASPP_MSR_DSR;
		if (m & TIOCM_RI)
			msr |= NPTTY_ASPP_MSR_RI;
		if (m & TIOCM_CD)
			msr |= NPTTY_ASPP_MSR_DCD;
		serial_update_msr(p, msr);
	}
	if (!tp || !tp->have_ic || ioctl(p->fd, TIOCGICOUNT, &ic))
		return;
	if (ic.parity != tp->ic.parity)
		ev |= NPTTY_ASPP_EV_PARITY;
	if (ic.frame != tp->ic.frame)
		ev |= NPTTY_ASPP_EV_FRAMING;
	if (ic.overrun != tp->ic.overrun)
		ev |= NPTTY_ASPP_EV_HW_OVERRUN;
	if (ic.buf_overrun != tp->ic.buf_overrun)
		ev |= NPTTY_ASPP_EV_SW_OVERRUN;
	if (ic.brk != tp->ic.brk)
		ev |= NPTTY_ASPP_EV_BREAK;
	tp->ic = ic;
	if (ev)
		serial_event(p, ev);
}

const struct backend_ops backend_pty = {
	.name = "pty",
	.open = pty_open,
	.close = pty_close,
	.apply = fd_apply,
	.lines = pty_lines,
	.brk = pty_brk,
	.flush = fd_flush,
	.write = fd_write,
};

const struct backend_ops backend_tty = {
	.name = "tty",
	.open = tty_open,
	.close = tty_close,
	.apply = fd_apply,
	.lines = tty_lines,
	.brk = tty_brk,
	.flush = fd_flush,
	.write = fd_write,
	.outq = tty_outq,
	.modem_poll = tty_modem_poll,
};
