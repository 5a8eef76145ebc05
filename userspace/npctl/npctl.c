// SPDX-License-Identifier: GPL-2.0
/*
 * npctl: manage nptty ports (/dev/ttyNP<N>) over generic netlink.
 *
 * This file is the dispatcher: global flags, the command table, help and
 * version.  Each command lives in cmd_<name>.c and describes itself with a
 * struct npctl_cmd (usage, help text, the flags it takes).
 *
 * Exit codes: 0 ok, 1 the operation failed, 2 usage error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npctl.h"
#include "parse.h"

unsigned int npctl_flags;

static const struct npctl_cmd *const commands[] = {
	&npctl_cmd_add,
	&npctl_cmd_del,
	&npctl_cmd_set,
	&npctl_cmd_show,
	&npctl_cmd_monitor,
	&npctl_cmd_dump,
	&npctl_cmd_apply,
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct {
	char short_name;
	const char *long_name;
	unsigned int flag;
	const char *help;
} flag_table[] = {
	{ 'j', "json", F_JSON, "JSON output" },
	{ 's', "stats", F_STATS, "show counters" },
	{ 'd', "details", F_DETAILS, "show every setting" },
	{ 't', "timestamp", F_TIMESTAMP, "time-stamp events" },
	{ 0, "prune", F_PRUNE, "also delete ports the file does not list" },
	{ 'n', "dry-run", F_DRY_RUN, "print what would be done, do nothing" },
	{ 'q', "quiet", F_QUIET, "print nothing but errors" },
};

#define N_FLAGS (sizeof(flag_table) / sizeof(flag_table[0]))

static struct npctl_nl *the_nl;

struct npctl_nl *npctl_netlink(void)
{
	if (!the_nl)
		the_nl = npctl_nl_open();
	return the_nl;
}

int npctl_usage(const struct npctl_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "npctl: ");
	if (cmd)
		fprintf(stderr, "%s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'npctl %s%s--help'.\n", cmd ? cmd->name : "",
		cmd ? " " : "");
	return EXIT_USAGE;
}

static void cmd_help(const struct npctl_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: npctl %s%s%s\n", cmd->name, *cmd->args ? " " : "",
		cmd->args);
	if (cmd->alias)
		fprintf(f, "       npctl %s ...\n", cmd->alias);
	fprintf(f, "\n%s.\n", cmd->summary);
	if (cmd->help)
		fprintf(f, "\n%s", cmd->help);
	if (cmd->options)
		fprintf(f, "%s", npctl_options_help);
	if (cmd->flags) {
		fprintf(f, "\nFlags:\n");
		for (size_t i = 0; i < N_FLAGS; i++) {
			char names[32];

			if (!(cmd->flags & flag_table[i].flag))
				continue;
			if (flag_table[i].short_name)
				snprintf(names, sizeof(names), "-%c, --%s",
					 flag_table[i].short_name,
					 flag_table[i].long_name);
			else
				snprintf(names, sizeof(names), "    --%s",
					 flag_table[i].long_name);
			fprintf(f, "  %-18s %s\n", names, flag_table[i].help);
		}
	}
	fprintf(f, "  -h, --help         this help\n");
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: npctl [FLAGS] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++) {
		char syn[80];

		snprintf(syn, sizeof(syn), "%s %s", commands[i]->name,
			 commands[i]->args);
		fprintf(f, "  %-36s %s\n", syn, commands[i]->summary);
	}
	fprintf(f,
"  help [COMMAND]                       this help, or a command's\n"
"\n"
"PORT names a port: ttyNP3, /dev/ttyNP3, 3, its label, or HOST:PORT.\n"
"HOST is an IPv4 address, [IPv6] or a name; PORT defaults to %d.\n"
"\n"
"Flags (before or after the command):\n", NPCTL_DATA_PORT_DEFAULT);
	for (size_t i = 0; i < N_FLAGS; i++) {
		char names[32];

		if (flag_table[i].short_name)
			snprintf(names, sizeof(names), "-%c, --%s",
				 flag_table[i].short_name, flag_table[i].long_name);
		else
			snprintf(names, sizeof(names), "    --%s",
				 flag_table[i].long_name);
		fprintf(f, "  %-18s %s\n", names, flag_table[i].help);
	}
	fprintf(f,
"  -h, --help         help (npctl COMMAND --help: the command's)\n"
"  -V, --version      print the version\n"
"\n"
"Exit status: 0 ok, 1 the operation failed, 2 usage error.\n"
"See npctl(8) and nptty(4).\n");
}

static const struct npctl_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(name, commands[i]->name) ||
		    (commands[i]->alias && !strcmp(name, commands[i]->alias)))
			return commands[i];
	return NULL;
}

enum { FLAG_WORD, FLAG_OK, FLAG_HELP, FLAG_VERSION, FLAG_BAD };

/* One argument: a flag (or a cluster like -js), or not a flag at all. */
static int take_flag(const char *arg, unsigned int allowed, unsigned int *set,
		     const char **bad)
{
	*bad = arg;
	if (arg[0] != '-' || !arg[1])
		return FLAG_WORD;
	if (arg[1] == '-') {
		if (!strcmp(arg, "--help"))
			return FLAG_HELP;
		if (!strcmp(arg, "--version"))
			return FLAG_VERSION;
		for (size_t i = 0; i < N_FLAGS; i++)
			if (!strcmp(arg + 2, flag_table[i].long_name) &&
			    (allowed & flag_table[i].flag)) {
				*set |= flag_table[i].flag;
				return FLAG_OK;
			}
		return FLAG_BAD;
	}
	for (const char *c = arg + 1; *c; c++) {
		size_t i;

		if (*c == 'h')
			return FLAG_HELP;
		if (*c == 'V')
			return FLAG_VERSION;
		for (i = 0; i < N_FLAGS; i++)
			if (*c == flag_table[i].short_name &&
			    (allowed & flag_table[i].flag))
				break;
		if (i == N_FLAGS)
			return FLAG_BAD;
		*set |= flag_table[i].flag;
	}
	return FLAG_OK;
}

