// SPDX-License-Identifier: GPL-2.0
/*
 * npctl: manage nptty ports (/dev/ttyNP<N>) over generic netlink.
 *
 *   npctl add HOST[:PORT] [OPTION VALUE]...   prints the tty name
 *   npctl del PORT
 *   npctl set PORT OPTION VALUE...
 *   npctl show [PORT]   (alias: list)  [-j] [-s]
 *   npctl monitor [-j]
 *
 * Exit codes: 0 ok, 1 the operation failed, 2 usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "parse.h"
#include "print.h"

#define EXIT_USAGE 2

static struct npctl_opts opts;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: npctl [-j] [-s] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  add HOST[:PORT] [OPTION VALUE]...  add a port; prints its tty name\n"
"  del PORT                           delete a port (an open tty is hung up)\n"
"  set PORT OPTION VALUE...           change a port's settings\n"
"  show [PORT] (or list)              show ports\n"
"  monitor                            print port events as they happen\n"
"\n"
"HOST is an IPv4 address, [IPv6] or a name; PORT (data) defaults to %d.\n"
"PORT names a port: ttyNP3, 3, a label, or HOST:PORT.\n"
"\n"
"Options (add, set):\n"
"  cmd-port N          NPort command port (default 966+(PORT-4001) for\n"
"                      data ports 4001..4032, else none)\n"
"  no-cmd              no command port (plain raw TCP server)\n"
"  index N             ask for /dev/ttyNP<N> (add only)\n"
"  label L             a name for the port: [A-Za-z0-9._-]{1,31}\n"
"  connect-timeout MS  how long a blocking open waits for the link\n"
"  keepalive S         TCP keepalive idle seconds (0: off)\n"
"  user-timeout MS     TCP_USER_TIMEOUT (0: kernel default)\n"
"  loss reconnect|hangup  what a lost link does to an open tty\n"
"  tx-ring BYTES       transmit ring size (rounded up to a power of two)\n"
"  cmd-timeout MS      how long to wait for a command-port reply\n"
"\n"
"Flags: -j JSON output, -s statistics, -h help, -V version.\n"
"Exit status: 0 ok, 1 the operation failed, 2 usage error.\n",
		NPCTL_DATA_PORT_DEFAULT);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "npctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'npctl --help'.\n");
	return EXIT_USAGE;
}

struct setting {
	const char *name;
	int attr;
	int type;		/* NLA_U8/U16/U32 */
	uint32_t min, max;
};

static const struct setting settings[] = {
	{ "cmd-port", NPTTY_A_PORT_CMD_PORT, NLA_U16, 1, 65535 },
	{ "index", NPTTY_A_PORT_INDEX, NLA_U32, 0, 65535 },
	{ "connect-timeout", NPTTY_A_PORT_CONNECT_TIMEOUT, NLA_U32, 0, UINT32_MAX },
	{ "keepalive", NPTTY_A_PORT_KEEPALIVE, NLA_U32, 0, UINT32_MAX },
	{ "user-timeout", NPTTY_A_PORT_USER_TIMEOUT, NLA_U32, 0, UINT32_MAX },
	{ "tx-ring", NPTTY_A_PORT_TX_RING, NLA_U32, 0, UINT32_MAX },
	{ "cmd-timeout", NPTTY_A_PORT_CMD_TIMEOUT, NLA_U32, 0, UINT32_MAX },
};

