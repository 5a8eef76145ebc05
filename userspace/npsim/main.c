// SPDX-License-Identifier: GPL-2.0
/*
 * npsim - a simulated Moxa NPort in TCP Server mode.  Options, start-up,
 * the poll() loop and clean shutdown.  With no arguments: one serial port,
 * data on 127.0.0.1:4001, command port on 127.0.0.1:966, loopback plug.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "npsim.h"

struct options opt = {
	.nports = 1,
	.listen = "127.0.0.1",
	.data_base = NPTTY_ASPP_DATA_PORT,
	.cmd_base = NPTTY_ASPP_CMD_PORT,
	.max_conn = 1,
	.notify_default = true,
	.txq_max = NPSIM_TXQ_DEFAULT,
	.verbose = 1,
};

struct sim_port ports[NPSIM_MAX_PORTS];

static volatile sig_atomic_t stop_sig;
static int sig_pipe[2] = { -1, -1 };

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: npsim [OPTIONS]\n"
"A simulated Moxa NPort serial device server in TCP Server mode: for each\n"
"serial port a raw data TCP port and a command port speaking the NPort\n"
"command protocol (ASPP).  Logs one line per event on stderr.\n"
"\n"
"Ports and network:\n"
"  -n, --ports N            serial ports, 1..%d (default 1)\n"
"  -l, --listen ADDR        listen address, IPv4 or IPv6 (default 127.0.0.1)\n"
"  -d, --data-port P        data TCP port of port 1, port i uses P+i-1\n"
"                           (default 4001; 0 = any free port)\n"
"  -c, --cmd-port P|none    command port of port 1, port i uses P+i-1\n"
"                           (default 966; 0 = any free port; none = off)\n"
"      --port-base P, --cmd-base P   the same as -d, -c\n"
"  -m, --max-conn N         connections per port and kind, 1..8 (default 1);\n"
"                           serial input is copied to every data client\n"
"      --overflow refuse|queue  a client over the limit is accepted and\n"
"                           closed (default), or left waiting in the backlog\n"
"\n"
"Serial side:\n"
"  -s, --serial [PORT=]SPEC backend of PORT (1-based; all ports without it):\n"
"                           loopback    TX->RX, RTS->CTS, DTR->DSR+DCD (default)\n"
"                           pty[:LINK]  a pty pair; the slave path is logged\n"
"                                       (event \"pty\") and symlinked to LINK\n"
"                           /dev/NAME or tty:PATH  a real serial device\n"
"      --backend            the same as --serial\n"
"      --pace               send to the serial side no faster than the baud\n"
"                           rate allows (start + data + parity + stop bits)\n"
"      --txq-size N         network->serial queue per port (default %d);\n"
"                           the data socket is not read while it is full\n"
"\n"
"Command port:\n"
"      --notify on|off      NOTIFY enabled before START_NOTIFY (default on)\n"
"      --drain now|block    WAIT_OQUEUE answers at once with the queued count\n"
"                           (default), or when the queue is empty or the\n"
"                           timeout (read as ms, max 30 s) expires\n"
"      --polling SECS       send POLLING every SECS seconds\n"
"      --alive-timeout SECS drop the client's session (command and data\n"
"                           connections) when ALIVE is not back in time\n"
"                           (default: the polling interval)\n"
"\n"
"Tests and logs:\n"
"  -e, --events FILE        append every event as one JSON object per line\n"
"                           (\"-\" = stdout)\n"
"  -r, --ready-file FILE    written once everything listens: one line per\n"
"                           port \"port=N data=P cmd=P|none serial=PATH\"\n"
"      --control PATH       UNIX socket taking text commands (modem, notify,\n"
"                           inject, serial, poll, drop, state): see\n"
"                           docs/npsim.md\n"
"  -f, --fault SPEC         inject a fault (repeatable, see below)\n"
"  -q, --quiet              no event lines on stderr\n"
"  -v, --verbose            also log lost serial input\n"
"  -h, --help               this text\n"
"\n", NPSIM_MAX_PORTS, NPSIM_TXQ_DEFAULT);
	if (f == stdout)
		fault_help();
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_serial(const char *arg, bool *given)
{
	const char *eq = strchr(arg, '=');
	int port = 0;

	if (eq && arg[0] >= '0' && arg[0] <= '9') {
		char num[8];

		if (eq - arg >= (int)sizeof(num))
			return -1;
		memcpy(num, arg, eq - arg);
		num[eq - arg] = 0;
		if (parse_int(num, 1, NPSIM_MAX_PORTS, &port))
			return -1;
		arg = eq + 1;
	}
	if (strlen(arg) >= sizeof(opt.be_spec[0]) || !*arg)
		return -1;
	for (int i = 0; i < NPSIM_MAX_PORTS; i++) {
		if (port && i != port - 1)
			continue;
		if (!port && given[i])
			continue;
		strcpy(opt.be_spec[i], arg);
		if (port)
			given[i] = true;
	}
	return 0;
}

enum {
	OPT_OVERFLOW = 256, OPT_PACE, OPT_TXQ, OPT_NOTIFY, OPT_DRAIN,
	OPT_POLLING, OPT_ALIVE, OPT_CONTROL,
};

static int parse_options(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ports", required_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, 'l' },
		{ "data-port", required_argument, NULL, 'd' },
		{ "port-base", required_argument, NULL, 'd' },
		{ "cmd-port", required_argument, NULL, 'c' },
		{ "cmd-base", required_argument, NULL, 'c' },
		{ "max-conn", required_argument, NULL, 'm' },
		{ "overflow", required_argument, NULL, OPT_OVERFLOW },
		{ "serial", required_argument, NULL, 's' },
		{ "backend", required_argument, NULL, 's' },
		{ "pace", no_argument, NULL, OPT_PACE },
		{ "txq-size", required_argument, NULL, OPT_TXQ },
		{ "notify", required_argument, NULL, OPT_NOTIFY },
		{ "drain", required_argument, NULL, OPT_DRAIN },
		{ "polling", required_argument, NULL, OPT_POLLING },
		{ "alive-timeout", required_argument, NULL, OPT_ALIVE },
		{ "events", required_argument, NULL, 'e' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "fault", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool given[NPSIM_MAX_PORTS] = { 0 };
	int c, v;

	for (int i = 0; i < NPSIM_MAX_PORTS; i++)
		strcpy(opt.be_spec[i], "loopback");
	while ((c = getopt_long(argc, argv, "n:l:d:c:m:s:e:r:f:qvh", lo,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_int(optarg, 1, NPSIM_MAX_PORTS, &opt.nports))
				goto bad;
			break;
		case 'l':
			if (strlen(optarg) >= sizeof(opt.listen))
				goto bad;
			strcpy(opt.listen, optarg);
			break;
		case 'd':
			if (parse_int(optarg, 0, 65535, &opt.data_base))
				goto bad;
			break;
		case 'c':
			if (!strcmp(optarg, "none"))
				opt.cmd_base = -1;
			else if (parse_int(optarg, 0, 65535, &opt.cmd_base))
				goto bad;
			break;
		case 'm':
			if (parse_int(optarg, 1, NPSIM_MAX_CONN, &opt.max_conn))
				goto bad;
			break;
		case OPT_OVERFLOW:
			if (!strcmp(optarg, "refuse"))
				opt.overflow = OVERFLOW_REFUSE;
			else if (!strcmp(optarg, "queue"))
				opt.overflow = OVERFLOW_QUEUE;
			else
				goto bad;
			break;
		case 's':
			if (parse_serial(optarg, given))
				goto bad;
			break;
		case OPT_PACE:
			opt.pace = true;
			break;
		case OPT_TXQ:
			if (parse_int(optarg, 1, 1 << 24, &v))
				goto bad;
			opt.txq_max = v;
			break;
		case OPT_NOTIFY:
			if (strcmp(optarg, "on") && strcmp(optarg, "off"))
				goto bad;
			opt.notify_default = !strcmp(optarg, "on");
			break;
		case OPT_DRAIN:
			if (!strcmp(optarg, "now"))
				opt.drain = DRAIN_NOW;
			else if (!strcmp(optarg, "block"))
				opt.drain = DRAIN_BLOCK;
			else
				goto bad;
			break;
		case OPT_POLLING:
			if (parse_int(optarg, 1, 3600, &opt.polling))
				goto bad;
			break;
		case OPT_ALIVE:
			if (parse_int(optarg, 1, 3600, &opt.alive_timeout))
				goto bad;
			break;
		case 'e':
			opt.events = optarg;
			break;
		case 'r':
			opt.ready_file = optarg;
			break;
		case OPT_CONTROL:
			opt.control = optarg;
			break;
		case 'f':
			if (fault_parse(optarg))
				goto bad;
			break;
		case 'q':
			opt.verbose = 0;
			break;
		case 'v':
			opt.verbose = 2;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "npsim: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (opt.data_base > 0 && opt.data_base + opt.nports - 1 > 65535)
		goto range;
	if (opt.cmd_base > 0 && opt.cmd_base + opt.nports - 1 > 65535)
		goto range;
	if (!opt.alive_timeout)
		opt.alive_timeout = opt.polling;
	return 0;
range:
	fprintf(stderr, "npsim: port numbers past 65535\n");
	return -1;
bad:
	fprintf(stderr, "npsim: bad option value '%s' (see --help)\n", optarg);
	return -1;
}

static int write_ready(void)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (!opt.ready_file)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", opt.ready_file);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	for (int i = 0; i < opt.nports; i++) {
		struct sim_port *p = &ports[i];

		fprintf(f, "port=%d data=%d ", p->num,
			p->data_l.fd >= 0 ? p->data_l.port : 0);
		if (p->cmd_l.fd >= 0)
			fprintf(f, "cmd=%d", p->cmd_l.port);
		else
			fprintf(f, "cmd=none");
		fprintf(f, " serial=%s\n", p->link[0] ? p->link : p->path);
	}
	if (fclose(f) || rename(tmp, opt.ready_file))
		return -1;
	return 0;
}

static void on_signal(int sig)
{
	int e = errno;

	stop_sig = sig;
	if (write(sig_pipe[1], "x", 1) < 0)
		(void)0;
	errno = e;
}

static int setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC))
		return -1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Free connections closed during the last turn. */
