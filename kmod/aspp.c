// SPDX-License-Identifier: GPL-2.0
/*
 * nptty - pure codec of the NPort command port ("ASPP").  See aspp.h for the
 * API and its conventions, <nptty/aspp_wire.h> for the wire constants.
 *
 * Everything is driven by two tables: the baud index table and the opcode
 * table below (request payload lengths, reply shape, name).
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#endif

#include "aspp.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static const u32 aspp_baud_table[NPTTY_ASPP_BAUD_IDX_COUNT] = {
	[NPTTY_ASPP_BAUD_IDX_300] = 300,
	[NPTTY_ASPP_BAUD_IDX_600] = 600,
	[NPTTY_ASPP_BAUD_IDX_1200] = 1200,
	[NPTTY_ASPP_BAUD_IDX_2400] = 2400,
	[NPTTY_ASPP_BAUD_IDX_4800] = 4800,
	[NPTTY_ASPP_BAUD_IDX_7200] = 7200,
	[NPTTY_ASPP_BAUD_IDX_9600] = 9600,
	[NPTTY_ASPP_BAUD_IDX_19200] = 19200,
	[NPTTY_ASPP_BAUD_IDX_38400] = 38400,
	[NPTTY_ASPP_BAUD_IDX_57600] = 57600,
	[NPTTY_ASPP_BAUD_IDX_115200] = 115200,
	[NPTTY_ASPP_BAUD_IDX_230400] = 230400,
	[NPTTY_ASPP_BAUD_IDX_460800] = 460800,
	[NPTTY_ASPP_BAUD_IDX_921600] = 921600,
	[NPTTY_ASPP_BAUD_IDX_150] = 150,
	[NPTTY_ASPP_BAUD_IDX_134] = 134,
	[NPTTY_ASPP_BAUD_IDX_110] = 110,
	[NPTTY_ASPP_BAUD_IDX_75] = 75,
	[NPTTY_ASPP_BAUD_IDX_50] = 50,
};

/* Request payload lengths a decoder accepts, as a bit mask of lengths. */
#define LEN(n)		(1U << (n))
#define LEN_ANY		0xffffffffU	/* payload format unknown */

/* Opcode flags. */
#define ASPP_REQ	0x01	/* host may send it */
#define ASPP_DEV	0x02	/* NPort sends it unsolicited */

struct aspp_op {
	const char *name;
	u32 req_lens;		/* LEN() mask for requests */
	u8 reply;		/* enum nptty_aspp_reply_kind */
	u8 flags;
};

