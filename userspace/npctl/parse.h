/* SPDX-License-Identifier: GPL-2.0 */
/*
 * npctl's parsers: addresses, numbers, durations, sizes, the port options of
 * add/set/config lines, and config-file lines.  No netlink, no output; only
 * name resolution touches the system.  See parse.c.
 */
#ifndef NPCTL_PARSE_H
#define NPCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
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

/* What npctl_parse_remote() returns. */
enum {
	NPCTL_REMOTE_OK,
	NPCTL_REMOTE_SYNTAX,		/* not HOST[:PORT]: a usage error */
	NPCTL_REMOTE_RESOLVE,		/* a name that does not resolve */
};

/*
 * "HOST[:PORT]" or "[V6][:PORT]" (also "[V6%IF]"); HOST is an IPv4 address,
 * an IPv6 address or a name (getaddrinfo).  On failure @err gets the reason.
 */
int npctl_parse_remote(const char *s, struct npctl_remote *r,
		       char *err, size_t errlen);
bool npctl_remote_eq(const struct npctl_remote *a,
		     const struct npctl_remote *b);
/* "127.0.0.1:4001", "[::1]:4001", "[fe80::1%eth0]:4001". */
void npctl_format_remote(const struct npctl_remote *r, char *buf, size_t len);

/* Unsigned decimal in [min, max]; false if anything else. */
bool npctl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v);
/* A duration: N in @unit_ms units, or N with ms, s, m or h. */
bool npctl_parse_duration(const char *s, uint32_t unit_ms, uint32_t *v);
/* A size: N, Nk (KiB) or NM (MiB). */
bool npctl_parse_size(const char *s, uint32_t *v);

/* The NPort's command port for a data port: 966 + (data - 4001) for data
 * ports 4001..4032, else 0 (none). */
uint16_t npctl_default_cmd_port(uint16_t data_port);

/* The settings of a port, as options on a command line or a config line. */
enum {
	NPCTL_S_INDEX		= 1 << 0,
	NPCTL_S_CMD_PORT	= 1 << 1,
	NPCTL_S_LABEL		= 1 << 2,
	NPCTL_S_CONNECT_TIMEOUT	= 1 << 3,
	NPCTL_S_KEEPALIVE	= 1 << 4,
	NPCTL_S_USER_TIMEOUT	= 1 << 5,
	NPCTL_S_LOSS		= 1 << 6,
	NPCTL_S_TX_RING		= 1 << 7,
	NPCTL_S_CMD_TIMEOUT	= 1 << 8,
	NPCTL_S_ALL		= (1 << 9) - 1,
};

#define NPCTL_LABEL_BUF	256	/* the kernel enforces the real limit */

struct npctl_spec {
	unsigned int given;		/* NPCTL_S_* */
	uint32_t index;
	uint16_t cmd_port;		/* 0: none */
	char label[NPCTL_LABEL_BUF];	/* "": none */
	uint32_t connect_timeout_ms;
	uint32_t keepalive_s;
	uint32_t user_timeout_ms;
	uint8_t loss;			/* enum nptty_loss_policy */
	uint32_t tx_ring;
	uint32_t cmd_timeout_ms;
};

/*
 * Parse "OPTION VALUE..." words into @s, accepting the options in @allowed.
 * Returns false with the reason in @err.
 */
bool npctl_parse_options(int argc, char *const *argv, unsigned int allowed,
			 struct npctl_spec *s, char *err, size_t errlen);
/*
 * What the kernel gives a port for which nothing is said (the uapi header's
 * NPTTY_DEFAULT_*, npctl's command-port rule for @data_port); given = 0.
 */
void npctl_spec_defaults(struct npctl_spec *s, uint16_t data_port);
/* The bits given in @want whose values differ in @have. */
unsigned int npctl_spec_diff(const struct npctl_spec *want,
			     const struct npctl_spec *have);
/* The option word that sets NPCTL_S_* bit @bit ("cmd-port", ...). */
const char *npctl_option_name(unsigned int bit);
/* Space-separated list of the option words, for help and completion. */
extern const char npctl_option_words[];

/*
 * Split a config line in place into words: blanks separate, '#' at the
 * start of a word starts a comment.  Returns the number of words, or -1 if
 * there are more than @max.
 */
int npctl_split_line(char *line, char **words, int max);

#endif /* NPCTL_PARSE_H */
