// SPDX-License-Identifier: GPL-2.0
/*
 * npctl output.
 *
 * Text: one row per port in aligned columns (TTY REMOTE CMD LABEL STATE OPEN
 * LINE MODEM, and the counters with -s); -d prints every setting instead.
 *
 * JSON (-j): an array of objects; the keys are stable (documented in
 * npctl(8)) and always present:
 *   index, tty, remote, family ("inet"|"inet6"), address, scope (null or
 *   the IPv6 scope id), data_port, cmd_port (null: none), label (null:
 *   none), state, open, last_error (errno, 0), error (its text, null),
 *   baud, cflag, iflag, line ("9600 8N1"), flow (list of rtscts, ixon,
 *   ixoff), modem (list of DTR RTS CTS DSR DCD RI), connect_timeout_ms,
 *   keepalive_s, user_timeout_ms, loss ("reconnect"|"hangup"), tx_ring,
 *   cmd_timeout_ms, stats {tx_bytes, rx_bytes, connects, disconnects,
 *   tx_lost, rx_dropped, cmd_errors}.
 * monitor -j prints one such object per line with "event", "time" (UTC,
 * ISO 8601) and "reason" (link-down: the errno text or "closed"; else null).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <linux/nptty.h>

#include "npctl.h"
#include "print.h"

static const char *const state_names[] = {
	[NPTTY_LINK_IDLE] = "idle",
	[NPTTY_LINK_CONNECTING] = "connecting",
	[NPTTY_LINK_UP] = "up",
	[NPTTY_LINK_BACKOFF] = "backoff",
	[NPTTY_LINK_FAILED] = "failed",
};

static const char *const event_names[] = {
	[NPTTY_NTF_ADDED] = "added",
	[NPTTY_NTF_REMOVED] = "removed",
	[NPTTY_NTF_CHANGED] = "changed",
	[NPTTY_NTF_LINK_UP] = "link-up",
	[NPTTY_NTF_LINK_DOWN] = "link-down",
};

#define NAME(tbl, v) \
	((v) < sizeof(tbl) / sizeof(tbl[0]) && tbl[v] ? tbl[v] : "unknown")

static const struct {
	int attr;
	const char *key;	/* JSON */
	const char *head;	/* table column */
} stat_keys[] = {
	{ NPTTY_A_STATS_TX_BYTES, "tx_bytes", "TX" },
	{ NPTTY_A_STATS_RX_BYTES, "rx_bytes", "RX" },
	{ NPTTY_A_STATS_CONNECTS, "connects", "CONNECTS" },
	{ NPTTY_A_STATS_DISCONNECTS, "disconnects", "DISCONNECTS" },
	{ NPTTY_A_STATS_TX_LOST, "tx_lost", "TX-LOST" },
	{ NPTTY_A_STATS_RX_DROPPED, "rx_dropped", "RX-DROPPED" },
	{ NPTTY_A_STATS_CMD_ERRORS, "cmd_errors", "CMD-ERRORS" },
};

#define N_STATS (sizeof(stat_keys) / sizeof(stat_keys[0]))

static const struct {
	unsigned int bit;
	const char *name;
} modem_bits[] = {
	{ TIOCM_DTR, "DTR" }, { TIOCM_RTS, "RTS" }, { TIOCM_CTS, "CTS" },
	{ TIOCM_DSR, "DSR" }, { TIOCM_CAR, "DCD" }, { TIOCM_RNG, "RI" },
};

/* "9600 8N1" from the port's termios summary. */
static void line_summary(const struct npctl_port *p, char *buf, size_t len)
{
	static const char bits[] = { '5', '6', '7', '8' };
	char parity = 'N';

	if (p->cflag & PARENB) {
		if (p->cflag & CMSPAR)
			parity = p->cflag & PARODD ? 'M' : 'S';
		else
			parity = p->cflag & PARODD ? 'O' : 'E';
	}
	snprintf(buf, len, "%u %c%c%c", p->baud,
		 bits[(p->cflag & CSIZE) >> 4 & 3], parity,
		 p->cflag & CSTOPB ? '2' : '1');
}

/* Flow control words (rtscts, ixon, ixoff), joined by @sep. */
static void flow_list(const struct npctl_port *p, const char *fmt,
		      const char *sep, char *buf, size_t len)
{
	const struct { bool on; const char *name; } words[] = {
		{ p->cflag & CRTSCTS, "rtscts" },
		{ p->iflag & IXON, "ixon" },
		{ p->iflag & IXOFF, "ixoff" },
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!words[i].on || off >= len)
			continue;
		if (off)
			off += snprintf(buf + off, len - off, "%s", sep);
		if (off < len)
			off += snprintf(buf + off, len - off, fmt, words[i].name);
	}
}

