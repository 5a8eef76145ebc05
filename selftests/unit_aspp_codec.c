// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the command-port codec (kmod/aspp.c built for userspace):
 * tables, request encoders, reply decoder, request decoder, device-side
 * reply encoders.  Frames under test sit at the very end of a page followed
 * by an inaccessible page, so a decoder that reads past len crashes.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ktap.h"
#include "aspp.h"

static uint8_t *guard_base;
static size_t page;

/* Copy len bytes so that they end exactly at the guard page. */
static const uint8_t *at_edge(const void *src, size_t len)
{
	uint8_t *p = guard_base + page - len;

	memcpy(p, src, len);
	return p;
}

static void guard_init(void)
{
	page = sysconf(_SC_PAGESIZE);
	guard_base = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_base == MAP_FAILED ||
	    mprotect(guard_base + page, page, PROT_NONE))
		ktap_skip_all("cannot map a guard page");
}

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ })
#define EQ(buf, n, ...)                                                 \
	((n) == (int)sizeof(BYTES(__VA_ARGS__)) &&                      \
	 !memcmp((buf), BYTES(__VA_ARGS__), sizeof(BYTES(__VA_ARGS__))))

static void test_baud_table(void)
{
	static const uint32_t table[] = {
		300, 600, 1200, 2400, 4800, 7200, 9600, 19200, 38400, 57600,
		115200, 230400, 460800, 921600, 150, 134, 110, 75, 50,
	};
	int ok = 1;

	for (unsigned int i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		ok &= nptty_aspp_baud_index(table[i]) == i;
		ok &= nptty_aspp_baud_from_index(i) == table[i];
	}
	ktap_ok(ok, "baud index table: 19 entries both ways");
	ktap_ok(nptty_aspp_baud_index(1800) == 0xff &&
		nptty_aspp_baud_index(200) == 0xff &&
		nptty_aspp_baud_index(0) == 0xff &&
		nptty_aspp_baud_index(12345) == 0xff,
		"baud index: 1800, 200, 0, 12345 are not in the table");
	ktap_ok(nptty_aspp_baud_from_index(19) == 0 &&
		nptty_aspp_baud_from_index(0xff) == 0,
		"baud from index: out of table gives 0");
}

static void test_mode(void)
{
	struct nptty_aspp_serial s = { .data_bits = 8, .stop_bits = 1 };
	struct nptty_aspp_serial d;
	int ok = 1;

	ktap_ok(nptty_aspp_mode(&s) == 0x03, "mode 8N1 = 0x03");
	s = (struct nptty_aspp_serial){ .data_bits = 7, .stop_bits = 1,
					.parity = NPTTY_ASPP_PARITY_EVEN };
	ktap_ok(nptty_aspp_mode(&s) == 0x0a, "mode 7E1 = 0x0a");
	s = (struct nptty_aspp_serial){ .data_bits = 8, .stop_bits = 2,
					.parity = NPTTY_ASPP_PARITY_ODD };
	ktap_ok(nptty_aspp_mode(&s) == 0x17, "mode 8O2 = 0x17");
	s = (struct nptty_aspp_serial){ .data_bits = 5, .stop_bits = 1,
					.parity = NPTTY_ASPP_PARITY_MARK };
	ktap_ok(nptty_aspp_mode(&s) == 0x18, "mode 5M1 = 0x18");
	s = (struct nptty_aspp_serial){ .data_bits = 6, .stop_bits = 2,
					.parity = NPTTY_ASPP_PARITY_SPACE };
	ktap_ok(nptty_aspp_mode(&s) == 0x25, "mode 6S2 = 0x25");

	for (int bits = 5; bits <= 8; bits++)
		for (int stop = 1; stop <= 2; stop++)
			for (int par = 0; par <= NPTTY_ASPP_PARITY_SPACE; par++) {
				s = (struct nptty_aspp_serial){
					.data_bits = bits, .stop_bits = stop,
					.parity = par };
				memset(&d, 0, sizeof(d));
				ok &= !nptty_aspp_mode_decode(nptty_aspp_mode(&s), &d);
				ok &= d.data_bits == bits && d.stop_bits == stop &&
				      d.parity == par;
			}
	ktap_ok(ok, "mode: 40 combinations round-trip");

	ktap_ok(nptty_aspp_mode_decode(0x43, &d) == -EINVAL &&
		nptty_aspp_mode_decode(0x83, &d) == -EINVAL,
		"mode decode: reserved bits 7-6 rejected");
	ktap_ok(nptty_aspp_mode_decode(0x28, &d) == -EINVAL &&
		nptty_aspp_mode_decode(0x30, &d) == -EINVAL &&
		nptty_aspp_mode_decode(0x38, &d) == -EINVAL,
		"mode decode: parity values 0x28..0x38 rejected");
}

