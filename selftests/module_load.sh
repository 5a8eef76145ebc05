#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nptty.ko loads and unloads cleanly; its tty driver, netlink family and
# max_ports parameter are there; the port limit is enforced with a message.
. "$(dirname "$0")/lib.sh"
need_root
t_plan 9

if grep -q '^nptty ' /proc/modules; then
	port_del_all
	rmmod nptty || { t_fail "unload the module left by an earlier test"; t_done; }
fi

t_check "insmod nptty.ko" insmod "$KO"
t_check "tty driver ttyNP registered" grep -q '^nptty .*/dev/ttyNP' /proc/tty/drivers
t_check "npctl list works on an empty module" "$NPCTL" list
t_check "max_ports defaults to 1024" grep -qx 1024 /sys/module/nptty/parameters/max_ports
t_check "rmmod with no ports" rmmod nptty
out=$("$NPCTL" list 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == *"not loaded"* ]] &&
	t_ok "npctl without the module says so (exit 1)" ||
	t_fail "npctl without the module: rc=$rc out=$out"

insmod "$KO" max_ports=2
ok=1
for p in 1 2; do
	"$NPCTL" add 127.0.0.1:$((30000 + p)) no-cmd >/dev/null || ok=0
done
[ $ok = 1 ] && t_ok "max_ports=2: two ports" || t_fail "max_ports=2: two ports"
out=$("$NPCTL" add 127.0.0.1:30003 no-cmd 2>&1)
[[ $out == *"max_ports"* ]] && t_ok "third port refused: $out" ||
	t_fail "third port: $out"
port_del_all
t_check "rmmod after deleting the ports" rmmod nptty
t_done