/*
 * Take @cmd's flags out of argv[1..argc) in place; "--" ends them.  Returns
 * -1 to go on, or the exit code (help printed, or a usage error).
 */
static int cmd_flags(const struct npctl_cmd *cmd, int *argc, char **argv)
{
	bool words_only = false;
	const char *bad;
	int n = 1;

	for (int i = 1; i < *argc; i++) {
		int r = FLAG_WORD;

		if (!words_only && !strcmp(argv[i], "--")) {
			words_only = true;
			continue;
		}
		if (!words_only)
			r = take_flag(argv[i], cmd->flags, &npctl_flags, &bad);
		switch (r) {
		case FLAG_WORD:
			argv[n++] = argv[i];
			if (cmd->flags_first)
				words_only = true;
			break;
		case FLAG_HELP:
			cmd_help(cmd, stdout);
			return EXIT_OK;
		case FLAG_VERSION:
			printf("npctl %s\n", NPTTY_VERSION);
			return EXIT_OK;
		case FLAG_BAD:
			return npctl_usage(cmd, "unknown flag '%s'", bad);
		}
	}
	*argc = n;
	argv[n] = NULL;
	return -1;
}

static int help(int argc, char **argv)
{
	const struct npctl_cmd *cmd;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd)
		return npctl_usage(NULL, "unknown command '%s'", argv[1]);
	cmd_help(cmd, stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	unsigned int all = 0;
	const struct npctl_cmd *cmd;
	const char *bad;
	int i, ret;

	for (size_t k = 0; k < N_FLAGS; k++)
		all |= flag_table[k].flag;
	/* Flags before the command: any flag; a command ignores the others. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		ret = take_flag(argv[i], all, &npctl_flags, &bad);
		if (ret == FLAG_WORD)
			break;
		if (ret == FLAG_HELP) {
			usage(stdout);
			return EXIT_OK;
		}
		if (ret == FLAG_VERSION) {
			printf("npctl %s\n", NPTTY_VERSION);
			return EXIT_OK;
		}
		if (ret == FLAG_BAD)
			return npctl_usage(NULL, "unknown flag '%s'", bad);
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	argc -= i;
	argv += i;
	if (!strcmp(argv[0], "help"))
		return help(argc, argv);
	cmd = find_cmd(argv[0]);
	if (!cmd)
		return npctl_usage(NULL, "unknown command '%s'", argv[0]);
	ret = cmd_flags(cmd, &argc, argv);
	if (ret >= 0)
		return ret;
	ret = cmd->fn(cmd, argc - 1, argv + 1);
	npctl_nl_close(the_nl);
	return ret;
}