static void test_request_encoders(void)
{
	struct nptty_aspp_serial s = {
		.baud = 9600, .data_bits = 8, .stop_bits = 1, .dtr = true,
		.rts = true,
	};
	uint8_t b[64];
	int n;

	n = nptty_aspp_encode_port_init(b, sizeof(b), &s);
	ktap_ok(EQ(b, n, 0x2c, 8, 6, 0x03, 1, 1, 0, 0, 0, 0),
		"PORT_INIT 9600 8N1 DTR RTS");
	s = (struct nptty_aspp_serial){ .baud = 115200, .data_bits = 7,
		.stop_bits = 2, .parity = NPTTY_ASPP_PARITY_MARK,
		.crtscts = true, .ixon = true, .ixoff = false };
	n = nptty_aspp_encode_port_init(b, sizeof(b), &s);
	ktap_ok(EQ(b, n, 0x2c, 8, 10, 0x1e, 0, 0, 1, 1, 1, 0),
		"PORT_INIT 115200 7M2 CRTSCTS IXON, lines down");
	n = nptty_aspp_encode_setbaud(b, sizeof(b), 12345);
	ktap_ok(EQ(b, n, 0x17, 4, 0x39, 0x30, 0, 0), "SETBAUD 12345 LE");
	n = nptty_aspp_encode_setbaud(b, sizeof(b), 0x01020304);
	ktap_ok(EQ(b, n, 0x17, 4, 4, 3, 2, 1), "SETBAUD 0x01020304 LE");
	n = nptty_aspp_encode_xonxoff(b, sizeof(b), 0x11, 0x13);
	ktap_ok(EQ(b, n, 0x18, 2, 0x11, 0x13), "XONXOFF");
	n = nptty_aspp_encode_linectrl(b, sizeof(b), true, false);
	ktap_ok(EQ(b, n, 0x12, 2, 1, 0), "LINECTRL dtr=1 rts=0");
	n = nptty_aspp_encode_flush(b, sizeof(b), NPTTY_ASPP_FLUSH_BOTH);
	ktap_ok(EQ(b, n, 0x14, 1, 2), "FLUSH both");
	n = nptty_aspp_encode_tx_fifo(b, sizeof(b), 16);
	ktap_ok(EQ(b, n, 0x30, 1, 16), "TX_FIFO 16");
	n = nptty_aspp_encode_wait_oqueue(b, sizeof(b), 0x7fffffff);
	ktap_ok(EQ(b, n, 0x2f, 4, 0xff, 0xff, 0xff, 0x7f), "WAIT_OQUEUE forever");
	n = nptty_aspp_encode_alive(b, sizeof(b), 0x5a);
	ktap_ok(EQ(b, n, 0x28, 1, 0x5a), "ALIVE id");
	ktap_ok(EQ(b, nptty_aspp_encode_start_break(b, sizeof(b)), 0x21, 0) &&
		EQ(b, nptty_aspp_encode_stop_break(b, sizeof(b)), 0x22, 0) &&
		EQ(b, nptty_aspp_encode_setxon(b, sizeof(b)), 0x33, 0) &&
		EQ(b, nptty_aspp_encode_setxoff(b, sizeof(b)), 0x34, 0) &&
		EQ(b, nptty_aspp_encode_oqueue(b, sizeof(b)), 0x16, 0) &&
		EQ(b, nptty_aspp_encode_iqueue(b, sizeof(b)), 0x15, 0) &&
		EQ(b, nptty_aspp_encode_lstatus(b, sizeof(b)), 0x13, 0) &&
		EQ(b, nptty_aspp_encode_start_notify(b, sizeof(b)), 0x24, 0) &&
		EQ(b, nptty_aspp_encode_stop_notify(b, sizeof(b)), 0x25, 0),
		"payload-less requests are \"op 00\"");
	n = nptty_aspp_encode(b, sizeof(b), 0x2b, BYTES(1, 2, 3), 3);
	ktap_ok(EQ(b, n, 0x2b, 3, 1, 2, 3), "generic encoder");
	ktap_ok(nptty_aspp_encode(b, sizeof(b), 0x2b, b, 256) == -EINVAL,
		"generic encoder: payload over 255 rejected");
}