/* Parse "OPTION VALUE..." into @msg.  Returns 0 or an exit code. */
static int put_settings(struct nl_msg *msg, int argc, char **argv, bool add,
			bool *cmd_given)
{
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const struct setting *s = NULL;
		uint32_t n;

		if (!strcmp(o, "no-cmd")) {
			nla_put_u16(msg, NPTTY_A_PORT_CMD_PORT, 0);
			*cmd_given = true;
			continue;
		}
		if (!v)
			return usage_error("option '%s' needs a value", o);
		i++;
		if (!strcmp(o, "label")) {
			nla_put_string(msg, NPTTY_A_PORT_LABEL, v);
			continue;
		}
		if (!strcmp(o, "loss")) {
			if (!strcmp(v, "reconnect"))
				nla_put_u8(msg, NPTTY_A_PORT_LOSS_POLICY,
					   NPTTY_LOSS_RECONNECT);
			else if (!strcmp(v, "hangup"))
				nla_put_u8(msg, NPTTY_A_PORT_LOSS_POLICY,
					   NPTTY_LOSS_HANGUP);
			else
				return usage_error("loss is 'reconnect' or 'hangup', not '%s'", v);
			continue;
		}
		for (size_t k = 0; k < sizeof(settings) / sizeof(settings[0]); k++)
			if (!strcmp(o, settings[k].name))
				s = &settings[k];
		if (!s)
			return usage_error("unknown option '%s'", o);
		if (!add && s->attr == NPTTY_A_PORT_INDEX)
			return usage_error("'%s' can only be given to add", o);
		if (!npctl_parse_u32(v, s->min, s->max, &n)) {
			fprintf(stderr, "npctl: %s: '%s' is not a number in %u..%u\n",
				o, v, s->min, s->max);
			return EXIT_USAGE;
		}
		if (s->attr == NPTTY_A_PORT_CMD_PORT)
			*cmd_given = true;
		if (s->type == NLA_U16)
			nla_put_u16(msg, s->attr, (uint16_t)n);
		else
			nla_put_u32(msg, s->attr, n);
	}
	return 0;
}

static int put_remote(struct nl_msg *msg, const struct npctl_remote *r)
{
	if (r->family == AF_INET)
		nla_put(msg, NPTTY_A_PORT_ADDR4, 4, &r->addr4);
	else
		nla_put(msg, NPTTY_A_PORT_ADDR6, 16, &r->addr6);
	if (r->scope)
		nla_put_u32(msg, NPTTY_A_PORT_SCOPE6, r->scope);
	return nla_put_u16(msg, NPTTY_A_PORT_DATA_PORT, r->port);
}

static int print_name(struct nlattr **a, void *arg)
{
	(void)arg;
	if (a[NPTTY_A_PORT_TTY_NAME])
		printf("%s\n", nla_get_string(a[NPTTY_A_PORT_TTY_NAME]));
	return 0;
}

static int cmd_add(struct npctl_nl *nl, int argc, char **argv)
{
	struct npctl_remote r;
	const char *err;
	bool cmd_given = false;
	struct nl_msg *msg;
	int ret;

	if (argc < 1)
		return usage_error("add needs HOST[:PORT]%s", "");
	err = npctl_parse_remote(argv[0], &r);
	if (err) {
		fprintf(stderr, "npctl: %s: %s\n", argv[0], err);
		return EXIT_USAGE;
	}
	msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_NEW, 0);
	if (!msg)
		return 1;
	put_remote(msg, &r);
	ret = put_settings(msg, argc - 1, argv + 1, true, &cmd_given);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	if (!cmd_given)
		nla_put_u16(msg, NPTTY_A_PORT_CMD_PORT,
			    npctl_default_cmd_port(r.port));
	return npctl_nl_run(nl, msg, "add", print_name, NULL) ? 1 : 0;
}

/* --- naming a port: ttyNP3, 3, a label, or HOST:PORT --- */

struct find {
	const char *name;
	struct npctl_remote r;
	bool by_remote;
	long index;
	int matches;
};

static bool same_remote(struct nlattr **a, const struct npctl_remote *r)
{
	if (!a[NPTTY_A_PORT_DATA_PORT] ||
	    nla_get_u16(a[NPTTY_A_PORT_DATA_PORT]) != r->port)
		return false;
	if (r->family == AF_INET)
		return a[NPTTY_A_PORT_ADDR4] &&
		       !memcmp(nla_data(a[NPTTY_A_PORT_ADDR4]), &r->addr4, 4);
	return a[NPTTY_A_PORT_ADDR6] &&
	       !memcmp(nla_data(a[NPTTY_A_PORT_ADDR6]), &r->addr6, 16);
}

static int match_port(struct nlattr **a, void *arg)
{
	struct find *f = arg;
	bool hit;

	if (!a[NPTTY_A_PORT_INDEX])
		return 0;
	if (f->by_remote)
		hit = same_remote(a, &f->r);
	else
		hit = a[NPTTY_A_PORT_LABEL] &&
		      !strcmp(nla_get_string(a[NPTTY_A_PORT_LABEL]), f->name);
	if (hit) {
		f->index = nla_get_u32(a[NPTTY_A_PORT_INDEX]);
		f->matches++;
	}
	return 0;
}

