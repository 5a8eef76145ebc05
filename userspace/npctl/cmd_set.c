// SPDX-License-Identifier: GPL-2.0
/* npctl set PORT OPTION VALUE...: change a port's settings. */
#include <stdio.h>
#include <string.h>

#include "npctl.h"
#include "parse.h"
#include "ports.h"

static int set(const struct npctl_cmd *cmd, int argc, char **argv)
{
	struct npctl_ports cache = { 0 };
	struct npctl_spec s = { 0 };
	struct npctl_nl *nl;
	char err[160], what[300];
	long index;

	if (argc < 1)
		return npctl_usage(cmd, "missing PORT");
	if (argc < 2)
		return npctl_usage(cmd, "nothing to set: give OPTION VALUE");
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "index"))
			return npctl_usage(cmd, "the index of a port cannot change: delete it and add it again");
	if (!npctl_parse_options(argc - 1, argv + 1,
				 NPCTL_S_ALL & ~NPCTL_S_INDEX, &s, err,
				 sizeof(err)))
		return npctl_usage(cmd, "%s", err);
	nl = npctl_netlink();
	if (!nl)
		return EXIT_FAIL;
	index = npctl_port_lookup(nl, argv[0], &cache);
	npctl_ports_free(&cache);
	if (index < 0)
		return EXIT_FAIL;
	snprintf(what, sizeof(what), "set %s", argv[0]);
	return npctl_port_set(nl, what, (uint32_t)index, &s, s.given) ?
	       EXIT_FAIL : EXIT_OK;
}

const struct npctl_cmd npctl_cmd_set = {
	.name = "set",
	.args = "PORT OPTION VALUE...",
	.summary = "change a port's settings",
	.help =
"PORT is ttyNP3, /dev/ttyNP3, 3, a label or HOST:PORT.  The address, data\n"
"port and index cannot change: delete the port and add it again.  New\n"
"settings apply from the next connection.\n"
"\n",
	.flags_first = true,
	.options = true,
	.fn = set,
};