static void test_enospc(void)
{
	struct nptty_aspp_serial s = { .baud = 1800, .data_bits = 8,
				       .stop_bits = 1, .ixoff = true };
	uint8_t b[32];
	int ok = 1;

	/* Each encoder: exact size works, one less is -ENOSPC. */
#define FITS(len, call_cap) \
	do { size_t cap = (len); ok &= (call_cap) == (int)(len); \
	     cap = (len) - 1; ok &= (call_cap) == -ENOSPC; } while (0)
	FITS(10, nptty_aspp_encode_port_init(b, cap, &s));
	FITS(6, nptty_aspp_encode_setbaud(b, cap, 1));
	FITS(4, nptty_aspp_encode_xonxoff(b, cap, 1, 2));
	FITS(4, nptty_aspp_encode_linectrl(b, cap, 1, 1));
	FITS(3, nptty_aspp_encode_flush(b, cap, 0));
	FITS(3, nptty_aspp_encode_tx_fifo(b, cap, 1));
	FITS(6, nptty_aspp_encode_wait_oqueue(b, cap, 1));
	FITS(3, nptty_aspp_encode_alive(b, cap, 1));
	FITS(2, nptty_aspp_encode_setxon(b, cap));
	FITS(20, nptty_aspp_encode_settings(b, cap, &s, 0, NULL));
	FITS(3, nptty_aspp_encode_ack(b, cap, 0x12));
	FITS(4, nptty_aspp_encode_queue(b, cap, 0x16, 1));
	FITS(5, nptty_aspp_encode_status(b, cap, 0x2c, 1, 1, 1));
	FITS(4, nptty_aspp_encode_notify(b, cap, 0x20, 0x30));
	FITS(3, nptty_aspp_encode_polling(b, cap, 7));
#undef FITS
	ktap_ok(ok, "every encoder: exact capacity fits, one less is -ENOSPC");
	ktap_ok(nptty_aspp_encode_settings(b, 10, &s, 0, NULL) == -ENOSPC &&
		nptty_aspp_encode_settings(b, 16, &s, 0, NULL) == -ENOSPC,
		"settings: -ENOSPC when a later frame does not fit");
}

