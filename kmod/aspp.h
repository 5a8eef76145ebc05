/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nptty - pure codec of the NPort command port ("ASPP").
 *
 * Shared by nptty.ko (kmod/cmd.c), npsim, the unit tests and the fuzzers.
 * No locks, no sockets, no allocation, no printing.  Wire constants live in
 * <nptty/aspp_wire.h>; protocol facts in shared/protocol/aspp.md.
 *
 * Conventions
 *   Encoders write into buf (capacity cap) and return the number of bytes
 *   written, or -ENOSPC when cap is too small (a single-frame encoder then
 *   writes nothing; nptty_aspp_encode_settings() may leave a prefix), or
 *   -EINVAL for a payload over 255 bytes.
 *   Decoders never read past len and return:
 *     > 0        bytes consumed, *out filled;
 *     0          need more bytes (what is there so far is a valid prefix);
 *     -EBADMSG   malformed: unknown opcode, wrong length byte, ack not "OK".
 *   A byte stream is parsed by calling a decoder repeatedly on the unread
 *   rest; -EBADMSG means the stream cannot be resynchronised: drop the link.
 *
 * Host side (the kernel)
 *   nptty_aspp_baud_index(baud)          -> table index or 0xff
 *   nptty_aspp_baud_from_index(idx)      -> baud, 0 when idx is not in table
 *   nptty_aspp_mode(serial)              -> mode byte
 *   nptty_aspp_encode(buf, cap, op, payload, len)    any request
 *   nptty_aspp_encode_port_init/_setbaud/_xonxoff/_linectrl/_flush/
 *     _tx_fifo/_wait_oqueue/_alive, and the payload-less ones
 *     (_start_break, _stop_break, _setxon, _setxoff, _oqueue, _iqueue,
 *     _lstatus, _start_notify, _stop_notify), all "op 00".
 *   nptty_aspp_encode_settings(buf, cap, serial, flags, &batch)
 *     PORT_INIT [+ SETBAUD] [+ XONXOFF] in one buffer, for one write; batch
 *     lists the opcodes, in order, whose replies must come back.
 *   nptty_aspp_decode_reply(buf, len, &reply)  one reply or unsolicited
 *     frame (NOTIFY, POLLING).
 *
 * Device side (npsim)
 *   nptty_aspp_decode_request(buf, len, &req)  one request, length checked
 *   nptty_aspp_parse_port_init(payload, &serial, &idx)
 *   nptty_aspp_mode_decode(mode, &serial)
 *   nptty_aspp_encode_ack/_queue/_status/_notify/_polling
 *
 * Both
 *   nptty_aspp_op_name(op), nptty_aspp_reply_kind(op), nptty_aspp_reply_len(op)
 *   nptty_aspp_get_le16/_le32, nptty_aspp_put_le32
 *
 * SETBAUD policy (aspp.md Q2): by default nptty_aspp_encode_settings()
 * sends SETBAUD with the exact rate after every PORT_INIT whose baud is not
 * 0, so the rate is right whichever baud table the device really uses.
 * NPTTY_ASPP_SEQ_INDEX_ONLY restores the vendor driver's habit (SETBAUD only
 * when the index is 0xff and the baud is not 0).
 */
#ifndef _NPTTY_ASPP_H
#define _NPTTY_ASPP_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
#endif

#include <nptty/aspp_wire.h>

enum nptty_aspp_parity {
	NPTTY_ASPP_PARITY_NONE,
	NPTTY_ASPP_PARITY_ODD,
	NPTTY_ASPP_PARITY_EVEN,
	NPTTY_ASPP_PARITY_MARK,
	NPTTY_ASPP_PARITY_SPACE,
};

/* Serial settings as the host means them (decoded, not wire values). */
struct nptty_aspp_serial {
	u32 baud;		/* bits per second; 0 = hang up (B0) */
	u8 data_bits;		/* 5..8 */
	u8 stop_bits;		/* 1 or 2 */
	u8 parity;		/* enum nptty_aspp_parity */
	bool crtscts;		/* hardware flow control, both directions */
	bool ixon;		/* NPort obeys XON/XOFF it receives */
	bool ixoff;		/* NPort sends XON/XOFF */
	u8 xon_char;		/* VSTART */
	u8 xoff_char;		/* VSTOP */
	bool dtr;
	bool rts;
};

enum nptty_aspp_reply_kind {
	NPTTY_ASPP_REPLY_NONE,		/* no reply (ALIVE) or unknown */
	NPTTY_ASPP_REPLY_ACK,		/* op 'O' 'K' */
	NPTTY_ASPP_REPLY_QUEUE,		/* op 02 lo hi */
	NPTTY_ASPP_REPLY_STATUS,	/* op 03 dsr cts dcd */
	NPTTY_ASPP_REPLY_NOTIFY,	/* 26 events msr x, unsolicited */
	NPTTY_ASPP_REPLY_POLLING,	/* 27 01 id, unsolicited */
};