static const struct aspp_op aspp_ops[] = {
	[NPTTY_ASPP_OP_IOCTL] = { "IOCTL", LEN(NPTTY_ASPP_IOCTL_PLEN),
				  NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_FLOWCTRL] = { "FLOWCTRL",
				     LEN(NPTTY_ASPP_FLOWCTRL_PLEN_MASK) |
				     LEN(NPTTY_ASPP_FLOWCTRL_PLEN_BYTES),
				     NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_LINECTRL] = { "LINECTRL", LEN(NPTTY_ASPP_LINECTRL_PLEN),
				     NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_LSTATUS] = { "LSTATUS", LEN(0),
				    NPTTY_ASPP_REPLY_STATUS, ASPP_REQ },
	[NPTTY_ASPP_OP_FLUSH] = { "FLUSH", LEN(NPTTY_ASPP_FLUSH_PLEN),
				  NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_IQUEUE] = { "IQUEUE", LEN(0),
				   NPTTY_ASPP_REPLY_QUEUE, ASPP_REQ },
	[NPTTY_ASPP_OP_OQUEUE] = { "OQUEUE", LEN(0),
				   NPTTY_ASPP_REPLY_QUEUE, ASPP_REQ },
	[NPTTY_ASPP_OP_SETBAUD] = { "SETBAUD", LEN(NPTTY_ASPP_SETBAUD_PLEN),
				    NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_XONXOFF] = { "XONXOFF", LEN(NPTTY_ASPP_XONXOFF_PLEN),
				    NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_PORT_RESET] = { "PORT_RESET", LEN_ANY,
				       NPTTY_ASPP_REPLY_NONE, ASPP_REQ },
	[NPTTY_ASPP_OP_START_BREAK] = { "START_BREAK", LEN(0),
					NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_STOP_BREAK] = { "STOP_BREAK", LEN(0),
				       NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_START_NOTIFY] = { "START_NOTIFY", LEN(0),
					 NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_STOP_NOTIFY] = { "STOP_NOTIFY", LEN(0),
					NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_NOTIFY] = { "NOTIFY", 0,
				   NPTTY_ASPP_REPLY_NOTIFY, ASPP_DEV },
	[NPTTY_ASPP_OP_POLLING] = { "POLLING", 0,
				    NPTTY_ASPP_REPLY_POLLING, ASPP_DEV },
	[NPTTY_ASPP_OP_ALIVE] = { "ALIVE", LEN(NPTTY_ASPP_ALIVE_PLEN),
				  NPTTY_ASPP_REPLY_NONE, ASPP_REQ },
	[NPTTY_ASPP_OP_HOST] = { "HOST", LEN_ANY,
				 NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_PORT_INIT] = { "PORT_INIT",
				      LEN(NPTTY_ASPP_PORT_INIT_PLEN),
				      NPTTY_ASPP_REPLY_STATUS, ASPP_REQ },
	[NPTTY_ASPP_OP_RESENT_TIME] = { "RESENT_TIME", LEN_ANY,
					NPTTY_ASPP_REPLY_NONE, ASPP_REQ },
	[NPTTY_ASPP_OP_WAIT_OQUEUE] = { "WAIT_OQUEUE",
					LEN(NPTTY_ASPP_WAIT_OQUEUE_PLEN),
					NPTTY_ASPP_REPLY_QUEUE, ASPP_REQ },
	[NPTTY_ASPP_OP_TX_FIFO] = { "TX_FIFO", LEN(NPTTY_ASPP_TX_FIFO_PLEN),
				    NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_SETXON] = { "SETXON", LEN(0),
				   NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_SETXOFF] = { "SETXOFF", LEN(0),
				    NPTTY_ASPP_REPLY_ACK, ASPP_REQ },
	[NPTTY_ASPP_OP_OPEN] = { "OPEN", LEN_ANY,
				 NPTTY_ASPP_REPLY_NONE, ASPP_REQ },
};

static const struct aspp_op *aspp_op(u8 op)
{
	if (op >= ARRAY_SIZE(aspp_ops) || !aspp_ops[op].name)
		return NULL;
	return &aspp_ops[op];
}

const char *nptty_aspp_op_name(u8 op)
{
	const struct aspp_op *d = aspp_op(op);

	return d ? d->name : NULL;
}

enum nptty_aspp_reply_kind nptty_aspp_reply_kind(u8 op)
{
	const struct aspp_op *d = aspp_op(op);

	return d ? d->reply : NPTTY_ASPP_REPLY_NONE;
}

int nptty_aspp_reply_len(u8 op)
{
	switch (nptty_aspp_reply_kind(op)) {
	case NPTTY_ASPP_REPLY_ACK:
		return NPTTY_ASPP_ACK_LEN;
	case NPTTY_ASPP_REPLY_QUEUE:
		return NPTTY_ASPP_QUEUE_LEN;
	case NPTTY_ASPP_REPLY_STATUS:
		return NPTTY_ASPP_STATUS_LEN;
	case NPTTY_ASPP_REPLY_NOTIFY:
		return NPTTY_ASPP_NOTIFY_LEN;
	case NPTTY_ASPP_REPLY_POLLING:
		return NPTTY_ASPP_POLLING_LEN;
	default:
		return 0;
	}
}

u16 nptty_aspp_get_le16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

u32 nptty_aspp_get_le32(const u8 *p)
{
	return (u32)p[0] | ((u32)p[1] << 8) | ((u32)p[2] << 16) |
	       ((u32)p[3] << 24);
}

void nptty_aspp_put_le32(u8 *p, u32 v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = (v >> 24) & 0xff;
}

u8 nptty_aspp_baud_index(u32 baud)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(aspp_baud_table); i++)
		if (aspp_baud_table[i] == baud)
			return i;
	return NPTTY_ASPP_BAUD_IDX_NONE;
}

u32 nptty_aspp_baud_from_index(u8 idx)
{
	if (idx >= ARRAY_SIZE(aspp_baud_table))
		return 0;
	return aspp_baud_table[idx];
}

