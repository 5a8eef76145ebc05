// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the data link's dead-peer clock (kmod/watch.h, the header
 * nptty.ko uses, built for userspace): samples with made-up times, among
 * them a sample that runs late after an idle one (a starved guest), which
 * the old clock counted from the idle sample and so declared a live peer
 * dead (found by reading the code; cases 4 and 5 fail on that clock).
 */
#include "ktap.h"
#include "watch.h"

#define UT 1000UL		/* the user timeout, in ticks */

/* Feed samples (owed, stamp, now) and return the last verdict. */
struct sample {
	bool owed;
	u32 stamp;
	unsigned long now;
};

static bool run(const struct sample *s, int n, int *first_dead)
{
	struct nptty_watch w;
	bool dead = false;
	int i;

	nptty_watch_reset(&w);
	*first_dead = -1;
	for (i = 0; i < n; i++) {
		dead = nptty_watch_dead(&w, s[i].owed, s[i].stamp, s[i].now, UT);
		if (dead && *first_dead < 0)
			*first_dead = i;
	}
	return dead;
}

#define RUN(first, ...)                                                   \
	run((const struct sample[]){ __VA_ARGS__ },                       \
	    sizeof((const struct sample[]){ __VA_ARGS__ }) /              \
		    sizeof(struct sample), (first))

int main(void)
{
	int first;
	bool dead;

	ktap_plan(8);

	dead = RUN(&first, { false, 5, 0 }, { false, 5, 250 }, { false, 5, 5000 });
	ktap_ok(!dead && first < 0, "an idle link (nothing owed) never dies");

	dead = RUN(&first, { true, 5, 0 }, { true, 5, 250 }, { true, 5, 500 },
		   { true, 5, 750 }, { true, 5, 1000 }, { true, 5, 1250 });
	ktap_ok(dead && first == 5,
		"a debt unanswered past the timeout: dead at the first sample after it (%d)",
		first);

	dead = RUN(&first, { true, 5, 0 }, { true, 6, 250 }, { true, 7, 500 },
		   { true, 8, 750 }, { true, 9, 1000 }, { true, 10, 1250 },
		   { true, 11, 5000 });
	ktap_ok(!dead && first < 0,
		"bytes always in flight but acknowledged between samples: alive");

	/* the starved guest: idle, then the next sample comes 5 timeouts late
	 * and finds fresh bytes not yet acknowledged (stamp unchanged, as the
	 * peer had nothing to acknowledge while idle)
	 */
	dead = RUN(&first, { false, 5, 0 }, { true, 5, 5 * UT },
		   { false, 9, 5 * UT + 250 });
	ktap_ok(!dead && first < 0,
		"a late sample after an idle one does not count the idle time");

	dead = RUN(&first, { false, 5, 0 }, { true, 5, 5 * UT },
		   { true, 5, 6 * UT }, { true, 5, 6 * UT + 1 });
	ktap_ok(dead && first == 3,
		"... but the same debt unanswered for the timeout after it is seen: dead (%d)",
		first);

	dead = RUN(&first, { true, 5, 0 }, { false, 5, 600 }, { true, 5, 900 },
		   { true, 5, 1500 });
	ktap_ok(!dead && first < 0,
		"a debt paid and a new one (same stamp): counted from the new one");

	dead = RUN(&first, { true, 5, 0 }, { true, 5, 900 }, { true, 6, 1100 },
		   { true, 6, 2000 }, { true, 6, 2101 });
	ktap_ok(dead && first == 4,
		"an answer restarts the clock: dead a timeout after it (%d)", first);

	/* jiffies wrap */
	dead = RUN(&first, { true, 5, -300UL }, { true, 5, 200 },
		   { true, 5, 701 });
	ktap_ok(dead && first == 2, "across the jiffies wrap (%d)", first);

	return ktap_finish();
}