struct nptty_aspp_reply {
	u8 op;
	u8 kind;		/* enum nptty_aspp_reply_kind */
	u16 count;		/* QUEUE: bytes queued */
	bool dsr, cts, dcd;	/* STATUS: input lines (false if rejected) */
	bool baud_rejected;	/* STATUS of PORT_INIT: FF FF FF */
	u8 events;		/* NOTIFY: NPTTY_ASPP_EV_* */
	u8 msr;			/* NOTIFY: NPTTY_ASPP_MSR_* */
	u8 extra;		/* NOTIFY: byte 3, meaning unknown */
	u8 id;			/* POLLING: echo it in ALIVE */
};

struct nptty_aspp_request {
	u8 op;
	u8 len;			/* payload length */
	const u8 *payload;	/* points into the decoded buffer */
};

/* Opcodes of one encoded batch, each of which gets one reply, in order. */
#define NPTTY_ASPP_BATCH_MAX	4
struct nptty_aspp_batch {
	u8 n;
	u8 ops[NPTTY_ASPP_BATCH_MAX];
};

/* Flags of nptty_aspp_encode_settings(). */
#define NPTTY_ASPP_SEQ_INDEX_ONLY	0x01	/* SETBAUD only for index 0xff */

/* Longest nptty_aspp_encode_settings() output: 10 + 6 + 4. */
#define NPTTY_ASPP_SETTINGS_MAX_LEN	20

/* Tables. */
u8 nptty_aspp_baud_index(u32 baud);
u32 nptty_aspp_baud_from_index(u8 idx);
u8 nptty_aspp_mode(const struct nptty_aspp_serial *s);
int nptty_aspp_mode_decode(u8 mode, struct nptty_aspp_serial *s);
const char *nptty_aspp_op_name(u8 op);
enum nptty_aspp_reply_kind nptty_aspp_reply_kind(u8 op);
int nptty_aspp_reply_len(u8 op);

/* Little-endian fields. */
u16 nptty_aspp_get_le16(const u8 *p);
u32 nptty_aspp_get_le32(const u8 *p);
void nptty_aspp_put_le32(u8 *p, u32 v);

/* Host-side request encoders. */
int nptty_aspp_encode(u8 *buf, size_t cap, u8 op, const u8 *payload,
		      size_t len);
int nptty_aspp_encode_port_init(u8 *buf, size_t cap,
				const struct nptty_aspp_serial *s);
int nptty_aspp_encode_setbaud(u8 *buf, size_t cap, u32 baud);
int nptty_aspp_encode_xonxoff(u8 *buf, size_t cap, u8 xon, u8 xoff);
int nptty_aspp_encode_linectrl(u8 *buf, size_t cap, bool dtr, bool rts);
int nptty_aspp_encode_flush(u8 *buf, size_t cap, u8 which);
int nptty_aspp_encode_tx_fifo(u8 *buf, size_t cap, u8 depth);
int nptty_aspp_encode_wait_oqueue(u8 *buf, size_t cap, u32 timeout);
int nptty_aspp_encode_alive(u8 *buf, size_t cap, u8 id);
int nptty_aspp_encode_settings(u8 *buf, size_t cap,
			       const struct nptty_aspp_serial *s,
			       unsigned int flags,
			       struct nptty_aspp_batch *batch);

static inline int nptty_aspp_encode_start_break(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_START_BREAK, NULL, 0);
}

static inline int nptty_aspp_encode_stop_break(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_STOP_BREAK, NULL, 0);
}

static inline int nptty_aspp_encode_setxon(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_SETXON, NULL, 0);
}

static inline int nptty_aspp_encode_setxoff(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_SETXOFF, NULL, 0);
}

static inline int nptty_aspp_encode_oqueue(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_OQUEUE, NULL, 0);
}

static inline int nptty_aspp_encode_iqueue(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_IQUEUE, NULL, 0);
}

static inline int nptty_aspp_encode_lstatus(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_LSTATUS, NULL, 0);
}

static inline int nptty_aspp_encode_start_notify(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_START_NOTIFY, NULL, 0);
}

static inline int nptty_aspp_encode_stop_notify(u8 *buf, size_t cap)
{
	return nptty_aspp_encode(buf, cap, NPTTY_ASPP_OP_STOP_NOTIFY, NULL, 0);
}

/* Host-side reply decoder. */
int nptty_aspp_decode_reply(const u8 *buf, size_t len,
			    struct nptty_aspp_reply *r);

/* Device-side request decoder and payload parsers. */
int nptty_aspp_decode_request(const u8 *buf, size_t len,
			      struct nptty_aspp_request *rq);
int nptty_aspp_parse_port_init(const u8 *payload,
			       struct nptty_aspp_serial *s, u8 *baud_idx);

/* Device-side reply encoders. */
int nptty_aspp_encode_ack(u8 *buf, size_t cap, u8 op);
int nptty_aspp_encode_queue(u8 *buf, size_t cap, u8 op, u16 count);
int nptty_aspp_encode_status(u8 *buf, size_t cap, u8 op, u8 dsr, u8 cts,
			     u8 dcd);
int nptty_aspp_encode_notify(u8 *buf, size_t cap, u8 events, u8 msr);
int nptty_aspp_encode_polling(u8 *buf, size_t cap, u8 id);

#endif /* _NPTTY_ASPP_H */