static const u8 aspp_parity_bits[] = {
	[NPTTY_ASPP_PARITY_NONE] = NPTTY_ASPP_MODE_PARITY_NONE,
	[NPTTY_ASPP_PARITY_ODD] = NPTTY_ASPP_MODE_PARITY_ODD,
	[NPTTY_ASPP_PARITY_EVEN] = NPTTY_ASPP_MODE_PARITY_EVEN,
	[NPTTY_ASPP_PARITY_MARK] = NPTTY_ASPP_MODE_PARITY_MARK,
	[NPTTY_ASPP_PARITY_SPACE] = NPTTY_ASPP_MODE_PARITY_SPACE,
};

u8 nptty_aspp_mode(const struct nptty_aspp_serial *s)
{
	u8 mode;

	/* Out-of-range data bits are sent as 8, unknown parity as none. */
	if (s->data_bits >= 5 && s->data_bits <= 8)
		mode = s->data_bits - 5;
	else
		mode = NPTTY_ASPP_MODE_DATA_8;
	if (s->stop_bits == 2)
		mode |= NPTTY_ASPP_MODE_STOP2;
	if (s->parity < ARRAY_SIZE(aspp_parity_bits))
		mode |= aspp_parity_bits[s->parity];
	return mode;
}

int nptty_aspp_mode_decode(u8 mode, struct nptty_aspp_serial *s)
{
	u8 par = mode & NPTTY_ASPP_MODE_PARITY_MASK;
	unsigned int i;

	if (mode & NPTTY_ASPP_MODE_RESERVED)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(aspp_parity_bits); i++)
		if (aspp_parity_bits[i] == par)
			break;
	if (i == ARRAY_SIZE(aspp_parity_bits))
		return -EINVAL;
	s->parity = i;
	s->data_bits = 5 + (mode & NPTTY_ASPP_MODE_DATA_MASK);
	s->stop_bits = (mode & NPTTY_ASPP_MODE_STOP2) ? 2 : 1;
	return 0;
}

int nptty_aspp_encode(u8 *buf, size_t cap, u8 op, const u8 *payload,
		      size_t len)
{
	size_t i;

	if (len > NPTTY_ASPP_MAX_PAYLOAD)
		return -EINVAL;
	if (cap < NPTTY_ASPP_REQ_HDR_LEN + len)
		return -ENOSPC;
	buf[0] = op;
	buf[1] = len;
	for (i = 0; i < len; i++)
		buf[NPTTY_ASPP_REQ_HDR_LEN + i] = payload[i];
	return NPTTY_ASPP_REQ_HDR_LEN + len;
}

int nptty_aspp_encode_port_init(u8 *buf, size_t cap,
				const struct nptty_aspp_serial *s)
{
	u8 p[NPTTY_ASPP_PORT_INIT_PLEN];

	p[NPTTY_ASPP_PI_BAUD] = nptty_aspp_baud_index(s->baud);
	p[NPTTY_ASPP_PI_MODE] = nptty_aspp_mode(s);
	p[NPTTY_ASPP_PI_DTR] = s->dtr;
	p[NPTTY_ASPP_PI_RTS] = s->rts;
	p[NPTTY_ASPP_PI_HW_CTS] = s->crtscts;
	p[NPTTY_ASPP_PI_HW_RTS] = s->crtscts;
	p[NPTTY_ASPP_PI_IXON] = s->ixon;
	p[NPTTY_ASPP_PI_IXOFF] = s->ixoff;
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_PORT_INIT, p,
				 sizeof(p));
}

int nptty_aspp_encode_setbaud(u8 *buf, size_t cap, u32 baud)
{
	u8 p[NPTTY_ASPP_SETBAUD_PLEN];

	nptty_aspp_put_le32(p, baud);
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_SETBAUD, p, sizeof(p));
}

int nptty_aspp_encode_xonxoff(u8 *buf, size_t cap, u8 xon, u8 xoff)
{
	u8 p[NPTTY_ASPP_XONXOFF_PLEN] = { xon, xoff };

	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_XONXOFF, p, sizeof(p));
}

int nptty_aspp_encode_linectrl(u8 *buf, size_t cap, bool dtr, bool rts)
{
	u8 p[NPTTY_ASPP_LINECTRL_PLEN] = { dtr, rts };

	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_LINECTRL, p,
				 sizeof(p));
}

int nptty_aspp_encode_flush(u8 *buf, size_t cap, u8 which)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_FLUSH, &which, 1);
}

