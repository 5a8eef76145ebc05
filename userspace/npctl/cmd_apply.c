// SPDX-License-Identifier: GPL-2.0
/*
 * npctl dump: the ports as a config file.
 * npctl apply FILE [--prune]: make the kernel match a config file.
 *
 * The file has one port per line, written as the arguments of "npctl add":
 *	HOST[:PORT] [index N] [cmd-port N | no-cmd] [label L] [OPTION VALUE]...
 * '#' starts a comment, blank lines are ignored.  A line's port is the
 * kernel port with the same address and data port.  A setting the line
 * leaves out means its default (as "npctl add" would give it), so the
 * kernel ends up exactly as the file says, and a second apply does
 * nothing.  An index that differs can only be had by deleting the port
 * and adding it again, which apply does.  Ports the file does not list
 * are left alone, or deleted with --prune.
 *
 * Order: read and check the whole file (any error: exit 2, nothing done),
 * then deletions, then label moves, then changes, then additions (those
 * asking for an index first, so that the others do not take it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npctl.h"
#include "parse.h"
#include "ports.h"
#include "print.h"

#define MAX_WORDS 64

struct entry {
	unsigned int line;
	struct npctl_remote r;
	struct npctl_spec want;
	bool resolved;
	long match;			/* index into the kernel's ports, -1 */
};

struct plan {
	const char *file;
	struct entry *v;
	size_t n, cap;
	struct npctl_ports ports;
	bool *keep;			/* per kernel port: listed in the file */
	bool unresolved;
	int errors;			/* failed requests */
};

/* --- reading the file --- */

__attribute__((format(printf, 3, 4)))
static void file_error(const struct plan *pl, unsigned int line,
		       const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "npctl: %s:%u: ", pl->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* One line's words into a new entry; false on a syntax error (printed). */
static bool parse_entry(struct plan *pl, unsigned int line, int n,
			char **w)
{
	struct npctl_spec opts = { 0 };
	struct entry *e;
	char err[160];
	int ret;

	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 32;
		struct entry *v = realloc(pl->v, cap * sizeof(*v));

		if (!v) {
			file_error(pl, line, "out of memory");
			return false;
		}
		pl->v = v;
		pl->cap = cap;
	}
	e = &pl->v[pl->n];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->match = -1;
	ret = npctl_parse_remote(w[0], &e->r, err, sizeof(err));
	if (ret == NPCTL_REMOTE_SYNTAX) {
		file_error(pl, line, "%s: %s", w[0], err);
		return false;
	}
	if (!npctl_parse_options(n - 1, w + 1, NPCTL_S_ALL, &opts, err,
				 sizeof(err))) {
		file_error(pl, line, "%s", err);
		return false;
	}
	if (ret == NPCTL_REMOTE_RESOLVE) {
		/* Not fatal: the other lines still apply, but no pruning. */
		file_error(pl, line, "%s (line skipped)", err);
		pl->unresolved = true;
	}
	e->resolved = ret == NPCTL_REMOTE_OK;
	/* What the line does not say is the default. */
	npctl_spec_defaults(&e->want, e->r.port);
	e->want.given = (NPCTL_S_ALL & ~NPCTL_S_INDEX) | opts.given;
#define TAKE(bit, field) if (opts.given & (bit)) e->want.field = opts.field
	TAKE(NPCTL_S_INDEX, index);
	TAKE(NPCTL_S_CMD_PORT, cmd_port);
	TAKE(NPCTL_S_CONNECT_TIMEOUT, connect_timeout_ms);
	TAKE(NPCTL_S_KEEPALIVE, keepalive_s);
	TAKE(NPCTL_S_USER_TIMEOUT, user_timeout_ms);
	TAKE(NPCTL_S_LOSS, loss);
	TAKE(NPCTL_S_TX_RING, tx_ring);
	TAKE(NPCTL_S_CMD_TIMEOUT, cmd_timeout_ms);
#undef TAKE
	if (opts.given & NPCTL_S_LABEL)
		memcpy(e->want.label, opts.label, sizeof(opts.label));
	pl->n++;
	return true;
}

/* Two lines for one port, one index or one label: the file is wrong. */
static bool check_unique(struct plan *pl)
{
	bool ok = true;

	for (size_t i = 0; i < pl->n; i++) {
		const struct entry *a = &pl->v[i];

		for (size_t j = 0; j < i; j++) {
			const struct entry *b = &pl->v[j];

			if (a->resolved && b->resolved &&
			    npctl_remote_eq(&a->r, &b->r)) {
				file_error(pl, a->line, "the same port as line %u",
					   b->line);
				ok = false;
			}
			if ((a->want.given & b->want.given & NPCTL_S_INDEX) &&
			    a->want.index == b->want.index) {
				file_error(pl, a->line, "index %u is taken by line %u",
					   a->want.index, b->line);
				ok = false;
			}
			if (a->want.label[0] &&
			    !strcmp(a->want.label, b->want.label)) {
				file_error(pl, a->line, "label %s is taken by line %u",
					   a->want.label, b->line);
				ok = false;
			}
		}
	}
	return ok;
}

