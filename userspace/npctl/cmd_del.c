// SPDX-License-Identifier: GPL-2.0
/* npctl del PORT...: delete ports (an open tty is hung up). */
#include <stdio.h>
#include <stdlib.h>

#include "npctl.h"
#include "ports.h"

static int del(const struct npctl_cmd *cmd, int argc, char **argv)
{
	struct npctl_ports cache = { 0 };
	struct npctl_nl *nl;
	int ret = EXIT_OK;
	long *index;

	if (argc < 1)
		return npctl_usage(cmd, "missing PORT");
	nl = npctl_netlink();
	index = calloc(argc, sizeof(*index));
	if (!nl || !index)
		goto fail;
	/* Every name first: a typo must not leave half the work done. */
	for (int i = 0; i < argc; i++) {
		index[i] = npctl_port_lookup(nl, argv[i], &cache);
		if (index[i] < 0)
			goto fail;
	}
	for (int i = 0; i < argc; i++) {
		char what[300];

		snprintf(what, sizeof(what), "del %s", argv[i]);
		if (npctl_port_del(nl, what, (uint32_t)index[i]))
			ret = EXIT_FAIL;
	}
	npctl_ports_free(&cache);
	free(index);
	return ret;
fail:
	npctl_ports_free(&cache);
	free(index);
	return EXIT_FAIL;
}

const struct npctl_cmd npctl_cmd_del = {
	.name = "del",
	.alias = "delete",
	.args = "PORT...",
	.summary = "delete ports",
	.help =
"PORT is ttyNP3, /dev/ttyNP3, 3, a label or HOST:PORT.  A port that is\n"
"open is hung up (its users get EIO/SIGHUP) and goes when they close it.\n",
	.fn = del,
};