static void modem_list(uint32_t m, const char *fmt, const char *sep,
		       char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(modem_bits) / sizeof(modem_bits[0]); i++) {
		if (!(m & modem_bits[i].bit))
			continue;
		if (off)
			off += snprintf(buf + off, len - off, "%s", sep);
		if (off < len)
			off += snprintf(buf + off, len - off, fmt,
					modem_bits[i].name);
		if (off >= len)
			break;
	}
}

static const char *error_text(uint32_t err)
{
	return err ? strerror((int)err) : NULL;
}

/* --- JSON --- */

static void json_string(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void json_key_string(const char *key, const char *v)
{
	printf(",\"%s\":", key);
	json_string(v);
}

static void now_iso(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03ldZ",
		 (long)(tv.tv_usec / 1000));
}

static const char *down_reason(const struct npctl_port *p)
{
	return p->last_error ? strerror((int)p->last_error) : "closed";
}

void npctl_print_json_port(const struct npctl_port *p, const char *event)
{
	char remote[80], ip[INET6_ADDRSTRLEN] = "", buf[128];

	npctl_format_remote(&p->remote, remote, sizeof(remote));
	if (p->remote.family == AF_INET)
		inet_ntop(AF_INET, &p->remote.addr4, ip, sizeof(ip));
	else
		inet_ntop(AF_INET6, &p->remote.addr6, ip, sizeof(ip));

	printf("{");
	if (event) {
		now_iso(buf, sizeof(buf));
		printf("\"event\":\"%s\",\"time\":\"%s\",\"reason\":", event, buf);
		json_string(p->reason == NPTTY_NTF_LINK_DOWN ? down_reason(p) : NULL);
		printf(",");
	}
	printf("\"index\":%u", p->index);
	json_key_string("tty", p->tty);
	json_key_string("remote", remote);
	json_key_string("family", p->remote.family == AF_INET ? "inet" : "inet6");
	json_key_string("address", ip);
	if (p->remote.scope)
		printf(",\"scope\":%u", p->remote.scope);
	else
		printf(",\"scope\":null");
	printf(",\"data_port\":%u", p->remote.port);
	if (p->cmd_port)
		printf(",\"cmd_port\":%u", p->cmd_port);
	else
		printf(",\"cmd_port\":null");
	json_key_string("label", p->label[0] ? p->label : NULL);
	json_key_string("state", NAME(state_names, p->state));
	printf(",\"open\":%u,\"last_error\":%u", p->open, p->last_error);
	json_key_string("error", error_text(p->last_error));
	printf(",\"baud\":%u,\"cflag\":%u,\"iflag\":%u", p->baud, p->cflag,
	       p->iflag);
	line_summary(p, buf, sizeof(buf));
	json_key_string("line", buf);
	flow_list(p, "\"%s\"", ",", buf, sizeof(buf));
	printf(",\"flow\":[%s]", buf);
	modem_list(p->modem, "\"%s\"", ",", buf, sizeof(buf));
	printf(",\"modem\":[%s]", buf);
	printf(",\"connect_timeout_ms\":%u,\"keepalive_s\":%u,"
	       "\"user_timeout_ms\":%u", p->connect_timeout_ms, p->keepalive_s,
	       p->user_timeout_ms);
	json_key_string("loss", p->loss == NPTTY_LOSS_HANGUP ? "hangup" : "reconnect");
	printf(",\"tx_ring\":%u,\"cmd_timeout_ms\":%u,\"stats\":{", p->tx_ring,
	       p->cmd_timeout_ms);
	for (size_t i = 0; i < N_STATS; i++)
		printf("%s\"%s\":%llu", i ? "," : "", stat_keys[i].key,
		       (unsigned long long)p->stats[stat_keys[i].attr]);
	printf("}}");
}

/* --- text --- */

#define MAX_COLS 16

struct table {
	int ncols;
	const char *head[MAX_COLS];
	bool right[MAX_COLS];
	size_t width[MAX_COLS];
};

static void table_col(struct table *t, const char *head, bool right)
{
	t->head[t->ncols] = head;
	t->right[t->ncols] = right;
	t->width[t->ncols] = strlen(head);
	t->ncols++;
}

