#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npctl add/list/del round trip over the nptty netlink family: indexes,
# /dev nodes, duplicates and invalid requests refused with a message.
. "$(dirname "$0")/lib.sh"
need_root
need_module
port_del_all
cleanup_add port_del_all
t_plan 16

name=$("$NPCTL" add 127.0.0.1:4001 no-cmd)
[ "$name" = ttyNP0 ] && t_ok "first port is ttyNP0" || t_fail "first port: '$name'"
t_check "/dev/ttyNP0 appears" busywait 2000 test -c /dev/ttyNP0
name=$("$NPCTL" add 127.0.0.1:4002)
[ "$name" = ttyNP1 ] && t_ok "second port is ttyNP1" || t_fail "second: '$name'"
name=$("$NPCTL" add 127.0.0.1:4003 index 7 label plc-7)
[ "$name" = ttyNP7 ] && t_ok "index 7 asked for and given" || t_fail "index 7: '$name'"

out=$("$NPCTL" list)
echo "$out"
echo "$out" | grep -q '^ttyNP1 .*127.0.0.1:4002 *967 ' &&
	t_ok "list shows ttyNP1 with default command port 967 (966 + 4002 - 4001)" ||
	t_fail "list: ttyNP1 row"
echo "$out" | grep -q '^ttyNP7 .*plc-7 *idle' && t_ok "list shows the label and idle state" ||
	t_fail "list: ttyNP7 row"

out=$("$NPCTL" add 127.0.0.1:4001 2>&1)
rc=$?
[ $rc = 1 ] && [[ $out == *"exists"* ]] && t_ok "duplicate refused: $out" ||
	t_fail "duplicate: rc=$rc $out"
out=$("$NPCTL" add 127.0.0.1:4009 index 7 2>&1)
[[ $out == *"in use"* ]] && t_ok "taken index refused: $out" || t_fail "taken index: $out"
out=$("$NPCTL" add 127.0.0.1:0 2>&1)
rc=$?
[ $rc = 2 ] && t_ok "port 0 is a usage error: $out" || t_fail "port 0: rc=$rc $out"
out=$("$NPCTL" add 127.0.0.1:4010 label 'bad/label' 2>&1)
[[ $out == *"label"* ]] && t_ok "bad label refused by the kernel: $out" ||
	t_fail "bad label: $out"
out=$("$NPCTL" add 224.0.0.1:4011 2>&1)
[[ $out == *"unicast"* ]] && t_ok "multicast address refused: $out" ||
	t_fail "multicast: $out"

name=$("$NPCTL" add 127.0.0.1:4012)
[ "$name" = ttyNP2 ] && t_ok "lowest free index reused order: ttyNP2" ||
	t_fail "lowest free: '$name'"
t_check "del by label" "$NPCTL" del plc-7
t_check "del by HOST:PORT" "$NPCTL" del 127.0.0.1:4002
busywait 2000 test ! -e /dev/ttyNP1 && t_ok "/dev/ttyNP1 disappears" ||
	t_fail "/dev/ttyNP1 still there"
out=$("$NPCTL" del ttyNP9 2>&1)
[[ $out == *"no such port"* ]] && t_ok "del of an unknown port: $out" ||
	t_fail "del unknown: $out"
t_done
