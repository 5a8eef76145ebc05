// SPDX-License-Identifier: GPL-2.0
/*
 * npctl's parsers.  Syntax only: ranges, lengths and the label charset are
 * the kernel's to check (its policy says why, npctl prints it), so a value
 * is refused here only when it is not a number, a duration, a size, or does
 * not fit the attribute.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/nptty.h>

#include "parse.h"

__attribute__((format(printf, 3, 4)))
static bool fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return false;
}

bool npctl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*v = (uint32_t)n;
	return true;
}

/* N followed by a unit from @units (name, factor); none: factor @def. */
static bool parse_scaled(const char *s, const char *const *names,
			 const uint64_t *factors, uint64_t def, uint32_t *v)
{
	unsigned long long n;
	uint64_t f = def;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end) {
		int i;

		for (i = 0; names[i]; i++)
			if (!strcmp(end, names[i]))
				break;
		if (!names[i])
			return false;
		f = factors[i];
	}
	if (!f || n > UINT32_MAX || n * f > UINT32_MAX)
		return false;
	*v = (uint32_t)(n * f);
	return true;
}

bool npctl_parse_duration(const char *s, uint32_t unit_ms, uint32_t *v)
{
	static const char *const names[] = { "ms", "s", "m", "h", NULL };
	const uint64_t ms[] = { 1, 1000, 60000, 3600000 };
	uint64_t factors[4];
	uint32_t n;

	if (!strcmp(s, "off")) {
		*v = 0;
		return true;
	}
	/* In units of @unit_ms: a unit below it must come out whole. */
	for (int i = 0; i < 4; i++)
		factors[i] = (ms[i] % unit_ms) ? 0 : ms[i] / unit_ms;
	if (!parse_scaled(s, names, factors, 1, &n)) {
		/* "1500ms" for a value in seconds: only if whole. */
		if (unit_ms > 1 && parse_scaled(s, names, ms, unit_ms, &n) &&
		    n % unit_ms == 0) {
			*v = n / unit_ms;
			return true;
		}
		return false;
	}
	*v = n;
	return true;
}

bool npctl_parse_size(const char *s, uint32_t *v)
{
	static const char *const names[] = {
		"k", "K", "KiB", "m", "M", "MiB", NULL
	};
	static const uint64_t factors[] = {
		1024, 1024, 1024, 1 << 20, 1 << 20, 1 << 20
	};

	return parse_scaled(s, names, factors, 1, v);
}

uint16_t npctl_default_cmd_port(uint16_t data_port)
{
	if (data_port >= 4001 && data_port <= 4032)
		return 966 + (data_port - 4001);
	return 0;
}

/* --- addresses --- */

static int resolve(const char *host, struct npctl_remote *r,
		   char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	char buf[256];
	char *pct;
	int ret;

	snprintf(buf, sizeof(buf), "%s", host);
	pct = strchr(buf, '%');
	if (pct) {
		*pct++ = '\0';
		r->scope = if_nametoindex(pct);
		if (!r->scope && !npctl_parse_u32(pct, 1, UINT32_MAX, &r->scope)) {
			fail(err, errlen, "no interface '%s'", pct);
			return NPCTL_REMOTE_SYNTAX;
		}
	}
	if (inet_pton(AF_INET6, buf, &r->addr6) == 1) {
		r->family = AF_INET6;
		return NPCTL_REMOTE_OK;
	}
	if (pct) {
		fail(err, errlen, "%%INTERFACE needs an IPv6 address");
		return NPCTL_REMOTE_SYNTAX;
	}
	if (inet_pton(AF_INET, buf, &r->addr4) == 1) {
		r->family = AF_INET;
		return NPCTL_REMOTE_OK;
	}
	/* Something like 1.2.3.400 is a bad address, not a host name. */
	if (strspn(buf, "0123456789.") == strlen(buf)) {
		fail(err, errlen, "'%s' is not an IPv4 address", buf);
		return NPCTL_REMOTE_SYNTAX;
	}
	ret = getaddrinfo(buf, NULL, &hints, &res);
	if (ret) {
		fail(err, errlen, "cannot resolve '%s': %s", buf,
		     gai_strerror(ret));
		return NPCTL_REMOTE_RESOLVE;
	}
	r->family = res->ai_family;
	if (res->ai_family == AF_INET) {
		r->addr4 = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	} else {
		r->addr6 = ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
		r->scope = ((struct sockaddr_in6 *)res->ai_addr)->sin6_scope_id;
	}
	freeaddrinfo(res);
	return NPCTL_REMOTE_OK;
}