int nptty_aspp_encode_tx_fifo(u8 *buf, size_t cap, u8 depth)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_TX_FIFO, &depth, 1);
}

int nptty_aspp_encode_wait_oqueue(u8 *buf, size_t cap, u32 timeout)
{
	u8 p[NPTTY_ASPP_WAIT_OQUEUE_PLEN];

	nptty_aspp_put_le32(p, timeout);
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_WAIT_OQUEUE, p,
				 sizeof(p));
}

int nptty_aspp_encode_alive(u8 *buf, size_t cap, u8 id)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_ALIVE, &id, 1);
}

int nptty_aspp_encode_settings(u8 *buf, size_t cap,
			       const struct nptty_aspp_serial *s,
			       unsigned int flags,
			       struct nptty_aspp_batch *batch)
{
	struct nptty_aspp_batch b = { 0 };
	bool setbaud = s->baud != 0;
	size_t off = 0;
	int ret;

	if (flags & NPTTY_ASPP_SEQ_INDEX_ONLY)
		setbaud = setbaud &&
			  nptty_aspp_baud_index(s->baud) == NPTTY_ASPP_BAUD_IDX_NONE;

	ret = nptty_aspp_encode_port_init(buf, cap, s);
	if (ret < 0)
		return ret;
	off += ret;
	b.ops[b.n++] = NPTTY_ASPP_OP_PORT_INIT;

	if (setbaud) {
		ret = nptty_aspp_encode_setbaud(buf + off, cap - off, s->baud);
		if (ret < 0)
			return ret;
		off += ret;
		b.ops[b.n++] = NPTTY_ASPP_OP_SETBAUD;
	}

	if (s->ixon || s->ixoff) {
		ret = nptty_aspp_encode_xonxoff(buf + off, cap - off,
						s->xon_char, s->xoff_char);
		if (ret < 0)
			return ret;
		off += ret;
		b.ops[b.n++] = NPTTY_ASPP_OP_XONXOFF;
	}

	if (batch)
		*batch = b;
	return off;
}

/* Check the bytes of a reply seen so far against its fixed shape. */
static int reply_check(const u8 *buf, size_t len, u8 kind)
{
	u8 lenbyte;

	switch (kind) {
	case NPTTY_ASPP_REPLY_ACK:
		if (len > 1 && buf[1] != NPTTY_ASPP_ACK_0)
			return -EBADMSG;
		if (len > 2 && buf[2] != NPTTY_ASPP_ACK_1)
			return -EBADMSG;
		return 0;
	case NPTTY_ASPP_REPLY_QUEUE:
		lenbyte = NPTTY_ASPP_QUEUE_LENBYTE;
		break;
	case NPTTY_ASPP_REPLY_STATUS:
		lenbyte = NPTTY_ASPP_STATUS_LENBYTE;
		break;
	case NPTTY_ASPP_REPLY_POLLING:
		lenbyte = NPTTY_ASPP_POLLING_LENBYTE;
		break;
	case NPTTY_ASPP_REPLY_NOTIFY:
		return 0;
	default:
		return -EBADMSG;
	}
	if (len > 1 && buf[1] != lenbyte)
		return -EBADMSG;
	return 0;
}

int nptty_aspp_decode_reply(const u8 *buf, size_t len,
			    struct nptty_aspp_reply *r)
{
	const struct aspp_op *d;
	int need, ret;

	if (!len)
		return 0;
	d = aspp_op(buf[0]);
	if (!d || d->reply == NPTTY_ASPP_REPLY_NONE)
		return -EBADMSG;
	ret = reply_check(buf, len, d->reply);
	if (ret)
		return ret;
	need = nptty_aspp_reply_len(buf[0]);
	if (len < (size_t)need)
		return 0;

