// SPDX-License-Identifier: GPL-2.0
/* npctl add HOST[:PORT] [OPTION VALUE]...: create a port, print its tty. */
#include <stdio.h>
#include <string.h>

#include "npctl.h"
#include "parse.h"
#include "ports.h"
#include "print.h"

const char npctl_options_help[] =
"Options:\n"
"  index N               ask for /dev/ttyNP<N> (add; default: lowest free)\n"
"  cmd-port N|none       the NPort's command port (ASPP); default 966 +\n"
"                        (PORT - 4001) for data ports 4001..4032, else none\n"
"  no-cmd                no command port (a plain raw TCP server)\n"
"  label L               a name for the port: letters, digits, . _ -\n"
"                        (up to 31, not starting with . or -)\n"
"  no-label              remove the label (set)\n"
"  connect-timeout T     how long a blocking open waits for the link\n"
"                        (ms, or 500ms 5s 1m; default 5s)\n"
"  keepalive T           TCP keepalive idle time (s, or 1m; off; default 5s)\n"
"  user-timeout T        dead peer: data or a probe unanswered this long\n"
"                        (ms, or 10s; off; default 10s)\n"
"  loss reconnect|hangup what a lost link does to an open tty\n"
"                        (default reconnect)\n"
"  tx-ring SIZE          transmit ring bytes (or 64k, 1M; rounded up to a\n"
"                        power of two; default 16k)\n"
"  cmd-timeout T         how long to wait for a command-port reply\n"
"                        (ms, or 3s; default 3s)\n"
"The kernel checks the ranges and says which value is wrong.\n";

static int add(const struct npctl_cmd *cmd, int argc, char **argv)
{
	struct npctl_remote r;
	struct npctl_spec s = { 0 };
	struct npctl_port p;
	struct npctl_nl *nl;
	char err[160];
	int ret;

	if (argc < 1)
		return npctl_usage(cmd, "missing HOST[:PORT]");
	ret = npctl_parse_remote(argv[0], &r, err, sizeof(err));
	if (ret == NPCTL_REMOTE_SYNTAX)
		return npctl_usage(cmd, "%s: %s", argv[0], err);
	if (!npctl_parse_options(argc - 1, argv + 1, NPCTL_S_ALL, &s, err,
				 sizeof(err)))
		return npctl_usage(cmd, "%s", err);
	if (ret == NPCTL_REMOTE_RESOLVE) {
		fprintf(stderr, "npctl: add: %s\n", err);
		return EXIT_FAIL;
	}
	if (!(s.given & NPCTL_S_CMD_PORT)) {
		s.cmd_port = npctl_default_cmd_port(r.port);
		s.given |= NPCTL_S_CMD_PORT;
	}
	/* Nothing to say is the same as no label. */
	if ((s.given & NPCTL_S_LABEL) && !s.label[0])
		s.given &= ~NPCTL_S_LABEL;
	nl = npctl_netlink();
	if (!nl)
		return EXIT_FAIL;
	if (npctl_port_new(nl, "add", &r, &s, &p))
		return EXIT_FAIL;
	if (npctl_flags & F_JSON) {
		npctl_print_json_port(&p, NULL);
		printf("\n");
	} else if (!(npctl_flags & F_QUIET)) {
		printf("%s\n", p.tty);
	}
	return EXIT_OK;
}

const struct npctl_cmd npctl_cmd_add = {
	.name = "add",
	.args = "HOST[:PORT] [OPTION VALUE]...",
	.summary = "add a port; print its tty name",
	.help =
"HOST is an IPv4 address, an IPv6 address in [] (with %IFACE for a\n"
"link-local one), or a name; PORT is the NPort's data port (default 4001).\n"
"With -j, print the new port as a JSON object (the keys of show -j).\n"
"\n",
	.flags = F_JSON | F_QUIET,
	.flags_first = true,
	.options = true,
	.fn = add,
};