static void reap(void)
{
	for (int i = 0; i < opt.nports; i++)
		for (int k = 0; k < 2; k++)
			for (int s = 0; s < NPSIM_MAX_CONN; s++) {
				struct conn *c = ports[i].conns[k][s];

				if (c && c->dead) {
					buf_free(&c->in);
					buf_free(&c->out);
					free(c);
					ports[i].conns[k][s] = NULL;
				}
			}
}

enum ref_type { R_SIG, R_LISTEN, R_CONN, R_SERIAL, R_CONTROL };

#define MAX_FDS (1 + NPSIM_MAX_PORTS * (3 + 2 * NPSIM_MAX_CONN) + 16)

static struct pollfd pfd[MAX_FDS];
static enum ref_type rtype[MAX_FDS];
static void *rptr[MAX_FDS];

static int add_fd(int n, int fd, short events, enum ref_type t, void *p)
{
	pfd[n] = (struct pollfd){ .fd = fd, .events = events };
	rtype[n] = t;
	rptr[n] = p;
	return n + 1;
}

static int build_pollset(void)
{
	int n = add_fd(0, sig_pipe[0], POLLIN, R_SIG, NULL);
	void *crefs[16];
	int k;

	for (int i = 0; i < opt.nports; i++) {
		struct sim_port *p = &ports[i];
		struct listener *ls[2] = { &p->data_l, &p->cmd_l };
		size_t room;

		for (int j = 0; j < 2; j++)
			for (int s = 0; s < NPSIM_MAX_CONN; s++) {
				struct conn *c = p->conns[j][s];
				short ev = 0;

				if (!c || c->dead)
					continue;
				if (j == CONN_CMD || p->txq.len < p->txq_max)
					ev |= POLLIN;
				if (c->out.len)
					ev |= POLLOUT;
				n = add_fd(n, c->fd, ev, R_CONN, c);
			}
		/* Listeners after connections: a client's EOF is seen
		 * before a new client takes its slot.
		 */
		for (int j = 0; j < 2; j++)
			if (ls[j]->fd >= 0 && (opt.overflow == OVERFLOW_REFUSE ||
			    port_conn_count(p, j) < opt.max_conn))
				n = add_fd(n, ls[j]->fd, POLLIN, R_LISTEN, ls[j]);
		if (p->fd >= 0) {
			short ev = 0;

			if (!data_room(p, &room) || room)
				ev |= POLLIN;
			if (p->tx_blocked)
				ev |= POLLOUT;
			n = add_fd(n, p->fd, ev, R_SERIAL, p);
		}
	}
	k = control_pollfds(pfd + n, 16, crefs);
	for (int j = 0; j < k; j++) {
		rtype[n + j] = R_CONTROL;
		rptr[n + j] = crefs[j];
	}
	return n + k;
}

