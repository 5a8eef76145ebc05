// SPDX-License-Identifier: GPL-2.0
/* npctl's parsers: remote addresses, numbers, defaults. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"

bool npctl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	unsigned long long n;
	char *end;

	if (!s || !*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*v = (uint32_t)n;
	return true;
}

uint16_t npctl_default_cmd_port(uint16_t data_port)
{
	if (data_port >= 4001 && data_port <= 4032)
		return 966 + (data_port - 4001);
	return 0;
}

static const char *resolve(const char *host, struct npctl_remote *r)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	char buf[256];
	char *pct;

	snprintf(buf, sizeof(buf), "%s", host);
	pct = strchr(buf, '%');
	if (pct) {
		*pct++ = '\0';
		r->scope = if_nametoindex(pct);
		if (!r->scope && !npctl_parse_u32(pct, 1, UINT32_MAX, &r->scope))
			return "unknown interface after %";
	}
	if (inet_pton(AF_INET6, buf, &r->addr6) == 1) {
		r->family = AF_INET6;
		return NULL;
	}
	if (pct)
		return "a %scope needs an IPv6 address";
	if (inet_pton(AF_INET, buf, &r->addr4) == 1) {
		r->family = AF_INET;
		return NULL;
	}
	if (getaddrinfo(buf, NULL, &hints, &res))
		return "cannot resolve the host name";
	r->family = res->ai_family;
	if (res->ai_family == AF_INET)
		r->addr4 = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	else
		r->addr6 = ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
	freeaddrinfo(res);
	return NULL;
}

const char *npctl_parse_remote(const char *s, struct npctl_remote *r)
{
	char host[256];
	const char *port = NULL;
	uint32_t p = NPCTL_DATA_PORT_DEFAULT;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (!s || !*s)
		return "empty address";
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			return "missing ] after an IPv6 address";
		n = close - s - 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return "junk after ]";
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
	if (!n || n >= sizeof(host))
		return "bad host";
	memcpy(host, s, n);
	host[n] = '\0';
	if (port && !npctl_parse_u32(port, 1, 65535, &p))
		return "the port must be 1..65535";
	r->port = (uint16_t)p;
	return resolve(host, r);
}