static void test_settings(void)
{
	struct nptty_aspp_serial s = { .baud = 9600, .data_bits = 8,
				       .stop_bits = 1, .dtr = 1, .rts = 1 };
	struct nptty_aspp_batch bt;
	uint8_t b[NPTTY_ASPP_SETTINGS_MAX_LEN];
	int n;

	n = nptty_aspp_encode_settings(b, sizeof(b), &s, 0, &bt);
	ktap_ok(EQ(b, n, 0x2c, 8, 6, 3, 1, 1, 0, 0, 0, 0,
		   0x17, 4, 0x80, 0x25, 0, 0) &&
		bt.n == 2 && bt.ops[0] == 0x2c && bt.ops[1] == 0x17,
		"settings 9600: PORT_INIT + SETBAUD (exact rate always sent)");
	n = nptty_aspp_encode_settings(b, sizeof(b), &s,
				       NPTTY_ASPP_SEQ_INDEX_ONLY, &bt);
	ktap_ok(n == 10 && bt.n == 1 && bt.ops[0] == 0x2c,
		"settings 9600 index-only: PORT_INIT alone");
	s.baud = 1800;
	n = nptty_aspp_encode_settings(b, sizeof(b), &s,
				       NPTTY_ASPP_SEQ_INDEX_ONLY, &bt);
	ktap_ok(EQ(b, n, 0x2c, 8, 0xff, 3, 1, 1, 0, 0, 0, 0,
		   0x17, 4, 0x08, 0x07, 0, 0) && bt.n == 2,
		"settings 1800 index-only: index 0xff + SETBAUD");
	s.baud = 0;
	n = nptty_aspp_encode_settings(b, sizeof(b), &s, 0, &bt);
	ktap_ok(n == 10 && b[2] == 0xff && bt.n == 1,
		"settings B0: index 0xff and no SETBAUD");
	s = (struct nptty_aspp_serial){ .baud = 460800, .data_bits = 8,
		.stop_bits = 1, .ixon = 1, .ixoff = 1, .xon_char = 0x11,
		.xoff_char = 0x13 };
	n = nptty_aspp_encode_settings(b, sizeof(b), &s, 0, &bt);
	ktap_ok(n == 20 && bt.n == 3 && bt.ops[2] == 0x18 &&
		!memcmp(b + 16, BYTES(0x18, 2, 0x11, 0x13), 4) &&
		b[10 + 2] == 0x00 && b[10 + 3] == 0x08 && b[10 + 4] == 0x07,
		"settings 460800 IXON IXOFF: + XONXOFF (maximum length)");
	s.ixon = 0;
	n = nptty_aspp_encode_settings(b, sizeof(b), &s, 0, &bt);
	ktap_ok(n == 20 && bt.n == 3, "settings IXOFF alone: + XONXOFF");
}

/* Decode frame f; every proper prefix must ask for more, the whole must
 * decode to exactly its length.
 */
static int reply_frame(const uint8_t *f, size_t len, struct nptty_aspp_reply *r)
{
	int ok = 1;

	for (size_t i = 0; i < len; i++)
		ok &= nptty_aspp_decode_reply(at_edge(f, i), i, r) == 0;
	memset(r, 0xa5, sizeof(*r));
	ok &= nptty_aspp_decode_reply(at_edge(f, len), len, r) == (int)len;
	return ok;
}