/* The cells of one row; all columns of @t. */
static void row_cells(const struct npctl_port *p, char cells[][64], int ncols)
{
	int c = 0;

	snprintf(cells[c++], 64, "%s", p->tty);
	npctl_format_remote(&p->remote, cells[c++], 64);
	if (p->cmd_port)
		snprintf(cells[c++], 64, "%u", p->cmd_port);
	else
		snprintf(cells[c++], 64, "-");
	snprintf(cells[c++], 64, "%s", p->label[0] ? p->label : "-");
	snprintf(cells[c++], 64, "%s", NAME(state_names, p->state));
	snprintf(cells[c++], 64, "%u", p->open);
	line_summary(p, cells[c++], 64);
	modem_list(p->modem, "%s", "|", cells[c], 64);
	if (!cells[c][0])
		snprintf(cells[c], 64, "-");
	c++;
	for (size_t i = 0; i < N_STATS && c < ncols; i++)
		snprintf(cells[c++], 64, "%llu",
			 (unsigned long long)p->stats[stat_keys[i].attr]);
}

static void table_print_row(const struct table *t, char cells[][64])
{
	for (int c = 0; c < t->ncols; c++) {
		bool last = c == t->ncols - 1;
		int w = (int)t->width[c];

		if (t->right[c])
			printf("%*s", w, cells[c]);
		else if (last)
			printf("%s", cells[c]);
		else
			printf("%-*s", w, cells[c]);
		printf(last ? "\n" : "  ");
	}
}

static void print_table(const struct npctl_port *v, size_t n)
{
	char cells[MAX_COLS][64];
	struct table t = { 0 };

	table_col(&t, "TTY", false);
	table_col(&t, "REMOTE", false);
	table_col(&t, "CMD", false);
	table_col(&t, "LABEL", false);
	table_col(&t, "STATE", false);
	table_col(&t, "OPEN", true);
	table_col(&t, "LINE", false);
	table_col(&t, "MODEM", false);
	if (npctl_flags & F_STATS)
		for (size_t i = 0; i < N_STATS; i++)
			table_col(&t, stat_keys[i].head, true);

	for (size_t i = 0; i < n; i++) {
		row_cells(&v[i], cells, t.ncols);
		for (int c = 0; c < t.ncols; c++)
			if (strlen(cells[c]) > t.width[c])
				t.width[c] = strlen(cells[c]);
	}
	for (int c = 0; c < t.ncols; c++)
		snprintf(cells[c], 64, "%s", t.head[c]);
	table_print_row(&t, cells);
	for (size_t i = 0; i < n; i++) {
		row_cells(&v[i], cells, t.ncols);
		table_print_row(&t, cells);
	}
}

static void print_details(const struct npctl_port *p)
{
	char remote[80], buf[128];
	struct npctl_spec s;

	npctl_format_remote(&p->remote, remote, sizeof(remote));
	printf("%s  %s", p->tty, remote);
	if (p->label[0])
		printf("  label %s", p->label);
	printf("\n    state %s  open %u  last-error %s\n",
	       NAME(state_names, p->state), p->open,
	       p->last_error ? strerror((int)p->last_error) : "-");
	line_summary(p, buf, sizeof(buf));
	printf("    line %s", buf);
	flow_list(p, "%s", ",", buf, sizeof(buf));
	printf("  flow %s", buf[0] ? buf : "none");
	modem_list(p->modem, "%s", "|", buf, sizeof(buf));
	printf("  modem %s\n", buf[0] ? buf : "-");
	npctl_spec_from_port(p, &s);
	npctl_format_spec(&s, NPCTL_S_CMD_PORT | NPCTL_S_CONNECT_TIMEOUT |
			  NPCTL_S_KEEPALIVE | NPCTL_S_USER_TIMEOUT,
			  buf, sizeof(buf));
	printf("    %s\n", buf);
	npctl_format_spec(&s, NPCTL_S_LOSS | NPCTL_S_TX_RING |
			  NPCTL_S_CMD_TIMEOUT, buf, sizeof(buf));
	printf("    %s\n", buf);
	if (npctl_flags & F_STATS) {
		printf("   ");
		for (size_t i = 0; i < N_STATS; i++)
			printf(" %s %llu", stat_keys[i].key,
			       (unsigned long long)p->stats[stat_keys[i].attr]);
		printf("\n");
	}
}

void npctl_print_ports(const struct npctl_port *v, size_t n)
{
	if (npctl_flags & F_JSON) {
		printf("[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				printf(",");
			npctl_print_json_port(&v[i], NULL);
		}
		printf("]\n");
		return;
	}
	if (npctl_flags & F_DETAILS) {
		for (size_t i = 0; i < n; i++) {
			if (i)
				printf("\n");
			print_details(&v[i]);
		}
		return;
	}
	if (n)
		print_table(v, n);
}

