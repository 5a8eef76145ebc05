/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP output for nptty's C selftests, with kselftest exit codes.
 *
 *	ktap_plan(3);
 *	ktap_ok(fd >= 0, "open %s", path);
 *	return ktap_finish();
 */
#ifndef NPTTY_KTAP_H
#define NPTTY_KTAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

static int ktap_n, ktap_failed, ktap_skipped;

static inline void ktap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

__attribute__((format(printf, 2, 3)))
static inline int ktap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	ktap_n++;
	if (!cond)
		ktap_failed++;
	printf("%sok %d ", cond ? "" : "not ", ktap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

__attribute__((format(printf, 1, 2)))
static inline void ktap_skip(const char *fmt, ...)
{
	va_list ap;

	ktap_n++;
	ktap_skipped++;
	printf("ok %d ", ktap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP\n");
	fflush(stdout);
}

__attribute__((format(printf, 1, 2)))
static inline void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

__attribute__((noreturn, format(printf, 1, 2)))
static inline void ktap_skip_all(const char *fmt, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(KSFT_SKIP);
}

static inline int ktap_finish(void)
{
	if (ktap_failed)
		return KSFT_FAIL;
	if (ktap_n && ktap_skipped == ktap_n)
		return KSFT_SKIP;
	return KSFT_PASS;
}

#endif /* NPTTY_KTAP_H */
