/* SPDX-License-Identifier: GPL-2.0 */
/* Ports as npctl sees them: parsed replies, the port list, names.  */
#ifndef NPCTL_PORTS_H
#define NPCTL_PORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "parse.h"

struct npctl_port {
	uint32_t index;
	char tty[32];
	struct npctl_remote remote;
	uint16_t cmd_port;		/* 0: none */
	char label[NPTTY_LABEL_MAX];	/* "": none */
	uint32_t connect_timeout_ms;
	uint32_t keepalive_s;
	uint32_t user_timeout_ms;
	uint8_t loss;			/* enum nptty_loss_policy */
	uint32_t tx_ring;
	uint32_t cmd_timeout_ms;
	/* read-only */
	uint8_t state;			/* enum nptty_link_state */
	uint32_t open;
	uint32_t last_error;		/* errno of the last link failure */
	uint32_t baud, cflag, iflag, modem;
	uint64_t stats[NPTTY_A_STATS_MAX + 1];
	uint8_t reason;			/* notifications: enum nptty_ntf_reason */
};

struct npctl_ports {
	struct npctl_port *v;
	size_t n, cap;
	bool fetched;			/* filled by npctl_ports_fetch() */
};

/* Fill @p from a reply's attributes; false if it names no port. */
bool npctl_port_parse(struct nlattr **a, struct npctl_port *p);
/* Every port of our network namespace, by index.  0 or -errno (printed). */
int npctl_ports_fetch(struct npctl_nl *nl, struct npctl_ports *ports);
void npctl_ports_free(struct npctl_ports *ports);

/*
 * The index of the port named @name: "ttyNP3", "/dev/ttyNP3", "3", a label
 * or HOST:PORT.  -1 if there is no such port (message printed).  A label or
 * HOST:PORT is looked up in @cache, fetched on first use (free it with
 * npctl_ports_free()), so that naming many ports costs one dump.
 */
long npctl_port_lookup(struct npctl_nl *nl, const char *name,
		       struct npctl_ports *cache);

/* @p's settings as a spec with every NPCTL_S_* bit given. */
void npctl_spec_from_port(const struct npctl_port *p, struct npctl_spec *s);
/*
 * The requests.  Each returns 0 or -errno (the refusal printed, prefixed
 * with @what).  npctl_port_new() fills @out (if not NULL) with the new port.
 */
int npctl_port_new(struct npctl_nl *nl, const char *what,
		   const struct npctl_remote *r, const struct npctl_spec *s,
		   struct npctl_port *out);
int npctl_port_set(struct npctl_nl *nl, const char *what, uint32_t index,
		   const struct npctl_spec *s, unsigned int bits);
int npctl_port_del(struct npctl_nl *nl, const char *what, uint32_t index);
int npctl_port_fetch(struct npctl_nl *nl, const char *what, uint32_t index,
		     struct npctl_port *out);

/* Put the attributes of @s's @bits in @msg. */
int npctl_spec_put(struct nl_msg *msg, const struct npctl_spec *s,
		   unsigned int bits);
int npctl_remote_put(struct nl_msg *msg, const struct npctl_remote *r);

#endif /* NPCTL_PORTS_H */
