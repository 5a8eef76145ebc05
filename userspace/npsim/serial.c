// SPDX-License-Identifier: GPL-2.0
/*
 * npsim serial side of a port, whatever the backend: the network -> serial
 * queue and its pump (with --pace, no faster than the line rate), serial
 * input fanned out to every data client, modem inputs and NOTIFY, flush.
 */
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "npsim.h"

static const struct backend_ops *backend_for(const char *spec)
{
	if (!strcmp(spec, "loopback"))
		return &backend_loopback;
	if (!strncmp(spec, "pty", 3) && (!spec[3] || spec[3] == ':'))
		return &backend_pty;
	if (spec[0] == '/' || !strncmp(spec, "tty:", 4))
		return &backend_tty;
	return NULL;
}

int serial_open(struct sim_port *p)
{
	p->be = backend_for(p->be_spec);
	if (!p->be) {
		logmsg("port %d: unknown serial backend '%s'", p->num, p->be_spec);
		return -1;
	}
	p->fd = p->slave_fd = -1;
	p->ser = (struct nptty_aspp_serial){
		.baud = 115200, .data_bits = 8, .stop_bits = 1,
		.xon_char = 0x11, .xoff_char = 0x13, .dtr = true, .rts = true,
	};
	p->baud_idx = nptty_aspp_baud_index(p->ser.baud);
	p->tx_fifo = NPTTY_ASPP_TX_FIFO_DEFAULT;
	p->txq_max = opt.txq_max;
	if (p->be->open(p))
		return -1;
	p->be->apply(p);
	p->be->lines(p);
	p->msr = p->be->modem_poll ? 0 : msr_wiring(p);
	if (p->be->modem_poll)
		p->be->modem_poll(p);
	return 0;
}

void serial_close(struct sim_port *p)
{
	if (p->be)
		p->be->close(p);
	buf_free(&p->txq);
}

/* Loopback plug wiring (also used for a pty): RTS->CTS, DTR->DSR+DCD. */
uint8_t msr_wiring(const struct sim_port *p)
{
	uint8_t m = 0;

	if (p->ser.rts)
		m |= NPTTY_ASPP_MSR_CTS;
	if (p->ser.dtr)
		m |= NPTTY_ASPP_MSR_DSR | NPTTY_ASPP_MSR_DCD;
	return m;
}

void serial_update_msr(struct sim_port *p, uint8_t raw)
{
	uint8_t msr = (raw & ~p->msr_force_mask) |
		      (p->msr_force_val & p->msr_force_mask);

	if (msr == p->msr)
		return;
	p->msr = msr;
	ev_begin(p->num, "modem");
	ev_bool("dsr", msr & NPTTY_ASPP_MSR_DSR);
	ev_bool("cts", msr & NPTTY_ASPP_MSR_CTS);
	ev_bool("dcd", msr & NPTTY_ASPP_MSR_DCD);
	ev_bool("ri", msr & NPTTY_ASPP_MSR_RI);
	ev_end();
	cmd_notify(p, NPTTY_ASPP_EV_MSR);
	serial_pump(p);
}

void serial_lines_changed(struct sim_port *p)
{
	p->be->lines(p);
	if (p->be->modem_poll)
		p->be->modem_poll(p);
	else
		serial_update_msr(p, msr_wiring(p));
}

void serial_event(struct sim_port *p, uint8_t events)
{
	cmd_notify(p, events);
}

/* Serial input: copied to every data client; lost when there is none. */
void serial_rx(struct sim_port *p, const uint8_t *b, size_t n)
{
	bool any = false;

	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *c = p->conns[CONN_DATA][s];

		if (c && !c->dead) {
			conn_send(c, b, n);
			any = true;
		}
	}
	if (!any && opt.verbose > 1) {
		ev_begin(p->num, "rx_lost");
		ev_int("bytes", n);
		ev_end();
	}
}

static int64_t char_ns(const struct sim_port *p)
{
	int bits = 1 + p->ser.data_bits + p->ser.stop_bits +
		   (p->ser.parity != NPTTY_ASPP_PARITY_NONE);

	return (int64_t)bits * 1000000000 / p->ser.baud;
}

