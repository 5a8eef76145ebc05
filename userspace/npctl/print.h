/* SPDX-License-Identifier: GPL-2.0 */
/* npctl output: aligned text, details, JSON, events, config lines. */
#ifndef NPCTL_PRINT_H
#define NPCTL_PRINT_H

#include <stddef.h>
#include <stdio.h>

#include "ports.h"

/* show/list: a table, -d details, or -j a JSON array (npctl_flags). */
void npctl_print_ports(const struct npctl_port *v, size_t n);
/* One JSON object (no newline); @event adds "event" and "time". */
void npctl_print_json_port(const struct npctl_port *p, const char *event);
/* monitor: one line per notification, text or JSON. */
void npctl_print_event(const struct npctl_port *p);
/* The config-file line that recreates @p (no newline). */
void npctl_format_conf(const struct npctl_port *p, char *buf, size_t len);
/* The settings @bits of @s as "option value" words. */
void npctl_format_spec(const struct npctl_spec *s, unsigned int bits,
		       char *buf, size_t len);

#endif /* NPCTL_PRINT_H */
