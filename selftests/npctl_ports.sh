#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npctl add/set/show/del with every option and every way to name a port
# (ttyNP3, /dev/ttyNP3, 3, label, HOST:PORT, [IPv6]:PORT), IPv4, IPv6 and
# host names; the settings read back through show -j (JSON that parses,
# every documented key), the aligned text table, -s, -d.
# timeout=600
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all

# (Python starts slowly in a loaded TCG guest: one run per question.)
# jq EXPR: evaluate a Python expression over the JSON on stdin (as d).
jq() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# keys KEY...: those keys of the first object of a JSON array on stdin.
keys() {
	python3 -c 'import json,sys; d=json.load(sys.stdin)[0]
print(" ".join(str(d[k]) for k in sys.argv[1:]))' "$@"
}
# missing_keys KEY...: the ones the first object (and its stats) lacks.
missing_keys() {
	python3 -c 'import json,sys; d=json.load(sys.stdin)[0]
print(" ".join(k for k in sys.argv[1:] if k not in d and k not in d["stats"]))' "$@"
}
# port_json NAME: npctl -j show NAME (an array of one).
port_json() { "$NPCTL" -j show "$1"; }
# field NAME KEY...: keys of show -j for port NAME.
field() { port_json "$1" | keys "${@:2}"; }
# is DESC GOT WANT
is() {
	if [ "$2" = "$3" ]; then t_ok "$1: $2"; else t_fail "$1: got '$2', want '$3'"; fi
}

# --- add: names, defaults, the command-port rule ---
n0=$("$NPCTL" add 127.0.0.1)
is "add HOST (no port) gives the first tty" "$n0" ttyNP0
is "... data port 4001 by default" "$(field ttyNP0 data_port)" 4001
is "... command port 966 for 4001" "$(field ttyNP0 cmd_port)" 966
"$NPCTL" add 127.0.0.1:4032 >/dev/null
is "command port 997 for 4032" "$(field 127.0.0.1:4032 cmd_port)" 997
"$NPCTL" add 127.0.0.1:4033 >/dev/null
is "no command port for 4033" "$(field 127.0.0.1:4033 cmd_port)" None
"$NPCTL" add 127.0.0.1:4002 cmd-port 1234 >/dev/null
is "cmd-port 1234" "$(field 127.0.0.1:4002 cmd_port)" 1234
"$NPCTL" add 127.0.0.1:4003 no-cmd >/dev/null
is "no-cmd" "$(field 127.0.0.1:4003 cmd_port)" None
"$NPCTL" add 127.0.0.1:4004 cmd-port none >/dev/null
is "cmd-port none" "$(field 127.0.0.1:4004 cmd_port)" None
port_del_all

# Every option, in its units, read back in the JSON's.
n=$("$NPCTL" add 127.0.0.1:4005 index 9 label plc-9 connect-timeout 2500ms \
	keepalive 1m user-timeout off loss hangup tx-ring 5000 cmd-timeout 4s)
is "add index 9 prints ttyNP9" "$n" ttyNP9
t_check "/dev/ttyNP9 appears" busywait 2000 test -c /dev/ttyNP9
j=$(port_json ttyNP9)
is "label, connect-timeout 2500ms, keepalive 1m, user-timeout off, loss hangup, tx-ring 5000 (rounded up), cmd-timeout 4s, state" \
	"$(keys label connect_timeout_ms keepalive_s user_timeout_ms loss tx_ring cmd_timeout_ms state <<<"$j")" \
	"plc-9 2500 60 0 hangup 8192 4000 idle"
keys="index tty remote family address scope data_port cmd_port label state open
last_error error baud cflag iflag line flow modem connect_timeout_ms keepalive_s
user_timeout_ms loss tx_ring cmd_timeout_ms stats"
missing=$(missing_keys $keys <<<"$j")
is "every documented key is in show -j" "$missing" ""
skeys="tx_bytes rx_bytes connects disconnects tx_lost rx_dropped cmd_errors"
missing=$(missing_keys $skeys <<<"$j")
is "every documented counter is in stats" "$missing" ""
is "defaults: connect-timeout, keepalive, user-timeout, loss, tx-ring, cmd-timeout" \
	"$("$NPCTL" -j add 127.0.0.1:4006 | jq "[d[k] for k in ('connect_timeout_ms', 'keepalive_s', 'user_timeout_ms', 'loss', 'tx_ring', 'cmd_timeout_ms')]")" \
	"[5000, 5, 10000, 'reconnect', 16384, 3000]"
is "add -j prints the new port as an object" "$("$NPCTL" -j add 127.0.0.1:4007 | jq "d['tty']")" ttyNP1
is "add -q prints nothing" "$("$NPCTL" -q add 127.0.0.1:4008)" ""

