// SPDX-License-Identifier: GPL-2.0
/*
 * npsim event log: every event is one human line on stderr (unless -q) and,
 * with --events FILE, one JSON object per line:
 *	{"time":0.123456,"port":1,"event":"cmd","op":"PORT_INIT","baud":9600,...}
 * "port" is 0 for events of the whole simulator.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "npsim.h"

static FILE *ev_file;
static char jbuf[4096], tbuf[4096];
static size_t jlen, tlen;
static int64_t t0;

int events_open(const char *path)
{
	t0 = now_ns();
	if (!path)
		return 0;
	if (!strcmp(path, "-"))
		ev_file = stdout;
	else
		ev_file = fopen(path, "a");
	return ev_file ? 0 : -1;
}

void events_close(void)
{
	if (ev_file && ev_file != stdout)
		fclose(ev_file);
	ev_file = NULL;
}

__attribute__((format(printf, 3, 4)))
static void app(char *b, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= sizeof(jbuf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b + *len, sizeof(jbuf) - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < sizeof(jbuf) - *len ? (size_t)n :
			sizeof(jbuf) - 1 - *len;
}

static void json_escaped(const char *s)
{
	app(jbuf, &jlen, "\"");
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			app(jbuf, &jlen, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			app(jbuf, &jlen, "\\u%04x", c);
		else
			app(jbuf, &jlen, "%c", c);
	}
	app(jbuf, &jlen, "\"");
}

void ev_begin(int port, const char *event)
{
	double t = (now_ns() - t0) / 1e9;

	jlen = tlen = 0;
	app(jbuf, &jlen, "{\"time\":%.6f,\"port\":%d,\"event\":\"%s\"", t,
	    port, event);
	if (port)
		app(tbuf, &tlen, "npsim: [%10.6f] port %d %s", t, port, event);
	else
		app(tbuf, &tlen, "npsim: [%10.6f] %s", t, event);
}

void ev_str(const char *key, const char *val)
{
	app(jbuf, &jlen, ",\"%s\":", key);
	json_escaped(val ? val : "");
	app(tbuf, &tlen, " %s=%s", key, val ? val : "");
}

void ev_int(const char *key, long long val)
{
	app(jbuf, &jlen, ",\"%s\":%lld", key, val);
	app(tbuf, &tlen, " %s=%lld", key, val);
}

void ev_bool(const char *key, bool val)
{
	app(jbuf, &jlen, ",\"%s\":%s", key, val ? "true" : "false");
	app(tbuf, &tlen, " %s=%d", key, val);
}

void ev_hex(const char *key, const uint8_t *b, size_t n)
{
	char hex[3 * 64 + 4];
	size_t i, k = 0;

	for (i = 0; i < n && i < 64; i++)
		k += snprintf(hex + k, sizeof(hex) - k, "%02x", b[i]);
	if (n > 64)
		snprintf(hex + k, sizeof(hex) - k, "...");
	ev_str(key, hex);
}

void ev_end(void)
{
	app(jbuf, &jlen, "}");
	if (ev_file) {
		fprintf(ev_file, "%s\n", jbuf);
		fflush(ev_file);
	}
	if (opt.verbose)
		fprintf(stderr, "%s\n", tbuf);
}

void logmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "npsim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}
