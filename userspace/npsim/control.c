// SPDX-License-Identifier: GPL-2.0
/*
 * npsim control socket (--control PATH): a UNIX stream socket taking one
 * text command per line, for tests that need to act on the serial side.
 * Every command gets one line back: "ok [...]" or "error MESSAGE".
 *
 *   modem PORT auto | [dsr=0|1] [cts=0|1] [dcd=0|1] [ri=0|1]
 *                      force modem inputs (auto: back to the wiring)
 *   notify PORT EVENTS send NOTIFY with these event bits (0x01 parity...)
 *   inject PORT HEX    raw bytes to the port's command clients
 *   serial PORT HEX    bytes received on the serial line -> data clients
 *   poll PORT          send POLLING now
 *   drop PORT data|cmd|all   close the port's connections
 *   state PORT         ok {JSON of the port's current settings}
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "npsim.h"

#define MAX_CTL 8

struct ctl {
	int fd;
	char line[1024];
	size_t len;
};

static int lfd = -1;
static char lpath[108];
static struct ctl ctls[MAX_CTL];
static int ref_listen;

int control_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	for (int i = 0; i < MAX_CTL; i++)
		ctls[i].fd = -1;
	if (!path)
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	strcpy(lpath, path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 4)) {
		logmsg("control socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void control_close(void)
{
	for (int i = 0; i < MAX_CTL; i++)
		if (ctls[i].fd >= 0)
			close(ctls[i].fd);
	if (lfd >= 0) {
		close(lfd);
		unlink(lpath);
	}
	lfd = -1;
}

int control_pollfds(struct pollfd *pfd, int max, void **refs)
{
	int n = 0;

	if (lfd < 0 || max < MAX_CTL + 1)
		return 0;
	pfd[n] = (struct pollfd){ .fd = lfd, .events = POLLIN };
	refs[n++] = &ref_listen;
	for (int i = 0; i < MAX_CTL; i++)
		if (ctls[i].fd >= 0) {
			pfd[n] = (struct pollfd){ .fd = ctls[i].fd, .events = POLLIN };
			refs[n++] = &ctls[i];
		}
	return n;
}

static int hex_decode(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (*s) {
		unsigned int v;

		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		if (n == max || sscanf(s, "%2x", &v) != 1 || !s[1])
			return -1;
		out[n++] = v;
		s += 2;
	}
	return n;
}

static void say(struct ctl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct ctl *c, const char *fmt, ...)
{
	char b[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(b) - 2)
		n = sizeof(b) - 2;
	b[n++] = '\n';
	if (send(c->fd, b, n, MSG_NOSIGNAL) < 0)
		return;
}

static void cmd_modem(struct ctl *c, struct sim_port *p, char *args)
{
	static const struct { const char *k; uint8_t bit; } lines[] = {
		{ "dsr", NPTTY_ASPP_MSR_DSR }, { "cts", NPTTY_ASPP_MSR_CTS },
		{ "dcd", NPTTY_ASPP_MSR_DCD }, { "ri", NPTTY_ASPP_MSR_RI },
	};
	char *tok, *save;

	if (!strncmp(args, "auto", 4)) {
		p->msr_force_mask = 0;
	} else {
		for (tok = strtok_r(args, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			unsigned int i;

			for (i = 0; i < 4; i++) {
				size_t l = strlen(lines[i].k);

				if (!strncmp(tok, lines[i].k, l) && tok[l] == '=')
					break;
			}
			if (i == 4) {
				say(c, "error bad line '%s'", tok);
				return;
			}
			p->msr_force_mask |= lines[i].bit;
			if (atoi(strchr(tok, '=') + 1))
				p->msr_force_val |= lines[i].bit;
			else
				p->msr_force_val &= ~lines[i].bit;
		}
	}
	if (p->be->modem_poll)
		p->be->modem_poll(p);
	else
		serial_update_msr(p, msr_wiring(p));
	say(c, "ok");
}

static void cmd_state(struct ctl *c, struct sim_port *p)
{
	const struct nptty_aspp_serial *s = &p->ser;

	say(c, "ok {\"port\":%d,\"baud\":%u,\"baud_idx\":%u,\"data_bits\":%u,"
	    "\"stop_bits\":%u,\"parity\":%u,\"crtscts\":%d,\"ixon\":%d,"
	    "\"ixoff\":%d,\"xon_char\":%u,\"xoff_char\":%u,\"dtr\":%d,"
	    "\"rts\":%d,\"msr\":%u,\"break\":%d,\"xoff\":%d,\"tx_fifo\":%u,"
	    "\"outq\":%u,\"data_conns\":%d,\"cmd_conns\":%d,\"path\":\"%s\"}",
	    p->num, s->baud, p->baud_idx, s->data_bits, s->stop_bits,
	    s->parity, s->crtscts, s->ixon, s->ixoff, s->xon_char,
	    s->xoff_char, s->dtr, s->rts, p->msr, p->brk, p->xoff, p->tx_fifo,
	    serial_outq(p), port_conn_count(p, CONN_DATA),
	    port_conn_count(p, CONN_CMD), p->path);
}

static void run(struct ctl *c, char *line)
{
	char cmd[16], rest[1024] = "";
	uint8_t bytes[256];
	struct sim_port *p;
	int port, n;

	n = sscanf(line, "%15s %d %1023[^\n]", cmd, &port, rest);
	if (n < 2 || port < 1 || port > opt.nports) {
		say(c, "error usage: COMMAND PORT [ARGS]");
		return;
	}
	p = &ports[port - 1];
	if (!strcmp(cmd, "modem")) {
		cmd_modem(c, p, rest);
	} else if (!strcmp(cmd, "notify")) {
		cmd_notify(p, strtoul(rest, NULL, 0));
		cmd_notify_flush(p);
		say(c, "ok");
	} else if (!strcmp(cmd, "inject") || !strcmp(cmd, "serial")) {
		n = hex_decode(rest, bytes, sizeof(bytes));
		if (n < 0) {
			say(c, "error bad hex");
			return;
		}
		if (cmd[0] == 's') {
			serial_rx(p, bytes, n);
		} else {
			for (int s = 0; s < NPSIM_MAX_CONN; s++)
				if (p->conns[CONN_CMD][s])
					conn_send(p->conns[CONN_CMD][s], bytes, n);
		}
		say(c, "ok");
	} else if (!strcmp(cmd, "poll")) {
		cmd_send_polling(p);
		say(c, "ok");
	} else if (!strcmp(cmd, "drop")) {
		for (int k = 0; k < 2; k++)
			for (int s = 0; s < NPSIM_MAX_CONN; s++) {
				struct conn *x = p->conns[k][s];

				if (x && (!strcmp(rest, "all") ||
					  !strcmp(rest, k ? "cmd" : "data")))
					conn_close(x, "control drop");
			}
		say(c, "ok");
	} else if (!strcmp(cmd, "state")) {
		cmd_state(c, p);
	} else {
		say(c, "error unknown command '%s'", cmd);
	}
}

void control_handle(void *ref, short revents)
{
	struct ctl *c = ref;
	ssize_t n;
	char *nl;

	(void)revents;
	if (ref == &ref_listen) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		for (int i = 0; fd >= 0 && i < MAX_CTL; i++)
			if (ctls[i].fd < 0) {
				ctls[i] = (struct ctl){ .fd = fd };
				return;
			}
		if (fd >= 0)
			close(fd);
		return;
	}
	n = recv(c->fd, c->line + c->len, sizeof(c->line) - 1 - c->len, 0);
	if (n <= 0) {
		if (n < 0 && errno == EAGAIN)
			return;
		close(c->fd);
		c->fd = -1;
		return;
	}
	c->len += n;
	c->line[c->len] = 0;
	while ((nl = strchr(c->line, '\n'))) {
		*nl = 0;
		run(c, c->line);
		memmove(c->line, nl + 1, c->len - (nl + 1 - c->line) + 1);
		c->len -= nl + 1 - c->line;
	}
	if (c->len == sizeof(c->line) - 1) {
		close(c->fd);
		c->fd = -1;
	}
}