void npctl_print_event(const struct npctl_port *p)
{
	const char *event = NAME(event_names, p->reason);
	char remote[80], buf[64];

	if (npctl_flags & F_JSON) {
		npctl_print_json_port(p, event);
		printf("\n");
		fflush(stdout);
		return;
	}
	if (npctl_flags & F_TIMESTAMP) {
		now_iso(buf, sizeof(buf));
		printf("%s ", buf);
	}
	npctl_format_remote(&p->remote, remote, sizeof(remote));
	printf("%s %s %s", event, p->tty, remote);
	if (p->label[0])
		printf(" label %s", p->label);
	printf(" state %s", NAME(state_names, p->state));
	if (p->reason == NPTTY_NTF_LINK_DOWN)
		printf(" reason %s", down_reason(p));
	printf("\n");
	fflush(stdout);
}

/* --- settings as words: config lines, details, apply's messages --- */

__attribute__((format(printf, 4, 5)))
static void add_word(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;

	if (*off && *off + 1 < len)
		buf[(*off)++] = ' ';
	if (*off >= len)
		return;
	va_start(ap, fmt);
	*off += vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (*off > len)
		*off = len;
}

/* Milliseconds as the largest unit that says them exactly: 2s, 1500ms. */
static const char *ms_text(uint64_t ms, bool off, char *buf, size_t len)
{
	unsigned long long v = ms;

	if (!v && off)
		snprintf(buf, len, "off");
	else if (v && v % 3600000 == 0)
		snprintf(buf, len, "%lluh", v / 3600000);
	else if (v && v % 60000 == 0)
		snprintf(buf, len, "%llum", v / 60000);
	else if (v && v % 1000 == 0)
		snprintf(buf, len, "%llus", v / 1000);
	else
		snprintf(buf, len, "%llums", v);
	return buf;
}

static const char *size_text(uint32_t n, char *buf, size_t len)
{
	if (n && n % (1 << 20) == 0)
		snprintf(buf, len, "%uM", n >> 20);
	else if (n && n % 1024 == 0)
		snprintf(buf, len, "%uk", n >> 10);
	else
		snprintf(buf, len, "%u", n);
	return buf;
}

void npctl_format_spec(const struct npctl_spec *s, unsigned int bits,
		       char *buf, size_t len)
{
	size_t off = 0;
	char v[32];

	buf[0] = '\0';
	bits &= s->given;
	if (bits & NPCTL_S_INDEX)
		add_word(buf, len, &off, "index %u", s->index);
	if ((bits & NPCTL_S_CMD_PORT) && s->cmd_port)
		add_word(buf, len, &off, "cmd-port %u", s->cmd_port);
	else if (bits & NPCTL_S_CMD_PORT)
		add_word(buf, len, &off, "no-cmd");
	if ((bits & NPCTL_S_LABEL) && s->label[0])
		add_word(buf, len, &off, "label %s", s->label);
	else if (bits & NPCTL_S_LABEL)
		add_word(buf, len, &off, "no-label");
	if (bits & NPCTL_S_CONNECT_TIMEOUT)
		add_word(buf, len, &off, "connect-timeout %s",
			 ms_text(s->connect_timeout_ms, false, v, sizeof(v)));
	if (bits & NPCTL_S_KEEPALIVE)
		add_word(buf, len, &off, "keepalive %s",
			 ms_text((uint64_t)s->keepalive_s * 1000, true, v,
				 sizeof(v)));
	if (bits & NPCTL_S_USER_TIMEOUT)
		add_word(buf, len, &off, "user-timeout %s",
			 ms_text(s->user_timeout_ms, true, v, sizeof(v)));
	if (bits & NPCTL_S_LOSS)
		add_word(buf, len, &off, "loss %s",
			 s->loss == NPTTY_LOSS_HANGUP ? "hangup" : "reconnect");
	if (bits & NPCTL_S_TX_RING)
		add_word(buf, len, &off, "tx-ring %s",
			 size_text(s->tx_ring, v, sizeof(v)));
	if (bits & NPCTL_S_CMD_TIMEOUT)
		add_word(buf, len, &off, "cmd-timeout %s",
			 ms_text(s->cmd_timeout_ms, false, v, sizeof(v)));
}

void npctl_format_conf(const struct npctl_port *p, char *buf, size_t len)
{
	struct npctl_spec s, def;
	unsigned int bits;
	size_t off;

	npctl_spec_from_port(p, &s);
	npctl_spec_defaults(&def, p->remote.port);
	/* The index, and the settings that are not the defaults. */
	bits = NPCTL_S_INDEX | npctl_spec_diff(&s, &def);
	npctl_format_remote(&p->remote, buf, len);
	off = strlen(buf);
	if (off + 1 < len) {
		buf[off++] = ' ';
		npctl_format_spec(&s, bits, buf + off, len - off);
	}
}
