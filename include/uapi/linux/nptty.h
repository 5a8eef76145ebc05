/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * nptty: generic netlink ABI.
 *
 * A port maps one /dev/ttyNP<index> to one serial port of a remote NPort:
 * an IPv4 or IPv6 address, a data TCP port and an optional command TCP port.
 * The spec of this family is docs/netlink/nptty.yaml; keep them in step.
 * Values are append-only: never renumber.
 *
 * Commands (all take and return the "port" attribute set below):
 *   PORT_NEW  create a port; needs ADDR4 or ADDR6 and DATA_PORT; INDEX asks
 *             for a given index (else the lowest free one).  Replies with the
 *             new port (INDEX, TTY_NAME, ...).  CAP_NET_ADMIN.
 *   PORT_DEL  delete the port named by INDEX; an open tty is hung up and the
 *             port is freed when its last user closes it.  CAP_NET_ADMIN.
 *   PORT_GET  do: the port named by INDEX; dump: every port of the caller's
 *             network namespace.  Anyone.
 *   PORT_SET  change settings of the port named by INDEX (LABEL "" removes
 *             the label).  CAP_NET_ADMIN.
 *   PORT_NTF  notification sent to the "monitor" group, with NTF_REASON.
 *
 * CAP_NET_ADMIN means in the initial user namespace: the ttys are global.
 * Each command has a strict policy of its own (see the spec).
 */
#ifndef _UAPI_LINUX_NPTTY_H
#define _UAPI_LINUX_NPTTY_H

#include <linux/types.h>

#define NPTTY_FAMILY_NAME	"nptty"
#define NPTTY_FAMILY_VERSION	1
#define NPTTY_MCGRP_MONITOR	"monitor"

#define NPTTY_LABEL_MAX		32	/* bytes, including the NUL */

enum nptty_cmd {
	NPTTY_CMD_UNSPEC,
	NPTTY_CMD_PORT_NEW,
	NPTTY_CMD_PORT_DEL,
	NPTTY_CMD_PORT_GET,
	NPTTY_CMD_PORT_SET,
	NPTTY_CMD_PORT_NTF,

	__NPTTY_CMD_MAX,
	NPTTY_CMD_MAX = __NPTTY_CMD_MAX - 1
};

/* State of a port's link to the NPort. */
enum nptty_link_state {
	NPTTY_LINK_IDLE = 1,		/* tty not open: no connection */
	NPTTY_LINK_CONNECTING,		/* connecting (first time or again) */
	NPTTY_LINK_UP,			/* data (and command) connection up */
	NPTTY_LINK_BACKOFF,		/* lost; waiting before reconnecting */
	NPTTY_LINK_FAILED,		/* hung up after loss (policy hangup) */
};

/* What a port does when its link is lost while the tty is open. */
enum nptty_loss_policy {
	NPTTY_LOSS_RECONNECT = 1,	/* keep the fd, reconnect with backoff */
	NPTTY_LOSS_HANGUP,		/* hang the tty up, like a modem drop */
};

/* Why a PORT_NTF was sent. */
enum nptty_ntf_reason {
	NPTTY_NTF_ADDED = 1,
	NPTTY_NTF_REMOVED,
	NPTTY_NTF_CHANGED,
	NPTTY_NTF_LINK_UP,
	NPTTY_NTF_LINK_DOWN,
};

enum nptty_a_port {
	NPTTY_A_PORT_UNSPEC,
	NPTTY_A_PORT_INDEX,		/* u32: N of /dev/ttyNP<N> */
	NPTTY_A_PORT_ADDR4,		/* binary[4]: IPv4 address, network order */
	NPTTY_A_PORT_ADDR6,		/* binary[16]: IPv6 address */
	NPTTY_A_PORT_DATA_PORT,		/* u16: data TCP port, 1..65535 */
	NPTTY_A_PORT_CMD_PORT,		/* u16: command TCP port, 0 = none */
	NPTTY_A_PORT_LABEL,		/* string: [A-Za-z0-9_][A-Za-z0-9._-]{0,30} */
	NPTTY_A_PORT_CONNECT_TIMEOUT,	/* u32: ms a blocking open waits */
	NPTTY_A_PORT_KEEPALIVE,		/* u32: s idle before TCP keepalive */
	NPTTY_A_PORT_USER_TIMEOUT,	/* u32: ms, dead-peer timeout */
	NPTTY_A_PORT_LOSS_POLICY,	/* u8: enum nptty_loss_policy */
	NPTTY_A_PORT_TX_RING,		/* u32: transmit ring bytes (power of 2) */
	NPTTY_A_PORT_CMD_TIMEOUT,	/* u32: ms to wait for a command reply */
	NPTTY_A_PORT_SCOPE6,		/* u32: IPv6 scope id (link-local) */

	/* read-only (replies and notifications) */
	NPTTY_A_PORT_TTY_NAME,		/* string: "ttyNP<N>" */
	NPTTY_A_PORT_LINK_STATE,	/* u8: enum nptty_link_state */
	NPTTY_A_PORT_OPEN_COUNT,	/* u32: open file handles */
	NPTTY_A_PORT_LAST_ERROR,	/* u32: last link errno (positive), 0 */
	NPTTY_A_PORT_BAUD,		/* u32: current output baud rate */
	NPTTY_A_PORT_CFLAG,		/* u32: termios c_cflag */
	NPTTY_A_PORT_IFLAG,		/* u32: termios c_iflag */
	NPTTY_A_PORT_MODEM,		/* u32: TIOCM_* bits */
	NPTTY_A_PORT_STATS,		/* nest: enum nptty_a_stats */
	NPTTY_A_PORT_NTF_REASON,	/* u8: enum nptty_ntf_reason */
	NPTTY_A_PORT_PAD,

	__NPTTY_A_PORT_MAX,
	NPTTY_A_PORT_MAX = __NPTTY_A_PORT_MAX - 1
};

enum nptty_a_stats {
	NPTTY_A_STATS_UNSPEC,
	NPTTY_A_STATS_TX_BYTES,		/* u64: bytes handed to the data socket */
	NPTTY_A_STATS_RX_BYTES,		/* u64: bytes received from it */
	NPTTY_A_STATS_CONNECTS,		/* u64: successful connects */
	NPTTY_A_STATS_DISCONNECTS,	/* u64: links lost or closed */
	NPTTY_A_STATS_TX_LOST,		/* u64: sent bytes lost with a dead link */
	NPTTY_A_STATS_RX_DROPPED,	/* u64: received bytes dropped (0!) */
	NPTTY_A_STATS_CMD_ERRORS,	/* u64: malformed or timed-out replies */
	NPTTY_A_STATS_PAD,

	__NPTTY_A_STATS_MAX,
	NPTTY_A_STATS_MAX = __NPTTY_A_STATS_MAX - 1
};

/*
 * What a port gets when PORT_NEW leaves a setting out.  npctl's "dump" omits
 * settings that have these values and "apply" restores them when a config
 * line omits them, so the kernel and npctl must agree on them.
 */
#define NPTTY_DEFAULT_CONNECT_TIMEOUT_MS	5000
#define NPTTY_DEFAULT_KEEPALIVE_S		5
#define NPTTY_DEFAULT_USER_TIMEOUT_MS		10000
#define NPTTY_DEFAULT_LOSS_POLICY		NPTTY_LOSS_RECONNECT
#define NPTTY_DEFAULT_TX_RING			16384
#define NPTTY_DEFAULT_CMD_TIMEOUT_MS		3000

#endif /* _UAPI_LINUX_NPTTY_H */