# --- IPv6 and names ---
n6=$("$NPCTL" add '[::1]:4010' no-cmd label six)
is "IPv6: family, address, remote" "$(field "$n6" family address remote)" "inet6 ::1 [::1]:4010"
is "IPv6: show by [::1]:4010" "$(field '[::1]:4010' tty)" "$n6"
nb=$("$NPCTL" add '::1')
is "a bare IPv6 address, default data port" "$(field "$nb" remote)" "[::1]:4001"
nh=$("$NPCTL" add localhost:4011)
r=$(field "$nh" remote)
[[ $r == "127.0.0.1:4011" || $r == "[::1]:4011" ]] && t_ok "a host name resolves: localhost -> $r" ||
	t_fail "localhost: $r"
expect_dup=$("$NPCTL" add "${r%:*}:4011" 2>&1)
[[ $expect_dup == *exists* ]] && t_ok "the name and its address are the same port" ||
	t_fail "name vs address: $expect_dup"

# --- naming a port ---
for name in ttyNP9 /dev/ttyNP9 9 plc-9 127.0.0.1:4005; do
	is "show $name" "$(field "$name" index)" 9
done
is "show of several ports" "$("$NPCTL" -j show 9 six | jq "[p['tty'] for p in d]")" \
	"['ttyNP9', '$n6']"

# --- show: table, -s, -d, JSON ---
out=$("$NPCTL" show)
echo "$out"
head -1 <<<"$out" | grep -q '^TTY  *REMOTE  *CMD  *LABEL  *STATE  *OPEN  *LINE  *MODEM$' &&
	t_ok "table header" || t_fail "table header: $(head -1 <<<"$out")"
cols=$(awk '{ print index($0, $2) "," index($0, $4) }' <<<"$out" | sort -u | wc -l)
# Each row's 2nd and 4th fields start where the header's do (labels are set
# or "-" so that no column is empty).
is "columns are aligned" "$cols" 1
rows=$(($(wc -l <<<"$out") - 1))
is "one row per port" "$rows" "$("$NPCTL" -j show | jq 'len(d)')"
grep -q '^ttyNP9  *127.0.0.1:4005  *970  *plc-9  *idle  *0  *9600 8N1  *-$' <<<"$out" &&
	t_ok "the row of ttyNP9" || t_fail "the row of ttyNP9"
out=$("$NPCTL" -s show ttyNP9)
head -1 <<<"$out" | grep -q 'TX  *RX  *CONNECTS  *DISCONNECTS  *TX-LOST  *RX-DROPPED  *CMD-ERRORS$' &&
	t_ok "-s adds the counters" || t_fail "-s: $out"
out=$("$NPCTL" show -d plc-9)
grep -q "connect-timeout 2500ms keepalive 1m user-timeout off" <<<"$out" &&
	grep -q "loss hangup tx-ring 8k cmd-timeout 4s" <<<"$out" &&
	t_ok "-d (after the command) shows every setting" || t_fail "-d: $out"
t_check "show -j of all ports parses" sh -c "'$NPCTL' -j show | python3 -m json.tool >/dev/null"
t_check "list is show" test "$("$NPCTL" list)" = "$("$NPCTL" show)"

# --- set ---
t_check "set several options by label" "$NPCTL" set plc-9 connect-timeout 1s keepalive 7 \
	user-timeout 20s loss reconnect tx-ring 64k cmd-timeout 500ms cmd-port 2000
is "... read back" \
	"$(field 9 connect_timeout_ms keepalive_s user_timeout_ms loss tx_ring cmd_timeout_ms cmd_port)" \
	"1000 7 20000 reconnect 65536 500 2000"
t_check "set label by tty name" "$NPCTL" set ttyNP9 label plc-new
is "... read back" "$(field 9 label)" plc-new
t_check "the old label no longer names it" sh -c "! '$NPCTL' show plc-9 2>/dev/null"
t_check "set no-label" "$NPCTL" set plc-new no-label
is "... removed" "$(field 9 label)" None
t_check "set no-cmd by HOST:PORT" "$NPCTL" set 127.0.0.1:4005 no-cmd
is "... removed" "$(field 9 cmd_port)" None
"$NPCTL" set 9 label again
t_check "set label '' (after label again)" "$NPCTL" set 9 label ''
is "... no label" "$(field 9 label)" None

# --- del ---
t_check "del by /dev path" "$NPCTL" del /dev/ttyNP9
t_check "/dev/ttyNP9 goes" busywait 2000 test ! -e /dev/ttyNP9
t_check "del by [IPv6]:PORT" "$NPCTL" del '[::1]:4010'
before=$("$NPCTL" -j show | jq 'len(d)')
set -- $("$NPCTL" list | awk 'NR > 1 { print $1 }')
t_check "del of several ports at once ($#)" "$NPCTL" del "$@"
is "all gone" "$("$NPCTL" -j show)" "[]"
is "show of no ports prints nothing" "$("$NPCTL" show)" ""
[ "$before" -ge 3 ] && t_ok "there were $before" || t_fail "only $before ports"

t_plan "$_t_n"
t_done
