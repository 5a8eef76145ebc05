// SPDX-License-Identifier: GPL-2.0
/*
 * npsim command port: parse requests with the shared codec, apply them to
 * the port, reply with the exact shape the NPort uses, send NOTIFY and
 * POLLING.  A malformed, unknown or unsupported request is logged and the
 * command connection closed (the protocol has no way to resynchronise).
 *
 * A connection stops taking requests while a reply is held back (delay
 * fault) or while a blocking WAIT_OQUEUE waits (--drain block); the main
 * loop resumes it.
 */
#include <stdio.h>
#include <string.h>

#include "npsim.h"

#define MS	1000000LL
#define SEC	1000000000LL
#define WAIT_MAX_MS	30000	/* cap of a blocking WAIT_OQUEUE */

static const char *const parity_names[] = {
	"none", "odd", "even", "mark", "space",
};

static void ev_serial(const struct nptty_aspp_serial *s)
{
	ev_int("baud", s->baud);
	ev_int("data_bits", s->data_bits);
	ev_int("stop_bits", s->stop_bits);
	ev_str("parity", s->parity < 5 ? parity_names[s->parity] : "?");
	ev_bool("crtscts", s->crtscts);
	ev_bool("ixon", s->ixon);
	ev_bool("ixoff", s->ixoff);
	ev_bool("dtr", s->dtr);
	ev_bool("rts", s->rts);
}

static void ev_cmd(struct conn *c, const struct nptty_aspp_request *rq)
{
	ev_begin(c->port->num, "cmd");
	ev_str("op", nptty_aspp_op_name(rq->op));
	ev_int("opcode", rq->op);
}

static void malformed(struct conn *c, const char *why)
{
	ev_begin(c->port->num, "malformed");
	ev_str("reason", why);
	ev_hex("bytes", c->in.d, c->in.len < 16 ? c->in.len : 16);
	ev_end();
	conn_close(c, "malformed request");
}

static bool stalled(const struct conn *c)
{
	return c->pending_len || c->waiting;
}

/* Send a reply, unless a fault says otherwise. */
static void reply(struct conn *c, const uint8_t *b, int n)
{
	static const uint8_t garbage[] = { 0xee, 0xa5, 0xa5, 0xa5, 0xa5 };
	enum fault_kind fk;
	long arg;

	if (n <= 0 || c->dead)
		return;
	if (!fault_reply(c->port->num, b[0], &fk, &arg)) {
		conn_send(c, b, n);
		return;
	}
	ev_begin(c->port->num, "fault");
	ev_str("op", nptty_aspp_op_name(b[0]));
	switch (fk) {
	case FAULT_NO_REPLY:
		ev_str("fault", "no-reply");
		break;
	case FAULT_GARBAGE:
		ev_str("fault", "garbage");
		conn_send(c, garbage, n);
		break;
	case FAULT_TRUNCATE:
		ev_str("fault", "truncate");
		conn_send(c, b, n / 2);
		break;
	case FAULT_DELAY:
		ev_str("fault", "delay");
		ev_int("ms", arg);
		memcpy(c->pending, b, n);
		c->pending_len = n;
		c->stall_until = now_ns() + arg * MS;
		break;
	default:
		conn_send(c, b, n);
		break;
	}
	ev_end();
}

static void reply_ack(struct conn *c, uint8_t op)
{
	uint8_t b[NPTTY_ASPP_MAX_REPLY_LEN];

	reply(c, b, nptty_aspp_encode_ack(b, sizeof(b), op));
}

static void reply_queue(struct conn *c, uint8_t op, uint32_t count)
{
	uint8_t b[NPTTY_ASPP_MAX_REPLY_LEN];

	if (count > 0xffff)
		count = 0xffff;
	reply(c, b, nptty_aspp_encode_queue(b, sizeof(b), op, count));
}

static void reply_status(struct conn *c, uint8_t op)
{
	uint8_t msr = c->port->msr, b[NPTTY_ASPP_MAX_REPLY_LEN];

	reply(c, b, nptty_aspp_encode_status(b, sizeof(b), op,
					     !!(msr & NPTTY_ASPP_MSR_DSR),
					     !!(msr & NPTTY_ASPP_MSR_CTS),
					     !!(msr & NPTTY_ASPP_MSR_DCD)));
}

static void apply(struct sim_port *p)
{
	p->be->apply(p);
	serial_pump(p);
}