static int poll_timeout(void)
{
	int64_t t = INT64_MAX, now = now_ns();

	for (int i = 0; i < opt.nports; i++) {
		int64_t a = serial_next_timer(&ports[i]);
		int64_t b = cmd_next_timer(&ports[i]);

		if (a < t)
			t = a;
		if (b < t)
			t = b;
	}
	if (t == INT64_MAX)
		return -1;
	if (t <= now)
		return 0;
	t = (t - now + 999999) / 1000000;
	return t > 60000 ? 60000 : (int)t;
}

static void dispatch(int i)
{
	short re = pfd[i].revents;

	switch (rtype[i]) {
	case R_SIG: {
		char b[16];

		while (read(sig_pipe[0], b, sizeof(b)) > 0)
			;
		break;
	}
	case R_LISTEN:
		conn_accept(rptr[i]);
		break;
	case R_CONN: {
		struct conn *c = rptr[i];

		if (!c->dead && (re & POLLOUT))
			conn_write(c);
		if (!c->dead && (re & (POLLIN | POLLHUP | POLLERR)))
			conn_read(c);
		if (!c->dead && c->kind == CONN_CMD && c->out.len > NPSIM_OUT_MAX)
			conn_close(c, "client does not read");
		break;
	}
	case R_SERIAL: {
		struct sim_port *p = rptr[i];

		if (re & POLLOUT)
			p->tx_blocked = false;
		if (re & POLLIN)
			serial_read_fd(p);
		break;
	}
	case R_CONTROL:
		control_handle(rptr[i], re);
		break;
	}
}