static bool pacing(const struct sim_port *p)
{
	return opt.pace && p->ser.baud;
}

static int fifo_depth(const struct sim_port *p)
{
	return p->tx_fifo ? p->tx_fifo : 1;
}

static bool tx_allowed(const struct sim_port *p)
{
	if (p->brk || p->xoff)
		return false;
	if (p->ser.crtscts && !(p->msr & NPTTY_ASPP_MSR_CTS))
		return false;
	return true;
}

void serial_pump(struct sim_port *p)
{
	int64_t now = now_ns();

	while (p->txq.len && tx_allowed(p) && !p->tx_blocked) {
		size_t n = p->txq.len;
		ssize_t w;

		if (pacing(p)) {
			int64_t cn = char_ns(p);
			int64_t avail;

			if (p->pace_t < now)
				p->pace_t = now;
			avail = (now + fifo_depth(p) * cn - p->pace_t) / cn;
			if (avail <= 0)
				break;
			if ((int64_t)n > avail)
				n = avail;
		}
		w = p->be->write(p, p->txq.d, n);
		if (w <= 0)
			break;
		if (pacing(p))
			p->pace_t += w * char_ns(p);
		buf_consume(&p->txq, w);
	}
	cmd_drain_check(p);
}

/* Bytes accepted from the network that have not left the TX pin yet. */
uint32_t serial_outq(struct sim_port *p)
{
	uint64_t n = p->txq.len;
	int64_t now = now_ns();

	if (pacing(p) && p->pace_t > now) {
		int64_t cn = char_ns(p);

		n += (p->pace_t - now + cn - 1) / cn;
	}
	if (p->be->outq)
		n += p->be->outq(p);
	return n > UINT32_MAX ? UINT32_MAX : n;
}

/* Serial input not yet handed to the network. */
uint32_t serial_inq(struct sim_port *p)
{
	size_t n = 0;
	int q = 0;

	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *c = p->conns[CONN_DATA][s];

		if (c && !c->dead && c->out.len > n)
			n = c->out.len;
	}
	if (p->fd >= 0 && !ioctl(p->fd, FIONREAD, &q) && q > 0)
		n += q;
	return n > UINT32_MAX ? UINT32_MAX : n;
}

void serial_flush(struct sim_port *p, int which)
{
	if (which == NPTTY_ASPP_FLUSH_RX || which == NPTTY_ASPP_FLUSH_BOTH) {
		for (int s = 0; s < NPSIM_MAX_CONN; s++) {
			struct conn *c = p->conns[CONN_DATA][s];

			if (c && !c->dead)
				c->out.len = 0;
		}
	}
	if (which == NPTTY_ASPP_FLUSH_TX || which == NPTTY_ASPP_FLUSH_BOTH) {
		p->txq.len = 0;
		p->pace_t = 0;
	}
	p->be->flush(p, which);
}

int64_t serial_next_timer(struct sim_port *p)
{
	int64_t t = INT64_MAX;

	if (pacing(p) && p->txq.len && tx_allowed(p) && !p->tx_blocked)
		t = p->pace_t - (fifo_depth(p) - 1) * char_ns(p);
	if (pacing(p) && p->pace_t && p->pace_t < t)
		t = p->pace_t;
	if (p->be->modem_poll && p->next_modem_poll < t)
		t = p->next_modem_poll;
	return t;
}

void serial_timers(struct sim_port *p)
{
	int64_t now = now_ns();

	if (p->pace_t && p->pace_t <= now)
		p->pace_t = 0;
	if (p->fd < 0)
		p->tx_blocked = false;	/* loopback: retry each turn */
	serial_pump(p);
	if (p->be->modem_poll && p->next_modem_poll <= now) {
		p->be->modem_poll(p);
		p->next_modem_poll = now + 50 * 1000000LL;
	}
}

/* The backend's fd is readable: serial input from the pty or device. */
void serial_read_fd(struct sim_port *p)
{
	uint8_t b[4096];
	size_t room = sizeof(b);
	ssize_t n;

	data_room(p, &room);
	if (room > sizeof(b))
		room = sizeof(b);
	if (!room)
		return;
	n = read(p->fd, b, room);
	if (n > 0)
		serial_rx(p, b, n);
}
