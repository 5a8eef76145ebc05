#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs last: no test left a port behind, and the module unloads cleanly.
. "$(dirname "$0")/lib.sh"
need_root
grep -q '^nptty ' /proc/modules || skip_all "module not loaded"
t_plan 2
left=$("$NPCTL" list | tail -n +2)
[ -z "$left" ] && t_ok "no ports left behind" || { t_fail "ports left: $left"; port_del_all; }
t_check "rmmod nptty" busywait 5000 rmmod nptty
t_done
