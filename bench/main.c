// SPDX-License-Identifier: GPL-2.0
/*
 * npbench - the measuring tools behind 'make bench' (bench/run.sh).
 * Each subcommand prints one JSON object per result on stdout.
 */
#include <stdio.h>
#include <string.h>

#include "npbench.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "peer", cmd_peer, "TCP sink/source/echo/hello server (the remote end)" },
	{ "bulk", cmd_bulk, "one-way throughput and CPU per MB" },
	{ "rtt", cmd_rtt, "request/response latency and transactions/s" },
	{ "line", cmd_line, "line utilisation through npsim --pace" },
	{ "drain", cmd_drain, "tcdrain time vs the paced line time" },
	{ "setbaud", cmd_setbaud, "set an npsim port's baud over its command port" },
	{ "first", cmd_first, "open() and open -> first byte times" },
	{ "measure", cmd_measure, "time and memory of a command, per item" },
	{ "open-many", cmd_open_many, "open N ttyNP ports: time, memory" },
	{ "tcp-many", cmd_tcp_many, "N TCP connections: time, memory" },
};

int main(int argc, char **argv)
{
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(argv[1], cmds[i].name))
				return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "usage: npbench COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	return 2;
}