static void test_decode_reply(void)
{
	struct nptty_aspp_reply r;
	int ok;

	ok = reply_frame(BYTES(0x12, 'O', 'K'), 3, &r);
	ktap_ok(ok && r.op == 0x12 && r.kind == NPTTY_ASPP_REPLY_ACK,
		"reply LINECTRL ack, prefixes need more");
	ok = 1;
	for (unsigned int op = 0; op < 256; op++)
		if (nptty_aspp_reply_kind(op) == NPTTY_ASPP_REPLY_ACK)
			ok &= reply_frame(BYTES(op, 'O', 'K'), 3, &r) &&
			      r.op == op;
	ktap_ok(ok, "reply: ack decodes for every ack opcode");
	ktap_ok(nptty_aspp_decode_reply(at_edge(BYTES(0x17, 'O', 'X'), 3), 3, &r) == -EBADMSG &&
		nptty_aspp_decode_reply(at_edge(BYTES(0x17, 'o'), 2), 2, &r) == -EBADMSG &&
		nptty_aspp_decode_reply(at_edge(BYTES(0x17, 0x02, 0, 0), 4), 4, &r) == -EBADMSG,
		"reply: ack not 'O' 'K' is malformed, seen early");

	ok = reply_frame(BYTES(0x2f, 2, 0x34, 0x12), 4, &r);
	ktap_ok(ok && r.kind == NPTTY_ASPP_REPLY_QUEUE && r.count == 0x1234,
		"reply WAIT_OQUEUE count lo + 256 * hi");
	ok = reply_frame(BYTES(0x16, 2, 0, 0), 4, &r);
	ktap_ok(ok && r.count == 0 && r.op == 0x16, "reply OQUEUE 0");
	ktap_ok(nptty_aspp_decode_reply(at_edge(BYTES(0x16, 3), 2), 2, &r) == -EBADMSG,
		"reply queue with length byte 3 is malformed");

	ok = reply_frame(BYTES(0x2c, 3, 1, 0, 1), 5, &r);
	ktap_ok(ok && r.kind == NPTTY_ASPP_REPLY_STATUS && r.dsr && !r.cts &&
		r.dcd && !r.baud_rejected,
		"reply PORT_INIT status dsr=1 cts=0 dcd=1");
	ok = reply_frame(BYTES(0x2c, 3, 0, 0x80, 0), 5, &r);
	ktap_ok(ok && !r.dsr && r.cts && !r.dcd, "status: non-zero is asserted");
	ok = reply_frame(BYTES(0x2c, 3, 0xff, 0xff, 0xff), 5, &r);
	ktap_ok(ok && r.baud_rejected && !r.dsr && !r.cts && !r.dcd,
		"reply PORT_INIT FF FF FF: baud rejected");
	ok = reply_frame(BYTES(0x13, 3, 0xff, 0xff, 0xff), 5, &r);
	ktap_ok(ok && !r.baud_rejected && r.dsr && r.cts && r.dcd,
		"reply LSTATUS FF FF FF: all lines up, not a rejection");
	ktap_ok(nptty_aspp_decode_reply(at_edge(BYTES(0x2c, 'O', 'K'), 3), 3, &r) == -EBADMSG,
		"reply PORT_INIT as ack is malformed");

	ok = reply_frame(BYTES(0x26, 0x21, 0xb0, 0x77), 4, &r);
	ktap_ok(ok && r.kind == NPTTY_ASPP_REPLY_NOTIFY && r.events == 0x21 &&
		r.msr == 0xb0 && r.extra == 0x77, "reply NOTIFY");
	ok = reply_frame(BYTES(0x27, 1, 0x42), 3, &r);
	ktap_ok(ok && r.kind == NPTTY_ASPP_REPLY_POLLING && r.id == 0x42,
		"reply POLLING id");
	ktap_ok(nptty_aspp_decode_reply(at_edge(BYTES(0x27, 2), 2), 2, &r) == -EBADMSG,
		"POLLING with length byte 2 is malformed");

	ok = 1;
	for (unsigned int op = 0; op < 256; op++) {
		int ret = nptty_aspp_decode_reply(at_edge(BYTES(op), 1), 1, &r);

		ok &= nptty_aspp_reply_kind(op) ? ret == 0 : ret == -EBADMSG;
	}
	ktap_ok(ok && nptty_aspp_decode_reply(at_edge(BYTES(0x28, 1, 0), 3), 3, &r) == -EBADMSG &&
		nptty_aspp_decode_reply(at_edge(BYTES(0x00, 0, 0), 3), 3, &r) == -EBADMSG &&
		nptty_aspp_decode_reply(at_edge(BYTES(0x20, 'O', 'K'), 3), 3, &r) == -EBADMSG,
		"reply: unknown opcodes and ALIVE are malformed from byte 0");
	ktap_ok(nptty_aspp_decode_reply(NULL, 0, &r) == 0, "reply: empty needs more");

	/* A stream of replies, as one TCP read. */
	{
		static const uint8_t st[] = {
			0x2c, 3, 1, 1, 1, 0x17, 'O', 'K', 0x26, 0x20, 0xf0, 0,
			0x18, 'O', 'K', 0x27, 1, 9, 0x2f, 2, 5, 0, 0x30, 'O',
		};
		static const uint8_t want[] = { 0x2c, 0x17, 0x26, 0x18, 0x27, 0x2f };
		const uint8_t *p = at_edge(st, sizeof(st));
		size_t off = 0, k = 0;
		int ret;

		ok = 1;
		while ((ret = nptty_aspp_decode_reply(p + off, sizeof(st) - off, &r)) > 0) {
			ok &= k < sizeof(want) && r.op == want[k];
			k++;
			off += ret;
		}
		ktap_ok(ok && ret == 0 && k == 6 && off == sizeof(st) - 2,
			"reply stream: 6 frames, then a 2-byte partial ack");
	}
}