	*r = (struct nptty_aspp_reply){ .op = buf[0], .kind = d->reply };
	switch (d->reply) {
	case NPTTY_ASPP_REPLY_QUEUE:
		r->count = nptty_aspp_get_le16(buf + 2);
		break;
	case NPTTY_ASPP_REPLY_STATUS:
		if (buf[0] == NPTTY_ASPP_OP_PORT_INIT &&
		    buf[2] == NPTTY_ASPP_ST_REJECT &&
		    buf[3] == NPTTY_ASPP_ST_REJECT &&
		    buf[4] == NPTTY_ASPP_ST_REJECT) {
			r->baud_rejected = true;
			break;
		}
		r->dsr = buf[2 + NPTTY_ASPP_ST_DSR] != 0;
		r->cts = buf[2 + NPTTY_ASPP_ST_CTS] != 0;
		r->dcd = buf[2 + NPTTY_ASPP_ST_DCD] != 0;
		break;
	case NPTTY_ASPP_REPLY_NOTIFY:
		r->events = buf[1];
		r->msr = buf[2];
		r->extra = buf[3];
		break;
	case NPTTY_ASPP_REPLY_POLLING:
		r->id = buf[2];
		break;
	default:
		break;
	}
	return need;
}

int nptty_aspp_decode_request(const u8 *buf, size_t len,
			      struct nptty_aspp_request *rq)
{
	const struct aspp_op *d;
	u8 plen;

	if (!len)
		return 0;
	d = aspp_op(buf[0]);
	if (!d || !(d->flags & ASPP_REQ))
		return -EBADMSG;
	if (len < NPTTY_ASPP_REQ_HDR_LEN)
		return 0;
	plen = buf[1];
	if (plen >= 32 ? d->req_lens != LEN_ANY : !(d->req_lens & LEN(plen)))
		return -EBADMSG;
	if (len < (size_t)NPTTY_ASPP_REQ_HDR_LEN + plen)
		return 0;
	rq->op = buf[0];
	rq->len = plen;
	rq->payload = buf + NPTTY_ASPP_REQ_HDR_LEN;
	return NPTTY_ASPP_REQ_HDR_LEN + plen;
}

int nptty_aspp_parse_port_init(const u8 *payload,
			       struct nptty_aspp_serial *s, u8 *baud_idx)
{
	int ret;

	ret = nptty_aspp_mode_decode(payload[NPTTY_ASPP_PI_MODE], s);
	if (ret)
		return ret;
	*baud_idx = payload[NPTTY_ASPP_PI_BAUD];
	s->baud = nptty_aspp_baud_from_index(*baud_idx);
	s->dtr = payload[NPTTY_ASPP_PI_DTR] != 0;
	s->rts = payload[NPTTY_ASPP_PI_RTS] != 0;
	s->crtscts = payload[NPTTY_ASPP_PI_HW_CTS] != 0 ||
		     payload[NPTTY_ASPP_PI_HW_RTS] != 0;
	s->ixon = payload[NPTTY_ASPP_PI_IXON] != 0;
	s->ixoff = payload[NPTTY_ASPP_PI_IXOFF] != 0;
	return 0;
}

static int put_bytes(u8 *buf, size_t cap, const u8 *src, size_t len)
{
	size_t i;

	if (cap < len)
		return -ENOSPC;
	for (i = 0; i < len; i++)
		buf[i] = src[i];
	return len;
}

int nptty_aspp_encode_ack(u8 *buf, size_t cap, u8 op)
{
	const u8 f[] = { op, NPTTY_ASPP_ACK_0, NPTTY_ASPP_ACK_1 };

	return put_bytes(buf, cap, f, sizeof(f));
}

int nptty_aspp_encode_queue(u8 *buf, size_t cap, u8 op, u16 count)
{
	const u8 f[] = { op, NPTTY_ASPP_QUEUE_LENBYTE, count & 0xff,
			 count >> 8 };

	return put_bytes(buf, cap, f, sizeof(f));
}

int nptty_aspp_encode_status(u8 *buf, size_t cap, u8 op, u8 dsr, u8 cts,
			     u8 dcd)
{
	const u8 f[] = { op, NPTTY_ASPP_STATUS_LENBYTE, dsr, cts, dcd };

	return put_bytes(buf, cap, f, sizeof(f));
}

int nptty_aspp_encode_notify(u8 *buf, size_t cap, u8 events, u8 msr)
{
	const u8 f[] = { NPTTY_ASPP_OP_NOTIFY, events, msr, 0 };

	return put_bytes(buf, cap, f, sizeof(f));
}

int nptty_aspp_encode_polling(u8 *buf, size_t cap, u8 id)
{
	const u8 f[] = { NPTTY_ASPP_OP_POLLING, NPTTY_ASPP_POLLING_LENBYTE,
			 id };

	return put_bytes(buf, cap, f, sizeof(f));
}
