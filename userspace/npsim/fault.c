// SPDX-License-Identifier: GPL-2.0
/*
 * npsim fault injection, for tests of the host side.  Each --fault SPEC is
 *	KIND[=ARG][@PORT][#COUNT]
 * PORT limits it to one serial port (1-based), COUNT to its first COUNT
 * uses.  See fault_help() for the kinds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "npsim.h"

#define MAX_FAULTS 32

struct fault {
	enum fault_kind kind;
	int port;		/* 0 = every port */
	int which;		/* FAULT_KIND_DATA / _CMD mask */
	long arg;
	int op;			/* FAULT_OP_ANY or an opcode */
	long count;		/* uses left, -1 = unlimited */
};

static struct fault faults[MAX_FAULTS];
static int nfaults;

static const struct {
	const char *name;
	enum fault_kind kind;
} kinds[] = {
	{ "refuse", FAULT_REFUSE },
	{ "hangup", FAULT_HANGUP },
	{ "close-after", FAULT_CLOSE_AFTER },
	{ "delay", FAULT_DELAY },
	{ "garbage", FAULT_GARBAGE },
	{ "truncate", FAULT_TRUNCATE },
	{ "no-reply", FAULT_NO_REPLY },
	{ "reject-baud", FAULT_REJECT_BAUD },
};

void fault_help(void)
{
	printf(
"Faults (--fault KIND[=ARG][@PORT][#COUNT], repeatable):\n"
"  refuse=data|cmd|all       do not listen: connections are refused\n"
"  hangup=data|cmd|all       accept, then close at once\n"
"  close-after=N[:data|cmd]  close a connection after N bytes received\n"
"                            (default data)\n"
"  delay=MS[:OP]             hold replies (to OP, or all) back MS ms\n"
"  garbage[=OP]              reply with garbage (first byte 0xee)\n"
"  truncate[=OP]             send only the first half of the reply\n"
"  no-reply[=OP]             never reply\n"
"  reject-baud               answer PORT_INIT with FF FF FF\n"
"  OP is an opcode name (port_init, wait_oqueue...) or number (0x2c).\n");
}

static int parse_op(const char *s)
{
	char *end;
	long v;

	if (!*s || !strcasecmp(s, "any"))
		return FAULT_OP_ANY;
	v = strtol(s, &end, 0);
	if (!*end && v >= 0 && v <= 255)
		return v;
	for (int op = 0; op < 256; op++) {
		const char *n = nptty_aspp_op_name(op);

		if (n && !strcasecmp(n, s))
			return op;
	}
	return -2;
}

static int parse_which(const char *s)
{
	if (!*s || !strcmp(s, "all"))
		return FAULT_KIND_DATA | FAULT_KIND_CMD;
	if (!strcmp(s, "data"))
		return FAULT_KIND_DATA;
	if (!strcmp(s, "cmd"))
		return FAULT_KIND_CMD;
	return -1;
}

int fault_parse(const char *spec)
{
	char buf[128], *arg, *at, *hash;
	struct fault f = { .op = FAULT_OP_ANY, .count = -1,
			   .which = FAULT_KIND_DATA | FAULT_KIND_CMD };
	unsigned int i;

	if (nfaults == MAX_FAULTS || strlen(spec) >= sizeof(buf))
		return -1;
	strcpy(buf, spec);
	hash = strchr(buf, '#');
	if (hash) {
		*hash++ = 0;
		f.count = strtol(hash, NULL, 10);
		if (f.count <= 0)
			return -1;
	}
	at = strchr(buf, '@');
	if (at) {
		*at++ = 0;
		f.port = atoi(at);
		if (f.port < 1 || f.port > NPSIM_MAX_PORTS)
			return -1;
	}
	arg = strchr(buf, '=');
	if (arg)
		*arg++ = 0;
	else
		arg = "";
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(buf, kinds[i].name))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return -1;
	f.kind = kinds[i].kind;

	switch (f.kind) {
	case FAULT_REFUSE:
	case FAULT_HANGUP:
		f.which = parse_which(arg);
		if (f.which < 0)
			return -1;
		break;
	case FAULT_CLOSE_AFTER: {
		char *colon = strchr(arg, ':');

		f.which = FAULT_KIND_DATA;
		if (colon) {
			*colon++ = 0;
			f.which = parse_which(colon);
			if (f.which < 0)
				return -1;
		}
		if (!isdigit((unsigned char)*arg))
			return -1;
		f.arg = strtol(arg, NULL, 10);
		break;
	}
	case FAULT_DELAY: {
		char *colon = strchr(arg, ':');

		if (colon)
			*colon++ = 0;
		if (!isdigit((unsigned char)*arg))
			return -1;
		f.arg = strtol(arg, NULL, 10);
		f.op = parse_op(colon ? colon : "");
		break;
	}
	case FAULT_GARBAGE:
	case FAULT_TRUNCATE:
	case FAULT_NO_REPLY:
		f.op = parse_op(arg);
		break;
	case FAULT_REJECT_BAUD:
		if (*arg)
			return -1;
		break;
	}
	if (f.op == -2)
		return -1;
	faults[nfaults++] = f;
	return 0;
}

static int kind_bit(enum conn_kind k)
{
	return k == CONN_DATA ? FAULT_KIND_DATA : FAULT_KIND_CMD;
}

/* Find a fault of this kind for port/conn kind/op; use it up if found. */
static struct fault *match(enum fault_kind kind, int port, int which, int op,
			   bool use)
{
	for (int i = 0; i < nfaults; i++) {
		struct fault *f = &faults[i];

		if (f->kind != kind || (f->port && f->port != port) ||
		    !(f->which & which) || !f->count)
			continue;
		if (op != FAULT_OP_ANY && f->op != FAULT_OP_ANY && f->op != op)
			continue;
		if (use && f->count > 0)
			f->count--;
		return f;
	}
	return NULL;
}

bool fault_listener_refused(int port, enum conn_kind k)
{
	return match(FAULT_REFUSE, port, kind_bit(k), FAULT_OP_ANY, false);
}

bool fault_hangup(int port, enum conn_kind k)
{
	return match(FAULT_HANGUP, port, kind_bit(k), FAULT_OP_ANY, true);
}

long fault_close_after(int port, enum conn_kind k)
{
	struct fault *f = match(FAULT_CLOSE_AFTER, port, kind_bit(k),
				FAULT_OP_ANY, false);

	return f ? f->arg : -1;
}

bool fault_reply(int port, uint8_t op, enum fault_kind *kind, long *arg)
{
	static const enum fault_kind reply_kinds[] = {
		FAULT_NO_REPLY, FAULT_GARBAGE, FAULT_TRUNCATE, FAULT_DELAY,
	};

	for (unsigned int i = 0; i < 4; i++) {
		struct fault *f = match(reply_kinds[i], port, FAULT_KIND_CMD,
					op, true);

		if (f) {
			*kind = f->kind;
			*arg = f->arg;
			return true;
		}
	}
	return false;
}

bool fault_reject_baud(int port)
{
	return match(FAULT_REJECT_BAUD, port, FAULT_KIND_CMD, FAULT_OP_ANY,
		     true);
}