static int read_file(struct plan *pl, const char *path)
{
	char *line = NULL, *w[MAX_WORDS];
	unsigned int lineno = 0;
	size_t cap = 0;
	bool ok = true;
	FILE *f;
	int n;

	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "npctl: apply: %s: %s\n", path, strerror(errno));
		return EXIT_FAIL;
	}
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		n = npctl_split_line(line, w, MAX_WORDS);
		if (n < 0) {
			file_error(pl, lineno, "too many words");
			ok = false;
		} else if (n > 0 && !parse_entry(pl, lineno, n, w)) {
			ok = false;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (ok)
		ok = check_unique(pl);
	return ok ? EXIT_OK : EXIT_USAGE;
}

/* --- doing it --- */

static void say(const char *verb, const struct npctl_port *p,
		const struct npctl_remote *r, const char *rest)
{
	char remote[80];

	if (npctl_flags & F_QUIET)
		return;
	npctl_format_remote(p ? &p->remote : r, remote, sizeof(remote));
	printf("%s %s%s%s%s%s\n", verb, p ? p->tty : "", p ? " " : "", remote,
	       rest[0] ? " " : "", rest);
	fflush(stdout);
}

static void del_port(struct plan *pl, struct npctl_port *p, const char *why)
{
	char rest[128];

	if (p->label[0])
		snprintf(rest, sizeof(rest), "label %s %s", p->label, why);
	else
		snprintf(rest, sizeof(rest), "%s", why);
	say("del", p, NULL, rest);
	if (!(npctl_flags & F_DRY_RUN) &&
	    npctl_port_del(npctl_netlink(), "apply: del", p->index))
		pl->errors++;
}

static void deletions(struct plan *pl)
{
	char why[80];

	for (size_t i = 0; i < pl->n; i++) {
		struct entry *e = &pl->v[i];
		struct npctl_port *p;

		if (e->match < 0 || !(e->want.given & NPCTL_S_INDEX))
			continue;
		p = &pl->ports.v[e->match];
		if (p->index == e->want.index)
			continue;
		snprintf(why, sizeof(why), "(line %u: index %u)", e->line,
			 e->want.index);
		del_port(pl, p, why);
		e->match = -1;
	}
	if (!(npctl_flags & F_PRUNE))
		return;
	if (pl->unresolved) {
		fprintf(stderr, "npctl: apply: not pruning: some lines were skipped\n");
		return;
	}
	for (size_t i = 0; i < pl->ports.n; i++)
		if (!pl->keep[i])
			del_port(pl, &pl->ports.v[i], "(not in the file)");
}

/* A label that moves to another port must first leave the one that has it. */
static void label_moves(struct plan *pl)
{
	struct npctl_spec none = { .given = NPCTL_S_LABEL };

	for (size_t i = 0; i < pl->n; i++) {
		const struct entry *e = &pl->v[i];

		if (!e->want.label[0])
			continue;
		for (size_t j = 0; j < pl->n; j++) {
			const struct entry *o = &pl->v[j];
			struct npctl_port *q;

			if (j == i || o->match < 0)
				continue;
			q = &pl->ports.v[o->match];
			if (strcmp(q->label, e->want.label))
				continue;
			say("set", q, NULL, "no-label");
			if (!(npctl_flags & F_DRY_RUN) &&
			    npctl_port_set(npctl_netlink(), "apply: set", q->index,
					   &none, NPCTL_S_LABEL))
				pl->errors++;
			q->label[0] = '\0';
		}
	}
}

static void changes(struct plan *pl)
{
	char words[512], what[64];

	for (size_t i = 0; i < pl->n; i++) {
		const struct entry *e = &pl->v[i];
		struct npctl_spec have;
		struct npctl_port *p;
		unsigned int d;

		if (e->match < 0)
			continue;
		p = &pl->ports.v[e->match];
		npctl_spec_from_port(p, &have);
		d = npctl_spec_diff(&e->want, &have) & ~NPCTL_S_INDEX;
		if (!d)
			continue;
		npctl_format_spec(&e->want, d, words, sizeof(words));
		say("set", p, NULL, words);
		snprintf(what, sizeof(what), "apply: %s:%u", pl->file, e->line);
		if (!(npctl_flags & F_DRY_RUN) &&
		    npctl_port_set(npctl_netlink(), what, p->index, &e->want, d))
			pl->errors++;
	}
}