static void test_decode_request(void)
{
	static const struct { uint8_t op, len; } good[] = {
		{ 0x10, 2 }, { 0x11, 1 }, { 0x11, 4 }, { 0x12, 2 }, { 0x13, 0 },
		{ 0x14, 1 }, { 0x15, 0 }, { 0x16, 0 }, { 0x17, 4 }, { 0x18, 2 },
		{ 0x21, 0 }, { 0x22, 0 }, { 0x24, 0 }, { 0x25, 0 }, { 0x28, 1 },
		{ 0x2c, 8 }, { 0x2f, 4 }, { 0x30, 1 }, { 0x33, 0 }, { 0x34, 0 },
		{ 0x2b, 0 }, { 0x2b, 200 }, { 0x20, 5 }, { 0x2e, 255 },
		{ 0x39, 1 },
	};
	static const struct { uint8_t op, len; } bad[] = {
		{ 0x10, 3 }, { 0x11, 2 }, { 0x12, 1 }, { 0x13, 1 }, { 0x14, 0 },
		{ 0x16, 1 }, { 0x17, 2 }, { 0x18, 3 }, { 0x21, 1 }, { 0x28, 0 },
		{ 0x2c, 7 }, { 0x2c, 9 }, { 0x2f, 255 }, { 0x30, 2 }, { 0x34, 4 },
	};
	struct nptty_aspp_request rq;
	uint8_t f[2 + 255];
	int ok = 1;

	memset(f, 0x55, sizeof(f));
	for (unsigned int i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		size_t n = 2 + good[i].len;
		const uint8_t *p;

		f[0] = good[i].op;
		f[1] = good[i].len;
		for (size_t k = 0; k < n; k++)
			ok &= nptty_aspp_decode_request(at_edge(f, k), k, &rq) == 0;
		p = at_edge(f, n);
		ok &= nptty_aspp_decode_request(p, n, &rq) == (int)n &&
		      rq.op == good[i].op && rq.len == good[i].len &&
		      rq.payload == p + 2;
	}
	ktap_ok(ok, "request: 25 well-formed frames decode, prefixes need more");

	ok = 1;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f[0] = bad[i].op;
		f[1] = bad[i].len;
		ok &= nptty_aspp_decode_request(at_edge(f, 2), 2, &rq) == -EBADMSG;
	}
	ktap_ok(ok, "request: wrong payload length is malformed after 2 bytes");

	ok = 1;
	for (unsigned int op = 0; op < 256; op++) {
		int ret = nptty_aspp_decode_request(at_edge(BYTES(op), 1), 1, &rq);
		int known = nptty_aspp_op_name(op) && op != 0x26 && op != 0x27;

		ok &= known ? ret == 0 : ret == -EBADMSG;
	}
	ktap_ok(ok, "request: unknown opcodes, NOTIFY and POLLING are malformed");

	{
		static const uint8_t st[] = {
			0x2c, 8, 6, 3, 1, 1, 0, 0, 0, 0, 0x17, 4, 0x80, 0x25, 0, 0,
			0x30, 1, 16, 0x12, 2, 1, 1, 0x2f,
		};
		const uint8_t *p = at_edge(st, sizeof(st));
		size_t off = 0, k = 0;
		int ret;

		while ((ret = nptty_aspp_decode_request(p + off, sizeof(st) - off, &rq)) > 0) {
			k++;
			off += ret;
		}
		ktap_ok(ret == 0 && k == 4 && off == sizeof(st) - 1,
			"request stream: 4 frames, then a partial one");
	}
}