static int run(void)
{
	while (!stop_sig) {
		int n, ret;

		reap();
		n = build_pollset();
		ret = poll(pfd, n, poll_timeout());
		if (ret < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; ret > 0 && i < n; i++)
			if (pfd[i].revents)
				dispatch(i);
		for (int i = 0; i < opt.nports; i++) {
			serial_timers(&ports[i]);
			cmd_timers(&ports[i]);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 1;

	if (parse_options(argc, argv))
		return 2;
	if (events_open(opt.events)) {
		logmsg("cannot open %s: %s", opt.events, strerror(errno));
		return 1;
	}
	if (setup_signals())
		return 1;
	for (int i = 0; i < opt.nports; i++) {
		ports[i].num = i + 1;
		ports[i].fd = ports[i].slave_fd = -1;
		ports[i].data_l.fd = ports[i].cmd_l.fd = -1;
		strcpy(ports[i].be_spec, opt.be_spec[i]);
	}
	for (int i = 0; i < opt.nports; i++)
		if (serial_open(&ports[i]))
			goto out;
	if (net_listen_all() || control_open(opt.control))
		goto out;
	if (write_ready()) {
		logmsg("cannot write %s: %s", opt.ready_file, strerror(errno));
		goto out;
	}
	ev_begin(0, "ready");
	ev_int("ports", opt.nports);
	ev_end();
	ret = run() ? 1 : 0;
	ev_begin(0, "shutdown");
	if (stop_sig)
		ev_str("signal", strsignal(stop_sig));
	ev_end();
out:
	net_close_all();
	control_close();
	for (int i = 0; i < opt.nports; i++)
		serial_close(&ports[i]);
	if (opt.ready_file && !ret)
		unlink(opt.ready_file);
	events_close();
	return ret;
}