static void additions(struct plan *pl, bool with_index)
{
	char words[512], what[64];
	struct npctl_spec s;
	struct npctl_port p;

	for (size_t i = 0; i < pl->n; i++) {
		const struct entry *e = &pl->v[i];

		if (!e->resolved || e->match >= 0 ||
		    !(e->want.given & NPCTL_S_INDEX) != !with_index)
			continue;
		s = e->want;
		if (!s.label[0])
			s.given &= ~NPCTL_S_LABEL;
		npctl_format_spec(&e->want, e->want.given & NPCTL_S_INDEX,
				  words, sizeof(words));
		if (npctl_flags & F_DRY_RUN) {
			say("add", NULL, &e->r, words);
			continue;
		}
		snprintf(what, sizeof(what), "apply: %s:%u", pl->file, e->line);
		if (npctl_port_new(npctl_netlink(), what, &e->r, &s, &p))
			pl->errors++;
		else
			say("add", &p, NULL, "");
	}
}

static void match(struct plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		struct entry *e = &pl->v[i];

		for (size_t j = 0; e->resolved && j < pl->ports.n; j++) {
			if (npctl_remote_eq(&e->r, &pl->ports.v[j].remote)) {
				e->match = (long)j;
				pl->keep[j] = true;
				break;
			}
		}
	}
}

static int apply(const struct npctl_cmd *cmd, int argc, char **argv)
{
	struct plan pl = { 0 };
	int ret;

	if (argc != 1)
		return npctl_usage(cmd, argc ? "one FILE only" : "missing FILE");
	pl.file = strcmp(argv[0], "-") ? argv[0] : "<stdin>";
	ret = read_file(&pl, argv[0]);
	if (ret)
		goto out;
	ret = EXIT_FAIL;
	if (!npctl_netlink() || npctl_ports_fetch(npctl_netlink(), &pl.ports))
		goto out;
	pl.keep = calloc(pl.ports.n + 1, sizeof(*pl.keep));
	if (!pl.keep)
		goto out;
	match(&pl);
	deletions(&pl);
	label_moves(&pl);
	changes(&pl);
	additions(&pl, true);
	additions(&pl, false);
	ret = pl.errors || pl.unresolved ? EXIT_FAIL : EXIT_OK;
out:
	free(pl.keep);
	npctl_ports_free(&pl.ports);
	free(pl.v);
	return ret;
}

const struct npctl_cmd npctl_cmd_apply = {
	.name = "apply",
	.args = "FILE|- [--prune] [-n]",
	.summary = "make the ports match a config file",
	.help =
"FILE has one port per line, as the arguments of 'npctl add':\n"
"  HOST[:PORT] [index N] [cmd-port N | no-cmd] [label L] [OPTION VALUE]...\n"
"'#' starts a comment.  A line's port is the one with its address and data\n"
"port: missing ones are added, changed ones are set (an index change\n"
"deletes and adds the port again), and settings a line leaves out go back\n"
"to their defaults.  Ports not in FILE are left alone, or deleted with\n"
"--prune.  Each change is printed (\"add\", \"set\", \"del\" lines); when\n"
"the ports already match FILE nothing is done and nothing printed.\n"
"A syntax error anywhere stops apply before it changes anything (exit 2);\n"
"a host name that does not resolve skips its line (and pruning), exit 1.\n",
	.flags = F_PRUNE | F_DRY_RUN | F_QUIET,
	.fn = apply,
};

/* --- dump --- */

static int dump(const struct npctl_cmd *cmd, int argc, char **argv)
{
	struct npctl_ports ports;
	char line[512];

	(void)argv;
	if (argc)
		return npctl_usage(cmd, "unexpected '%s'", argv[0]);
	if (!npctl_netlink() || npctl_ports_fetch(npctl_netlink(), &ports))
		return EXIT_FAIL;
	printf("# nptty ports, from 'npctl dump'; load them with 'npctl apply FILE'.\n"
	       "# HOST[:PORT] [index N] [cmd-port N | no-cmd] [label L] [OPTION VALUE]...\n");
	for (size_t i = 0; i < ports.n; i++) {
		npctl_format_conf(&ports.v[i], line, sizeof(line));
		printf("%s\n", line);
	}
	npctl_ports_free(&ports);
	return EXIT_OK;
}

const struct npctl_cmd npctl_cmd_dump = {
	.name = "dump",
	.args = "",
	.summary = "print the ports as a config file for apply",
	.help =
"Each port is one line with its address, index and the settings that\n"
"differ from the defaults; 'npctl apply' of the output recreates them.\n",
	.fn = dump,
};
