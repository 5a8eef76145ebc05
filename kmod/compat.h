/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences between the kernels nptty supports (5.10 and newer).
 * Every LINUX_VERSION_CODE test of the module lives here and nowhere else.
 */
#ifndef NPTTY_COMPAT_H
#define NPTTY_COMPAT_H

#include <linux/version.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/netlink.h>

/* 6.6: tty_operations.write() takes and returns size_t/ssize_t. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define NPTTY_WRITE_RET		ssize_t
#define NPTTY_WRITE_COUNT	size_t
#else
#define NPTTY_WRITE_RET		int
#define NPTTY_WRITE_COUNT	int
#endif

/* 6.1: tty_operations.set_termios() gets the old termios as const. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define NPTTY_OLD_TERMIOS	const struct ktermios
#else
#define NPTTY_OLD_TERMIOS	struct ktermios
#endif

/* 5.14: tty_operations.write_room()/chars_in_buffer() return unsigned int. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 14, 0)
#define NPTTY_ROOM_RET		unsigned int
#else
#define NPTTY_ROOM_RET		int
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

/*
 * 6.0: a missing required attribute is reported in the extack
 * (GENL_REQ_ATTR_CHECK); before, the caller's message alone says it.
 */
#ifndef GENL_REQ_ATTR_CHECK
#define GENL_REQ_ATTR_CHECK(info, attr)	(!(info)->attrs[(attr)])
#endif

/* 5.11: nla_strlcpy() was renamed nla_strscpy(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define nla_strscpy		nla_strlcpy
#endif

/*
 * 6.1: genl_family.resv_start_op; before, every op is validated strictly
 * unless it says otherwise, which is what the field asks for.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define NPTTY_HAVE_RESV_START_OP	1
#else
#define NPTTY_HAVE_RESV_START_OP	0
#endif

/* 6.7: genl_info_userhdr(); not needed (no user header). */

#endif /* NPTTY_COMPAT_H */