static void test_device_side(void)
{
	struct nptty_aspp_serial s = { .baud = 38400, .data_bits = 6,
		.stop_bits = 2, .parity = NPTTY_ASPP_PARITY_SPACE,
		.crtscts = true, .ixon = false, .ixoff = true, .dtr = true,
		.rts = false };
	struct nptty_aspp_serial d;
	struct nptty_aspp_reply r;
	uint8_t b[16], idx;
	int n;

	n = nptty_aspp_encode_port_init(b, sizeof(b), &s);
	memset(&d, 0, sizeof(d));
	ktap_ok(n == 10 && !nptty_aspp_parse_port_init(b + 2, &d, &idx) &&
		idx == 8 && d.baud == 38400 && d.data_bits == 6 &&
		d.stop_bits == 2 && d.parity == NPTTY_ASPP_PARITY_SPACE &&
		d.crtscts && !d.ixon && d.ixoff && d.dtr && !d.rts,
		"PORT_INIT payload parses back to the same settings");
	b[2 + 1] = 0x80;
	ktap_ok(nptty_aspp_parse_port_init(b + 2, &d, &idx) == -EINVAL,
		"PORT_INIT with a bad mode byte is rejected");
	b[2 + 1] = 0x03;
	b[2] = 0xff;
	ktap_ok(!nptty_aspp_parse_port_init(b + 2, &d, &idx) && idx == 0xff &&
		d.baud == 0, "PORT_INIT index 0xff: baud 0, SETBAUD to follow");

	n = nptty_aspp_encode_ack(b, sizeof(b), 0x30);
	ktap_ok(EQ(b, n, 0x30, 'O', 'K'), "device ack");
	n = nptty_aspp_encode_queue(b, sizeof(b), 0x2f, 0xbeef);
	ktap_ok(EQ(b, n, 0x2f, 2, 0xef, 0xbe) &&
		nptty_aspp_decode_reply(b, n, &r) == 4 && r.count == 0xbeef,
		"device queue reply round-trips");
	n = nptty_aspp_encode_status(b, sizeof(b), 0x2c, 1, 0, 1);
	ktap_ok(EQ(b, n, 0x2c, 3, 1, 0, 1), "device status reply");
	n = nptty_aspp_encode_notify(b, sizeof(b), 0x20, 0xb0);
	ktap_ok(EQ(b, n, 0x26, 0x20, 0xb0, 0), "device NOTIFY");
	n = nptty_aspp_encode_polling(b, sizeof(b), 3);
	ktap_ok(EQ(b, n, 0x27, 1, 3), "device POLLING");
	ktap_ok(!strcmp(nptty_aspp_op_name(0x2c), "PORT_INIT") &&
		!strcmp(nptty_aspp_op_name(0x2f), "WAIT_OQUEUE") &&
		!nptty_aspp_op_name(0x00) && !nptty_aspp_op_name(0xff),
		"op names");
	ktap_ok(nptty_aspp_reply_len(0x2c) == 5 && nptty_aspp_reply_len(0x2f) == 4 &&
		nptty_aspp_reply_len(0x12) == 3 && nptty_aspp_reply_len(0x28) == 0 &&
		nptty_aspp_reply_len(0x26) == 4 && nptty_aspp_reply_len(0x27) == 3,
		"reply lengths per opcode");
}

/* Random bytes: decoders must stay within len and return sane values. */
static void test_random(void)
{
	struct nptty_aspp_request rq;
	struct nptty_aspp_reply r;
	uint8_t f[300];
	uint32_t x = 12345;
	int ok = 1;

	for (int it = 0; it < 200000; it++) {
		size_t n = 0, len;
		int a, b;

		x = x * 1103515245 + 12345;
		len = (x >> 16) % sizeof(f);
		for (n = 0; n < len; n++) {
			x = x * 1103515245 + 12345;
			f[n] = x >> 24;
		}
		if (len > 1 && (x & 1))
			f[0] = 0x10 + (f[0] % 0x2a);	/* mostly real ops */
		a = nptty_aspp_decode_reply(at_edge(f, len), len, &r);
		b = nptty_aspp_decode_request(at_edge(f, len), len, &rq);
		ok &= a <= (int)len && (a >= 0 || a == -EBADMSG);
		ok &= b <= (int)len && (b >= 0 || b == -EBADMSG);
		if (b > 0)
			ok &= rq.len + 2 == b;
	}
	ktap_ok(ok, "200000 random frames: decoders stay in bounds");
}

int main(void)
{
	guard_init();
	ktap_plan(64);
	test_baud_table();
	test_mode();
	test_request_encoders();
	test_enospc();
	test_settings();
	test_decode_reply();
	test_decode_request();
	test_device_side();
	test_random();
	return ktap_finish();
}
