// SPDX-License-Identifier: GPL-2.0
/* npctl show [PORT]... (list): the ports, as a table, details or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "npctl.h"
#include "ports.h"
#include "print.h"

static int show(const struct npctl_cmd *cmd, int argc, char **argv)
{
	struct npctl_ports ports = { 0 }, cache = { 0 };
	struct npctl_nl *nl;
	int ret = EXIT_OK;

	(void)cmd;
	nl = npctl_netlink();
	if (!nl)
		return EXIT_FAIL;
	if (!argc) {
		if (npctl_ports_fetch(nl, &ports))
			return EXIT_FAIL;
		npctl_print_ports(ports.v, ports.n);
		npctl_ports_free(&ports);
		return EXIT_OK;
	}
	ports.v = calloc(argc, sizeof(*ports.v));
	if (!ports.v)
		return EXIT_FAIL;
	for (int i = 0; i < argc; i++) {
		long index = npctl_port_lookup(nl, argv[i], &cache);
		char what[300];

		snprintf(what, sizeof(what), "show %s", argv[i]);
		if (index < 0 ||
		    npctl_port_fetch(nl, what, (uint32_t)index,
				     &ports.v[ports.n])) {
			ret = EXIT_FAIL;
			continue;
		}
		ports.n++;
	}
	npctl_print_ports(ports.v, ports.n);
	npctl_ports_free(&ports);
	npctl_ports_free(&cache);
	return ret;
}

const struct npctl_cmd npctl_cmd_show = {
	.name = "show",
	.alias = "list",
	.args = "[PORT]...",
	.summary = "show ports (all, or the ones named)",
	.help =
"Columns: TTY, REMOTE (address:data port), CMD (command port), LABEL,\n"
"STATE (idle, connecting, up, backoff, failed), OPEN (open files), LINE\n"
"(baud rate and data bits, parity, stop bits), MODEM (lines that are on);\n"
"-s adds the counters, -d shows every setting, -j prints a JSON array\n"
"(keys in npctl(8)).  Anyone may look; changes need CAP_NET_ADMIN.\n",
	.flags = F_JSON | F_STATS | F_DETAILS,
	.fn = show,
};
