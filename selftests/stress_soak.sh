#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A short run of bench/soak.sh (flaps, traffic, link drops past the user
# timeout, reconnects, port churn, in test namespaces): it must run to the
# end with traffic flowing and every tty reopening; its memory figures are
# printed (the 10-minute run and the growth per port are for the bench
# notes: bench/soak.sh 600).  NPTTY_SOAK_SECS sets the length (default 45).
# timeout=600
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3 tc iptables ip
echo "1..1"
out=$("$TOP/bench/soak.sh" "${NPTTY_SOAK_SECS:-45}" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
case $rc in
0) echo "ok 1 soak ran to the end: $(printf '%s\n' "$out" | grep '^soak:' | cut -c1-120)" ;;
4) echo "ok 1 soak skipped # SKIP"; exit 4 ;;
*) echo "not ok 1 soak failed (exit $rc)"; exit 1 ;;
esac