int npctl_parse_remote(const char *s, struct npctl_remote *r,
		       char *err, size_t errlen)
{
	const char *port = NULL;
	uint32_t p = NPCTL_DATA_PORT_DEFAULT;
	bool bracketed = *s == '[';
	char host[256];
	size_t n;

	memset(r, 0, sizeof(*r));
	if (!*s) {
		fail(err, errlen, "empty address");
		return NPCTL_REMOTE_SYNTAX;
	}
	if (bracketed) {
		const char *close = strchr(s, ']');

		if (!close) {
			fail(err, errlen, "missing ']' after the IPv6 address");
			return NPCTL_REMOTE_SYNTAX;
		}
		n = close - s - 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1]) {
			fail(err, errlen, "expected ':PORT' after ']'");
			return NPCTL_REMOTE_SYNTAX;
		}
		s++;
	} else {
		const char *colon = strchr(s, ':');

		if (colon && strchr(colon + 1, ':')) {
			n = strlen(s);	/* a bare IPv6 address */
		} else {
			n = colon ? (size_t)(colon - s) : strlen(s);
			port = colon ? colon + 1 : NULL;
		}
	}
	if (!n || n >= sizeof(host)) {
		fail(err, errlen, "missing or too long host");
		return NPCTL_REMOTE_SYNTAX;
	}
	memcpy(host, s, n);
	host[n] = '\0';
	if (bracketed && !strchr(host, ':')) {
		fail(err, errlen, "'%s' in [] is not an IPv6 address", host);
		return NPCTL_REMOTE_SYNTAX;
	}
	if (port && !npctl_parse_u32(port, 1, 65535, &p)) {
		fail(err, errlen, "the port must be 1..65535, not '%s'", port);
		return NPCTL_REMOTE_SYNTAX;
	}
	r->port = (uint16_t)p;
	return resolve(host, r, err, errlen);
}

bool npctl_remote_eq(const struct npctl_remote *a,
		     const struct npctl_remote *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family == AF_INET)
		return a->addr4.s_addr == b->addr4.s_addr;
	return !memcmp(&a->addr6, &b->addr6, sizeof(a->addr6)) &&
	       a->scope == b->scope;
}

void npctl_format_remote(const struct npctl_remote *r, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?", ifname[IF_NAMESIZE];

	if (r->family == AF_INET) {
		inet_ntop(AF_INET, &r->addr4, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, r->port);
		return;
	}
	inet_ntop(AF_INET6, &r->addr6, ip, sizeof(ip));
	if (!r->scope)
		snprintf(buf, len, "[%s]:%u", ip, r->port);
	else if (if_indextoname(r->scope, ifname))
		snprintf(buf, len, "[%s%%%s]:%u", ip, ifname, r->port);
	else
		snprintf(buf, len, "[%s%%%u]:%u", ip, r->scope, r->port);
}

/* --- port options --- */

const char npctl_option_words[] =
	"cmd-port no-cmd index label no-label connect-timeout keepalive "
	"user-timeout loss tx-ring cmd-timeout";

static const struct {
	const char *name;
	unsigned int bit;
} option_names[] = {
	{ "index", NPCTL_S_INDEX },
	{ "cmd-port", NPCTL_S_CMD_PORT },
	{ "label", NPCTL_S_LABEL },
	{ "connect-timeout", NPCTL_S_CONNECT_TIMEOUT },
	{ "keepalive", NPCTL_S_KEEPALIVE },
	{ "user-timeout", NPCTL_S_USER_TIMEOUT },
	{ "loss", NPCTL_S_LOSS },
	{ "tx-ring", NPCTL_S_TX_RING },
	{ "cmd-timeout", NPCTL_S_CMD_TIMEOUT },
};

const char *npctl_option_name(unsigned int bit)
{
	for (size_t i = 0; i < sizeof(option_names) / sizeof(option_names[0]); i++)
		if (option_names[i].bit == bit)
			return option_names[i].name;
	return "?";
}

static unsigned int option_bit(const char *word)
{
	if (!strcmp(word, "no-cmd"))
		return NPCTL_S_CMD_PORT;
	if (!strcmp(word, "no-label"))
		return NPCTL_S_LABEL;
	for (size_t i = 0; i < sizeof(option_names) / sizeof(option_names[0]); i++)
		if (!strcmp(option_names[i].name, word))
			return option_names[i].bit;
	return 0;
}

