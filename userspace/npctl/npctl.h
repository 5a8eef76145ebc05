/* SPDX-License-Identifier: GPL-2.0 */
/* npctl's commands and what they share with the dispatcher (npctl.c). */
#ifndef NPCTL_H
#define NPCTL_H

#include <stdbool.h>

#include "nl.h"

/* Exit codes. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed */
#define EXIT_USAGE	2	/* the command line (or config file) is wrong */

/* Flags (-j, -s, ...), given before or after the command word. */
enum {
	F_JSON		= 1 << 0,	/* -j, --json */
	F_STATS		= 1 << 1,	/* -s, --stats */
	F_DETAILS	= 1 << 2,	/* -d, --details */
	F_TIMESTAMP	= 1 << 3,	/* -t, --timestamp */
	F_PRUNE		= 1 << 4,	/* --prune */
	F_DRY_RUN	= 1 << 5,	/* -n, --dry-run */
	F_QUIET		= 1 << 6,	/* -q, --quiet */
};

struct npctl_cmd {
	const char *name;
	const char *alias;
	const char *args;		/* after "npctl NAME " in the usage */
	const char *summary;		/* one line for "npctl --help" */
	const char *help;		/* the rest of "npctl NAME --help" */
	unsigned int flags;		/* F_* it accepts */
	/* Flags only before the first other word (the rest are options). */
	bool flags_first;
	bool options;			/* help lists the port options */
	int (*fn)(const struct npctl_cmd *cmd, int argc, char **argv);
};

extern unsigned int npctl_flags;		/* F_* in effect */
extern const char npctl_options_help[];	/* the port options (cmd_add.c) */

/* "npctl: <message>" and a hint to --help on stderr; returns EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
int npctl_usage(const struct npctl_cmd *cmd, const char *fmt, ...);
/* The netlink socket, opened on first use; NULL (message printed). */
struct npctl_nl *npctl_netlink(void);

extern const struct npctl_cmd npctl_cmd_add, npctl_cmd_del, npctl_cmd_set,
	npctl_cmd_show, npctl_cmd_monitor, npctl_cmd_dump, npctl_cmd_apply;

#endif /* NPCTL_H */
