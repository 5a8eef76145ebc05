// SPDX-License-Identifier: GPL-2.0
/*
 * npsim loopback plug: TX wired to RX, RTS to CTS, DTR to DSR and DCD, as a
 * test plug on a real NPort.  Bytes keep only their data bits (cs7 clears
 * bit 7, as the UART would); a break on TX is received as a break on RX.
 */
#include <stdio.h>

#include "npsim.h"

static int loop_open(struct sim_port *p)
{
	snprintf(p->path, sizeof(p->path), "loopback");
	return 0;
}

static void loop_close(struct sim_port *p)
{
	(void)p;
}

static int loop_apply(struct sim_port *p)
{
	(void)p;
	return 0;
}

static void loop_lines(struct sim_port *p)
{
	(void)p;
}

static void loop_brk(struct sim_port *p, bool on)
{
	if (on)
		serial_event(p, NPTTY_ASPP_EV_BREAK);
}

static void loop_flush(struct sim_port *p, int which)
{
	(void)p;
	(void)which;
}

static ssize_t loop_write(struct sim_port *p, const uint8_t *b, size_t n)
{
	uint8_t mask = 0xff >> (8 - p->ser.data_bits);
	uint8_t tmp[4096];
	size_t room;

	if (data_room(p, &room) && n > room) {
		n = room;
		/* Clients are not reading: wait for them, not for a timer. */
		if (!n)
			p->tx_blocked = true;
	}
	if (n > sizeof(tmp))
		n = sizeof(tmp);
	for (size_t i = 0; i < n; i++)
		tmp[i] = b[i] & mask;
	if (n)
		serial_rx(p, tmp, n);
	return n;
}

const struct backend_ops backend_loopback = {
	.name = "loopback",
	.open = loop_open,
	.close = loop_close,
	.apply = loop_apply,
	.lines = loop_lines,
	.brk = loop_brk,
	.flush = loop_flush,
	.write = loop_write,
};