/* Resolve a port name to its index; -1 (message printed) if none. */
static long port_index(struct npctl_nl *nl, const char *name)
{
	struct find f = { .name = name, .index = -1 };
	struct nl_msg *msg;
	uint32_t n;

	if (!strncmp(name, "/dev/", 5))
		name += 5;
	if (!strncmp(name, "ttyNP", 5) && npctl_parse_u32(name + 5, 0, 65535, &n))
		return n;
	if (npctl_parse_u32(name, 0, 65535, &n))
		return n;
	if (strchr(name, ':') && !npctl_parse_remote(name, &f.r))
		f.by_remote = true;
	msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_GET, NLM_F_DUMP);
	if (!msg || npctl_nl_run(nl, msg, "show", match_port, &f))
		return -1;
	if (f.matches != 1) {
		fprintf(stderr, "npctl: %s: no such port\n", name);
		return -1;
	}
	return f.index;
}

static int cmd_del(struct npctl_nl *nl, int argc, char **argv)
{
	struct nl_msg *msg;
	long index;

	if (argc != 1)
		return usage_error("del needs one PORT%s", "");
	index = port_index(nl, argv[0]);
	if (index < 0)
		return 1;
	msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_DEL, 0);
	if (!msg)
		return 1;
	nla_put_u32(msg, NPTTY_A_PORT_INDEX, (uint32_t)index);
	return npctl_nl_run(nl, msg, "del", NULL, NULL) ? 1 : 0;
}

static int cmd_set(struct npctl_nl *nl, int argc, char **argv)
{
	bool cmd_given = false;
	struct nl_msg *msg;
	long index;
	int ret;

	if (argc < 3)
		return usage_error("set needs PORT OPTION VALUE...%s", "");
	index = port_index(nl, argv[0]);
	if (index < 0)
		return 1;
	msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_SET, 0);
	if (!msg)
		return 1;
	nla_put_u32(msg, NPTTY_A_PORT_INDEX, (uint32_t)index);
	ret = put_settings(msg, argc - 1, argv + 1, false, &cmd_given);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return npctl_nl_run(nl, msg, "set", NULL, NULL) ? 1 : 0;
}

static int cmd_show(struct npctl_nl *nl, int argc, char **argv)
{
	struct nl_msg *msg;
	long index = -1;
	int ret;

	if (argc > 1)
		return usage_error("show takes at most one PORT%s", "");
	if (argc == 1) {
		index = port_index(nl, argv[0]);
		if (index < 0)
			return 1;
	}
	msg = npctl_nl_msg(nl, NPTTY_CMD_PORT_GET, index < 0 ? NLM_F_DUMP : 0);
	if (!msg)
		return 1;
	if (index >= 0)
		nla_put_u32(msg, NPTTY_A_PORT_INDEX, (uint32_t)index);
	npctl_print_begin(&opts);
	ret = npctl_nl_run(nl, msg, "show", npctl_print_port, &opts);
	npctl_print_end(&opts);
	return ret ? 1 : 0;
}

static int cmd_monitor(struct npctl_nl *nl, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return usage_error("monitor takes no arguments%s", "");
	opts.event = true;
	return npctl_nl_monitor(nl, npctl_print_port, &opts) ? 1 : 0;
}

static const struct {
	const char *name;
	int (*fn)(struct npctl_nl *nl, int argc, char **argv);
} commands[] = {
	{ "add", cmd_add },
	{ "del", cmd_del },
	{ "delete", cmd_del },
	{ "set", cmd_set },
	{ "show", cmd_show },
	{ "list", cmd_show },
	{ "monitor", cmd_monitor },
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct npctl_nl *nl;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+jshV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 's':
			opts.stats = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("npctl %s\n", NPTTY_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		nl = npctl_nl_open();
		if (!nl)
			return 1;
		ret = commands[i].fn(nl, argc - optind - 1, argv + optind + 1);
		npctl_nl_close(nl);
		return ret;
	}
	return usage_error("unknown command '%s'", argv[optind]);
}
