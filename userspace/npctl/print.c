// SPDX-License-Identifier: GPL-2.0
/*
 * npctl output.  Text: one aligned row per port (and counters with -s).
 * JSON (-j): an array of objects with stable keys:
 *   index, tty, address, data_port, cmd_port (null: none), label,
 *   state, open, last_error, baud, cflag, iflag, modem (list),
 *   connect_timeout_ms, keepalive_s, user_timeout_ms, loss, tx_ring,
 *   cmd_timeout_ms, stats {tx_bytes, rx_bytes, connects, disconnects,
 *   tx_lost, rx_dropped, cmd_errors}; monitor adds "event".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nptty.h>

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

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n && names[v] ? names[v] : "unknown";
}

#define NAME(tbl, v) name_of(tbl, sizeof(tbl) / sizeof(tbl[0]), v)

static uint32_t u32_or(struct nlattr *a, uint32_t def)
{
	return a ? nla_get_u32(a) : def;
}

static void format_addr(struct nlattr **a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a[NPTTY_A_PORT_ADDR4])
		inet_ntop(AF_INET, nla_data(a[NPTTY_A_PORT_ADDR4]), ip, sizeof(ip));
	else if (a[NPTTY_A_PORT_ADDR6])
		inet_ntop(AF_INET6, nla_data(a[NPTTY_A_PORT_ADDR6]), ip, sizeof(ip));
	snprintf(buf, len, "%s", ip);
}

static void json_string(const char *s)
{
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

static const struct {
	int attr;
	const char *key;
} stat_keys[] = {
	{ NPTTY_A_STATS_TX_BYTES, "tx_bytes" },
	{ NPTTY_A_STATS_RX_BYTES, "rx_bytes" },
	{ NPTTY_A_STATS_CONNECTS, "connects" },
	{ NPTTY_A_STATS_DISCONNECTS, "disconnects" },
	{ NPTTY_A_STATS_TX_LOST, "tx_lost" },
	{ NPTTY_A_STATS_RX_DROPPED, "rx_dropped" },
	{ NPTTY_A_STATS_CMD_ERRORS, "cmd_errors" },
};

static void parse_stats(struct nlattr *nest, unsigned long long *v)
{
	struct nlattr *tb[NPTTY_A_STATS_MAX + 1];

	memset(v, 0, sizeof(*v) * (NPTTY_A_STATS_MAX + 1));
	if (!nest || nla_parse_nested(tb, NPTTY_A_STATS_MAX, nest, NULL))
		return;
	for (int i = 1; i <= NPTTY_A_STATS_MAX; i++)
		if (tb[i] && nla_len(tb[i]) == 8)
			v[i] = nla_get_u64(tb[i]);
}

static void modem_list(uint32_t m, char *buf, size_t len, bool json)
{
	static const struct { uint32_t bit; const char *name; } bits[] = {
		{ TIOCM_DTR, "DTR" }, { TIOCM_RTS, "RTS" }, { TIOCM_CTS, "CTS" },
		{ TIOCM_DSR, "DSR" }, { TIOCM_CAR, "DCD" }, { TIOCM_RNG, "RI" },
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!(m & bits[i].bit))
			continue;
		off += snprintf(buf + off, len - off, json ? "%s\"%s\"" : "%s%s",
				off ? (json ? "," : "|") : "", bits[i].name);
		if (off >= len)
			break;
	}
	if (!json && !buf[0])
		snprintf(buf, len, "-");
}

void npctl_print_begin(struct npctl_opts *o)
{
	o->count = 0;
	if (o->json && !o->event)
		printf("[");
}

static void print_json(struct nlattr **a, struct npctl_opts *o)
{
	unsigned long long st[NPTTY_A_STATS_MAX + 1];
	uint32_t cmd = u32_or(NULL, 0);
	char addr[INET6_ADDRSTRLEN], modem[64];

	format_addr(a, addr, sizeof(addr));
	if (a[NPTTY_A_PORT_CMD_PORT])
		cmd = nla_get_u16(a[NPTTY_A_PORT_CMD_PORT]);
	modem_list(u32_or(a[NPTTY_A_PORT_MODEM], 0), modem, sizeof(modem), true);
	if (!o->event && o->count)
		printf(",");
	printf("{");
	if (o->event && a[NPTTY_A_PORT_NTF_REASON])
		printf("\"event\":\"%s\",",
		       NAME(event_names, nla_get_u8(a[NPTTY_A_PORT_NTF_REASON])));
	printf("\"index\":%u,\"tty\":", u32_or(a[NPTTY_A_PORT_INDEX], 0));
	json_string(a[NPTTY_A_PORT_TTY_NAME] ?
		    nla_get_string(a[NPTTY_A_PORT_TTY_NAME]) : "");
	printf(",\"address\":\"%s\",\"data_port\":%u,", addr,
	       a[NPTTY_A_PORT_DATA_PORT] ? nla_get_u16(a[NPTTY_A_PORT_DATA_PORT]) : 0);
	if (cmd)
		printf("\"cmd_port\":%u,", cmd);
	else
		printf("\"cmd_port\":null,");
	printf("\"label\":");
	json_string(a[NPTTY_A_PORT_LABEL] ? nla_get_string(a[NPTTY_A_PORT_LABEL]) : "");
	printf(",\"state\":\"%s\",\"open\":%u,\"last_error\":%u,"
	       "\"baud\":%u,\"cflag\":%u,\"iflag\":%u,\"modem\":[%s],"
	       "\"connect_timeout_ms\":%u,\"keepalive_s\":%u,"
	       "\"user_timeout_ms\":%u,\"loss\":\"%s\",\"tx_ring\":%u,"
	       "\"cmd_timeout_ms\":%u,\"stats\":{",
	       a[NPTTY_A_PORT_LINK_STATE] ?
	       NAME(state_names, nla_get_u8(a[NPTTY_A_PORT_LINK_STATE])) : "unknown",
	       u32_or(a[NPTTY_A_PORT_OPEN_COUNT], 0),
	       u32_or(a[NPTTY_A_PORT_LAST_ERROR], 0),
	       u32_or(a[NPTTY_A_PORT_BAUD], 0), u32_or(a[NPTTY_A_PORT_CFLAG], 0),
	       u32_or(a[NPTTY_A_PORT_IFLAG], 0), modem,
	       u32_or(a[NPTTY_A_PORT_CONNECT_TIMEOUT], 0),
	       u32_or(a[NPTTY_A_PORT_KEEPALIVE], 0),
	       u32_or(a[NPTTY_A_PORT_USER_TIMEOUT], 0),
	       a[NPTTY_A_PORT_LOSS_POLICY] &&
	       nla_get_u8(a[NPTTY_A_PORT_LOSS_POLICY]) == NPTTY_LOSS_HANGUP ?
	       "hangup" : "reconnect",
	       u32_or(a[NPTTY_A_PORT_TX_RING], 0),
	       u32_or(a[NPTTY_A_PORT_CMD_TIMEOUT], 0));
	parse_stats(a[NPTTY_A_PORT_STATS], st);
	for (size_t i = 0; i < sizeof(stat_keys) / sizeof(stat_keys[0]); i++)
		printf("%s\"%s\":%llu", i ? "," : "", stat_keys[i].key,
		       st[stat_keys[i].attr]);
	printf("}}");
	if (o->event)
		printf("\n");
}

static void print_text(struct nlattr **a, struct npctl_opts *o)
{
	unsigned long long st[NPTTY_A_STATS_MAX + 1];
	char addr[INET6_ADDRSTRLEN + 8], remote[INET6_ADDRSTRLEN + 16];
	char cmd[8] = "-", modem[64];
	uint16_t data = 0;

	format_addr(a, addr, sizeof(addr));
	if (a[NPTTY_A_PORT_DATA_PORT])
		data = nla_get_u16(a[NPTTY_A_PORT_DATA_PORT]);
	snprintf(remote, sizeof(remote), a[NPTTY_A_PORT_ADDR6] ? "[%s]:%u" : "%s:%u",
		 addr, data);
	if (a[NPTTY_A_PORT_CMD_PORT] && nla_get_u16(a[NPTTY_A_PORT_CMD_PORT]))
		snprintf(cmd, sizeof(cmd), "%u", nla_get_u16(a[NPTTY_A_PORT_CMD_PORT]));
	modem_list(u32_or(a[NPTTY_A_PORT_MODEM], 0), modem, sizeof(modem), false);

	if (o->event) {
		printf("%s %s %s cmd %s state %s",
		       a[NPTTY_A_PORT_NTF_REASON] ?
		       NAME(event_names, nla_get_u8(a[NPTTY_A_PORT_NTF_REASON])) : "?",
		       a[NPTTY_A_PORT_TTY_NAME] ? nla_get_string(a[NPTTY_A_PORT_TTY_NAME]) : "?",
		       remote, cmd,
		       a[NPTTY_A_PORT_LINK_STATE] ?
		       NAME(state_names, nla_get_u8(a[NPTTY_A_PORT_LINK_STATE])) : "?");
		if (u32_or(a[NPTTY_A_PORT_LAST_ERROR], 0))
			printf(" error %s", strerror(u32_or(a[NPTTY_A_PORT_LAST_ERROR], 0)));
		printf("\n");
		fflush(stdout);
		return;
	}
	if (!o->count)
		printf("%-10s %-28s %-5s %-12s %-10s %-4s %s\n", "TTY", "REMOTE",
		       "CMD", "LABEL", "STATE", "OPEN", "MODEM");
	printf("%-10s %-28s %-5s %-12s %-10s %-4u %s\n",
	       a[NPTTY_A_PORT_TTY_NAME] ? nla_get_string(a[NPTTY_A_PORT_TTY_NAME]) : "?",
	       remote, cmd,
	       a[NPTTY_A_PORT_LABEL] ? nla_get_string(a[NPTTY_A_PORT_LABEL]) : "-",
	       a[NPTTY_A_PORT_LINK_STATE] ?
	       NAME(state_names, nla_get_u8(a[NPTTY_A_PORT_LINK_STATE])) : "?",
	       u32_or(a[NPTTY_A_PORT_OPEN_COUNT], 0), modem);
	if (o->stats) {
		parse_stats(a[NPTTY_A_PORT_STATS], st);
		printf("    ");
		for (size_t i = 0; i < sizeof(stat_keys) / sizeof(stat_keys[0]); i++)
			printf(" %s %llu", stat_keys[i].key, st[stat_keys[i].attr]);
		printf("\n");
	}
}

int npctl_print_port(struct nlattr **attrs, void *opts)
{
	struct npctl_opts *o = opts;

	if (o->json)
		print_json(attrs, o);
	else
		print_text(attrs, o);
	o->count++;
	return 0;
}

void npctl_print_end(struct npctl_opts *o)
{
	if (o->json && !o->event)
		printf("]\n");
}
