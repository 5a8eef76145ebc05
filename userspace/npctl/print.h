/* SPDX-License-Identifier: GPL-2.0 */
/* npctl output: aligned text or JSON.  See print.c. */
#ifndef NPCTL_PRINT_H
#define NPCTL_PRINT_H

#include <stdbool.h>
#include <netlink/attr.h>

struct npctl_opts {
	bool json;
	bool stats;
	bool event;		/* monitor: one line per notification */
	int count;		/* ports printed so far */
};

void npctl_print_begin(struct npctl_opts *o);
int npctl_print_port(struct nlattr **attrs, void *opts);
void npctl_print_end(struct npctl_opts *o);

#endif /* NPCTL_PRINT_H */