static void do_port_init(struct conn *c, const struct nptty_aspp_request *rq)
{
	struct sim_port *p = c->port;
	struct nptty_aspp_serial s = p->ser;
	uint8_t idx, b[NPTTY_ASPP_MAX_REPLY_LEN];
	uint32_t keep = p->ser.baud;

	if (nptty_aspp_parse_port_init(rq->payload, &s, &idx)) {
		malformed(c, "PORT_INIT: bad mode byte");
		return;
	}
	ev_cmd(c, rq);
	ev_int("baud_idx", idx);
	if ((idx != NPTTY_ASPP_BAUD_IDX_NONE && idx >= NPTTY_ASPP_BAUD_IDX_COUNT) ||
	    fault_reject_baud(p->num)) {
		ev_bool("rejected", true);
		ev_end();
		reply(c, b, nptty_aspp_encode_status(b, sizeof(b), rq->op,
						     NPTTY_ASPP_ST_REJECT,
						     NPTTY_ASPP_ST_REJECT,
						     NPTTY_ASPP_ST_REJECT));
		return;
	}
	/* Index 0xff: the rate comes with SETBAUD (or it is B0): keep it. */
	if (idx == NPTTY_ASPP_BAUD_IDX_NONE)
		s.baud = keep;
	p->ser = s;
	p->baud_idx = idx;
	ev_serial(&p->ser);
	ev_end();
	apply(p);
	serial_lines_changed(p);
	reply_status(c, rq->op);
}

static void do_ioctl(struct conn *c, const struct nptty_aspp_request *rq)
{
	struct sim_port *p = c->port;
	struct nptty_aspp_serial s = p->ser;
	uint8_t idx = rq->payload[0];

	if (nptty_aspp_mode_decode(rq->payload[1], &s)) {
		malformed(c, "IOCTL: bad mode byte");
		return;
	}
	if (idx != NPTTY_ASPP_BAUD_IDX_NONE) {
		if (idx >= NPTTY_ASPP_BAUD_IDX_COUNT) {
			malformed(c, "IOCTL: bad baud index");
			return;
		}
		s.baud = nptty_aspp_baud_from_index(idx);
		p->baud_idx = idx;
	}
	p->ser = s;
	ev_cmd(c, rq);
	ev_int("baud_idx", idx);
	ev_serial(&p->ser);
	ev_end();
	apply(p);
	reply_ack(c, rq->op);
}

static void do_flowctrl(struct conn *c, const struct nptty_aspp_request *rq)
{
	struct sim_port *p = c->port;
	const uint8_t *a = rq->payload;

	if (rq->len == NPTTY_ASPP_FLOWCTRL_PLEN_MASK) {
		p->ser.crtscts = a[0] & (NPTTY_ASPP_FC_CTS | NPTTY_ASPP_FC_RTS);
		p->ser.ixon = a[0] & NPTTY_ASPP_FC_XON;
		p->ser.ixoff = a[0] & NPTTY_ASPP_FC_XOFF;
	} else {
		p->ser.crtscts = a[0] || a[1];
		p->ser.ixon = a[2];
		p->ser.ixoff = a[3];
	}
	ev_cmd(c, rq);
	ev_bool("crtscts", p->ser.crtscts);
	ev_bool("ixon", p->ser.ixon);
	ev_bool("ixoff", p->ser.ixoff);
	ev_end();
	apply(p);
	reply_ack(c, rq->op);
}

static void do_wait_oqueue(struct conn *c, const struct nptty_aspp_request *rq)
{
	uint32_t timeout = nptty_aspp_get_le32(rq->payload);
	uint32_t count = serial_outq(c->port);

	ev_cmd(c, rq);
	ev_int("timeout", timeout);
	ev_int("queued", count);
	ev_end();
	if (opt.drain == DRAIN_BLOCK && count) {
		/* The unit is not known (aspp.md Q8): read it as ms. */
		c->waiting = true;
		c->wait_deadline = now_ns() +
			(timeout > WAIT_MAX_MS ? WAIT_MAX_MS : timeout) * MS;
		return;
	}
	reply_queue(c, rq->op, count);
}

static void do_alive(struct conn *c, const struct nptty_aspp_request *rq)
{
	ev_cmd(c, rq);
	ev_int("id", rq->payload[0]);
	ev_bool("expected", c->poll_outstanding &&
		rq->payload[0] == c->poll_id);
	ev_end();
	if (c->poll_outstanding && rq->payload[0] == c->poll_id)
		c->poll_outstanding = false;
}

