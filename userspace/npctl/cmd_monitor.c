// SPDX-License-Identifier: GPL-2.0
/* npctl monitor: print port events as they happen, one line each. */
#include <stdio.h>

#include "npctl.h"
#include "ports.h"
#include "print.h"

static int on_event(struct nlattr **a, void *arg)
{
	struct npctl_port p;

	(void)arg;
	if (npctl_port_parse(a, &p))
		npctl_print_event(&p);
	return 0;
}

static int monitor(const struct npctl_cmd *cmd, int argc, char **argv)
{
	struct npctl_nl *nl;

	(void)argv;
	if (argc)
		return npctl_usage(cmd, "unexpected '%s'", argv[0]);
	nl = npctl_netlink();
	if (!nl)
		return EXIT_FAIL;
	return npctl_nl_monitor(nl, on_event, NULL) ? EXIT_FAIL : EXIT_OK;
}

const struct npctl_cmd npctl_cmd_monitor = {
	.name = "monitor",
	.args = "",
	.summary = "print port events as they happen",
	.help =
"One line per event: EVENT TTY REMOTE [label L] state STATE [reason R],\n"
"where EVENT is added, removed, changed, link-up or link-down, and R says\n"
"why a link went down (an errno text, or \"closed\" after the last close).\n"
"With -j, one JSON object per line: the keys of show -j and \"event\",\n"
"\"time\", \"reason\".  Runs until interrupted.\n",
	.flags = F_JSON | F_TIMESTAMP,
	.fn = monitor,
};
