/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nptty - the dead-peer clock of a data link.
 *
 * Pure: no locks, no sockets, no time source.  kmod/link.c feeds it one
 * sample per watch period from the link's state work (under link->mutex);
 * selftests/unit_watch.c feeds it made-up samples in userspace.
 *
 * A sample says whether the peer owes an answer (bytes in flight, or an
 * unanswered window or keepalive probe) and when it last answered at all
 * (the socket's last-ACK stamp).  The peer is dead when one debt has stood
 * for @timeout with no answer.  The silence is counted from the first
 * sample that saw the debt, never from an earlier sample that saw none: a
 * sample that runs late (a starved guest, a busy workqueue) would otherwise
 * count the idle time before the bytes were even sent and drop a link
 * whose peer is answering.  Detection thus comes between @timeout and
 * @timeout plus two sample periods after the debt arose.
 */
#ifndef NPTTY_WATCH_H
#define NPTTY_WATCH_H

#ifdef __KERNEL__
#include <linux/jiffies.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <linux/types.h>
typedef __u32 u32;
#define time_after(a, b)	((long)((b) - (a)) < 0)
#endif

struct nptty_watch {
	unsigned long since;	/* when the standing debt was first seen */
	u32 stamp;		/* the peer's last answer at that sample */
	bool owed;		/* the last sample saw a debt */
};

/* A new connection: nothing owed yet. */
static inline void nptty_watch_reset(struct nptty_watch *w)
{
	*w = (struct nptty_watch){ .owed = false };
}

/* One sample at @now; true when the peer is to be declared dead. */
static inline bool nptty_watch_dead(struct nptty_watch *w, bool owed,
				    u32 stamp, unsigned long now,
				    unsigned long timeout)
{
	if (!owed) {
		w->owed = false;
		return false;
	}
	if (!w->owed || stamp != w->stamp) {
		w->owed = true;
		w->stamp = stamp;
		w->since = now;
		return false;
	}
	return time_after(now, w->since + timeout);
}

#endif /* NPTTY_WATCH_H */