/* Requests whose whole effect is one flag or one value. */
static void do_simple(struct conn *c, const struct nptty_aspp_request *rq)
{
	struct sim_port *p = c->port;
	const uint8_t *a = rq->payload;

	ev_cmd(c, rq);
	switch (rq->op) {
	case NPTTY_ASPP_OP_LINECTRL:
		p->ser.dtr = a[0];
		p->ser.rts = a[1];
		ev_bool("dtr", p->ser.dtr);
		ev_bool("rts", p->ser.rts);
		ev_end();
		serial_lines_changed(p);
		break;
	case NPTTY_ASPP_OP_SETBAUD:
		p->ser.baud = nptty_aspp_get_le32(a);
		p->baud_idx = nptty_aspp_baud_index(p->ser.baud);
		ev_int("baud", p->ser.baud);
		ev_end();
		apply(p);
		break;
	case NPTTY_ASPP_OP_XONXOFF:
		p->ser.xon_char = a[0];
		p->ser.xoff_char = a[1];
		ev_int("xon_char", a[0]);
		ev_int("xoff_char", a[1]);
		ev_end();
		apply(p);
		break;
	case NPTTY_ASPP_OP_FLUSH:
		ev_str("which", a[0] == 0 ? "rx" : a[0] == 1 ? "tx" : "both");
		ev_end();
		serial_flush(p, a[0]);
		break;
	case NPTTY_ASPP_OP_START_BREAK:
	case NPTTY_ASPP_OP_STOP_BREAK:
		ev_end();
		p->brk = rq->op == NPTTY_ASPP_OP_START_BREAK;
		p->be->brk(p, p->brk);
		serial_pump(p);
		break;
	case NPTTY_ASPP_OP_START_NOTIFY:
	case NPTTY_ASPP_OP_STOP_NOTIFY:
		ev_end();
		c->notify = rq->op == NPTTY_ASPP_OP_START_NOTIFY;
		break;
	case NPTTY_ASPP_OP_TX_FIFO:
		ev_int("depth", a[0]);
		ev_end();
		p->tx_fifo = a[0] ? a[0] : 1;
		break;
	case NPTTY_ASPP_OP_SETXON:
	case NPTTY_ASPP_OP_SETXOFF:
		ev_end();
		p->xoff = rq->op == NPTTY_ASPP_OP_SETXOFF;
		serial_pump(p);
		break;
	case NPTTY_ASPP_OP_HOST:
		ev_hex("payload", a, rq->len);
		ev_end();
		break;
	}
	reply_ack(c, rq->op);
}

static void handle(struct conn *c, const struct nptty_aspp_request *rq)
{
	struct sim_port *p = c->port;

	switch (rq->op) {
	case NPTTY_ASPP_OP_PORT_INIT:
		do_port_init(c, rq);
		break;
	case NPTTY_ASPP_OP_IOCTL:
		do_ioctl(c, rq);
		break;
	case NPTTY_ASPP_OP_FLOWCTRL:
		do_flowctrl(c, rq);
		break;
	case NPTTY_ASPP_OP_WAIT_OQUEUE:
		do_wait_oqueue(c, rq);
		break;
	case NPTTY_ASPP_OP_OQUEUE:
	case NPTTY_ASPP_OP_IQUEUE: {
		uint32_t n = rq->op == NPTTY_ASPP_OP_OQUEUE ? serial_outq(p) :
			     serial_inq(p);

		ev_cmd(c, rq);
		ev_int("queued", n);
		ev_end();
		reply_queue(c, rq->op, n);
		break;
	}
	case NPTTY_ASPP_OP_LSTATUS:
		ev_cmd(c, rq);
		ev_end();
		reply_status(c, rq->op);
		break;
	case NPTTY_ASPP_OP_ALIVE:
		do_alive(c, rq);
		break;
	case NPTTY_ASPP_OP_FLUSH:
		if (rq->payload[0] > NPTTY_ASPP_FLUSH_BOTH) {
			malformed(c, "FLUSH: unknown selector");
			break;
		}
		do_simple(c, rq);
		break;
	case NPTTY_ASPP_OP_LINECTRL:
	case NPTTY_ASPP_OP_SETBAUD:
	case NPTTY_ASPP_OP_XONXOFF:
	case NPTTY_ASPP_OP_START_BREAK:
	case NPTTY_ASPP_OP_STOP_BREAK:
	case NPTTY_ASPP_OP_START_NOTIFY:
	case NPTTY_ASPP_OP_STOP_NOTIFY:
	case NPTTY_ASPP_OP_TX_FIFO:
	case NPTTY_ASPP_OP_SETXON:
	case NPTTY_ASPP_OP_SETXOFF:
	case NPTTY_ASPP_OP_HOST:
		do_simple(c, rq);
		break;
	default:
		/* PORT_RESET, RESENT_TIME, OPEN: no known payload or reply. */
		malformed(c, "unsupported opcode");
		break;
	}
}