/* One option with its value @v into @s. */
static bool parse_value(struct npctl_spec *s, unsigned int bit, const char *o,
			const char *v, char *err, size_t errlen)
{
	uint32_t n;

	switch (bit) {
	case NPCTL_S_INDEX:
		if (!npctl_parse_u32(v, 0, UINT32_MAX, &s->index))
			return fail(err, errlen, "index: '%s' is not a number", v);
		return true;
	case NPCTL_S_CMD_PORT:
		if (!strcmp(v, "none")) {
			s->cmd_port = 0;
			return true;
		}
		if (!npctl_parse_u32(v, 1, 65535, &n))
			return fail(err, errlen,
				    "cmd-port: the port must be 1..65535 or none, not '%s'",
				    v);
		s->cmd_port = (uint16_t)n;
		return true;
	case NPCTL_S_LABEL:
		if (strlen(v) >= sizeof(s->label))
			return fail(err, errlen, "label: too long");
		strcpy(s->label, v);
		return true;
	case NPCTL_S_LOSS:
		if (!strcmp(v, "reconnect"))
			s->loss = NPTTY_LOSS_RECONNECT;
		else if (!strcmp(v, "hangup"))
			s->loss = NPTTY_LOSS_HANGUP;
		else
			return fail(err, errlen,
				    "loss: 'reconnect' or 'hangup', not '%s'", v);
		return true;
	case NPCTL_S_TX_RING:
		if (!npctl_parse_size(v, &s->tx_ring))
			return fail(err, errlen,
				    "tx-ring: '%s' is not a size (like 4096, 64k, 1M)",
				    v);
		return true;
	case NPCTL_S_KEEPALIVE:
		if (!npctl_parse_duration(v, 1000, &s->keepalive_s))
			return fail(err, errlen,
				    "keepalive: '%s' is not whole seconds (like 5, 5s, 1m, off)",
				    v);
		return true;
	}
	/* The other three are milliseconds. */
	if (!npctl_parse_duration(v, 1, &n))
		return fail(err, errlen,
			    "%s: '%s' is not a duration (like 5000, 500ms, 5s, 1m)",
			    o, v);
	if (bit == NPCTL_S_CONNECT_TIMEOUT)
		s->connect_timeout_ms = n;
	else if (bit == NPCTL_S_USER_TIMEOUT)
		s->user_timeout_ms = n;
	else
		s->cmd_timeout_ms = n;
	return true;
}

bool npctl_parse_options(int argc, char *const *argv, unsigned int allowed,
			 struct npctl_spec *s, char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		unsigned int bit = option_bit(o);

		if (!bit)
			return fail(err, errlen, "unknown option '%s'", o);
		if (!(bit & allowed))
			return fail(err, errlen, "'%s' cannot be used here", o);
		if (s->given & bit)
			return fail(err, errlen, "'%s' given twice", o);
		s->given |= bit;
		if (!strcmp(o, "no-cmd")) {
			s->cmd_port = 0;
			continue;
		}
		if (!strcmp(o, "no-label")) {
			s->label[0] = '\0';
			continue;
		}
		if (i + 1 >= argc)
			return fail(err, errlen, "'%s' needs a value", o);
		if (!parse_value(s, bit, o, argv[++i], err, errlen))
			return false;
	}
	return true;
}

void npctl_spec_defaults(struct npctl_spec *s, uint16_t data_port)
{
	memset(s, 0, sizeof(*s));
	s->cmd_port = npctl_default_cmd_port(data_port);
	s->connect_timeout_ms = NPTTY_DEFAULT_CONNECT_TIMEOUT_MS;
	s->keepalive_s = NPTTY_DEFAULT_KEEPALIVE_S;
	s->user_timeout_ms = NPTTY_DEFAULT_USER_TIMEOUT_MS;
	s->loss = NPTTY_DEFAULT_LOSS_POLICY;
	s->tx_ring = NPTTY_DEFAULT_TX_RING;
	s->cmd_timeout_ms = NPTTY_DEFAULT_CMD_TIMEOUT_MS;
}

/* The kernel rounds the ring up to a power of two. */
static uint32_t ring_size(uint32_t n)
{
	uint32_t p = 1;

	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

unsigned int npctl_spec_diff(const struct npctl_spec *want,
			     const struct npctl_spec *have)
{
	unsigned int d = 0;

	if (want->index != have->index)
		d |= NPCTL_S_INDEX;
	if (want->cmd_port != have->cmd_port)
		d |= NPCTL_S_CMD_PORT;
	if (strcmp(want->label, have->label))
		d |= NPCTL_S_LABEL;
	if (want->connect_timeout_ms != have->connect_timeout_ms)
		d |= NPCTL_S_CONNECT_TIMEOUT;
	if (want->keepalive_s != have->keepalive_s)
		d |= NPCTL_S_KEEPALIVE;
	if (want->user_timeout_ms != have->user_timeout_ms)
		d |= NPCTL_S_USER_TIMEOUT;
	if (want->loss != have->loss)
		d |= NPCTL_S_LOSS;
	if (ring_size(want->tx_ring) != ring_size(have->tx_ring))
		d |= NPCTL_S_TX_RING;
	if (want->cmd_timeout_ms != have->cmd_timeout_ms)
		d |= NPCTL_S_CMD_TIMEOUT;
	return d & want->given;
}

int npctl_split_line(char *line, char **words, int max)
{
	int n = 0;

	for (char *p = line; *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (n == max)
			return -1;
		words[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}
