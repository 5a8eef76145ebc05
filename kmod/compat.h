/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels nptty supports (6.1 and newer).
 * Every LINUX_VERSION_CODE test of the module lives here and nowhere else.
 */
#ifndef NPTTY_COMPAT_H
#define NPTTY_COMPAT_H

#include <linux/version.h>
#include <linux/net.h>

/* 6.6: tty_operations.write() takes and returns size_t/ssize_t. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define NPTTY_WRITE_RET		ssize_t
#define NPTTY_WRITE_COUNT	size_t
#else
#define NPTTY_WRITE_RET		int
#define NPTTY_WRITE_COUNT	int
#endif

/* 6.2: tty_port carrier_raised() returns bool, dtr_rts() takes a bool. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define NPTTY_CARRIER_RET	bool
#define NPTTY_DTR_RTS_ARG	bool
#else
#define NPTTY_CARRIER_RET	int
#define NPTTY_DTR_RTS_ARG	int
#endif

/* 6.19: kernel_connect() takes a struct sockaddr_unsized. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define nptty_kernel_connect(sock, addr, len, flags) \
	kernel_connect(sock, (struct sockaddr_unsized *)(addr), len, flags)
#else
#define nptty_kernel_connect(sock, addr, len, flags) \
	kernel_connect(sock, (struct sockaddr *)(addr), len, flags)
#endif

/* 6.7: genl_info_userhdr(); not needed (no user header). */

#endif /* NPTTY_COMPAT_H */
