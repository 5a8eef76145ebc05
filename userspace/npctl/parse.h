/* SPDX-License-Identifier: GPL-2.0 */
/* npctl's pure parsers (no I/O but name resolution): see parse.c. */
#ifndef NPCTL_PARSE_H
#define NPCTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct npctl_remote {
	int family;			/* AF_INET or AF_INET6 */
	struct in_addr addr4;
	struct in6_addr addr6;
	uint32_t scope;			/* IPv6 scope id, 0 */
	uint16_t port;			/* data port */
};

#define NPCTL_DATA_PORT_DEFAULT	4001

/* "HOST[:PORT]", "[V6][:PORT]"; HOST may be a name.  0 or an error text. */
const char *npctl_parse_remote(const char *s, struct npctl_remote *r);
/* Unsigned decimal in [min, max]; false if anything else. */
bool npctl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v);
/* The NPort's default command port for a data port: 966 + (data - 4001)
 * for data ports 4001..4032, else 0 (none). */
uint16_t npctl_default_cmd_port(uint16_t data_port);

#endif /* NPCTL_PARSE_H */