void cmd_input(struct conn *c)
{
	struct nptty_aspp_request rq;
	int ret;

	while (!c->dead && !stalled(c) && c->in.len) {
		ret = nptty_aspp_decode_request(c->in.d, c->in.len, &rq);
		if (ret < 0) {
			malformed(c, nptty_aspp_op_name(c->in.d[0]) ?
				  "bad length" : "unknown opcode");
			return;
		}
		if (!ret)
			break;
		handle(c, &rq);
		buf_consume(&c->in, ret);
		cmd_notify_flush(c->port);
	}
	if (!c->dead && c->in.len > 64 * 1024)
		conn_close(c, "too much unread input");
}

/*
 * NOTIFY is queued and sent once the request being handled has been
 * answered (ack first, as a device whose modem interrupt comes after the
 * command), or at the end of the loop turn.
 */
void cmd_notify(struct sim_port *p, uint8_t events)
{
	p->ev_pending |= events;
}

void cmd_notify_flush(struct sim_port *p)
{
	uint8_t b[NPTTY_ASPP_NOTIFY_LEN], events = p->ev_pending;
	int n, sent = 0;

	if (!events)
		return;
	p->ev_pending = 0;
	n = nptty_aspp_encode_notify(b, sizeof(b), events, p->msr);
	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *c = p->conns[CONN_CMD][s];

		if (c && !c->dead && c->notify) {
			conn_send(c, b, n);
			sent++;
		}
	}
	ev_begin(p->num, "notify");
	ev_int("events", events);
	ev_int("msr", p->msr);
	ev_int("sent", sent);
	ev_end();
}

void cmd_send_polling(struct sim_port *p)
{
	uint8_t b[NPTTY_ASPP_POLLING_LEN];
	int64_t now = now_ns();

	p->poll_id++;
	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *c = p->conns[CONN_CMD][s];
		int n;

		if (!c || c->dead)
			continue;
		n = nptty_aspp_encode_polling(b, sizeof(b), p->poll_id);
		if (!c->poll_outstanding) {
			c->poll_outstanding = true;
			c->poll_sent = now;
		}
		c->poll_id = p->poll_id;
		conn_send(c, b, n);
		ev_begin(p->num, "polling");
		ev_int("id", p->poll_id);
		ev_str("peer", c->peer);
		ev_end();
	}
}

/* No ALIVE in time: drop the client's session (command and data). */
static void alive_timeout(struct conn *c)
{
	struct sim_port *p = c->port;

	ev_begin(p->num, "alive_timeout");
	ev_str("peer", c->peer);
	ev_end();
	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *d = p->conns[CONN_DATA][s];

		if (d && !d->dead && !strcmp(d->peer_addr, c->peer_addr))
			conn_close(d, "alive timeout");
	}
	conn_close(c, "alive timeout");
}

void cmd_drain_check(struct sim_port *p)
{
	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *c = p->conns[CONN_CMD][s];

		if (c && !c->dead && c->waiting && !serial_outq(p)) {
			c->waiting = false;
			reply_queue(c, NPTTY_ASPP_OP_WAIT_OQUEUE, 0);
		}
	}
}

void cmd_timers(struct sim_port *p)
{
	int64_t now = now_ns();

	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *c = p->conns[CONN_CMD][s];

		if (!c || c->dead)
			continue;
		if (c->pending_len && c->stall_until <= now) {
			int n = c->pending_len;

			c->pending_len = 0;
			conn_send(c, c->pending, n);
		}
		if (c->waiting && c->wait_deadline <= now) {
			c->waiting = false;
			reply_queue(c, NPTTY_ASPP_OP_WAIT_OQUEUE, serial_outq(p));
		}
		if (opt.polling && c->poll_outstanding &&
		    now - c->poll_sent >= opt.alive_timeout * SEC)
			alive_timeout(c);
		if (!c->dead && !stalled(c) && c->in.len)
			cmd_input(c);
	}
	cmd_notify_flush(p);
	if (opt.polling && now >= p->next_poll) {
		if (p->next_poll)
			cmd_send_polling(p);
		p->next_poll = now + opt.polling * SEC;
	}
}

int64_t cmd_next_timer(struct sim_port *p)
{
	int64_t t = opt.polling ? p->next_poll : INT64_MAX;

	for (int s = 0; s < NPSIM_MAX_CONN; s++) {
		struct conn *c = p->conns[CONN_CMD][s];

		if (!c || c->dead)
			continue;
		if (c->pending_len && c->stall_until < t)
			t = c->stall_until;
		if (c->waiting && c->wait_deadline < t)
			t = c->wait_deadline;
		if (opt.polling && c->poll_outstanding &&
		    c->poll_sent + opt.alive_timeout * SEC < t)
			t = c->poll_sent + opt.alive_timeout * SEC;
	}
	return t;
}
