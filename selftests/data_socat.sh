#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The raw data path against socat TCP servers on loopback: 1 MiB each way
# intact through a ttyNP, an echo round trip with stty/echo/read, counters.
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd socat python3 cmp
port_del_all
cleanup_add port_del_all
cleanup_add 'kill $(jobs -p)'
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"
TTYIO=$TOP/selftests/ttyio.py
t_plan 7

head -c 1048576 /dev/urandom >"$tmp/in"

# host -> remote
p=$(free_port)
socat -u TCP-LISTEN:$p,reuseaddr OPEN:"$tmp/out",creat,trunc &
sink=$!
wait_listen "$p"
tty=/dev/$("$NPCTL" add 127.0.0.1:$p no-cmd)
busywait 2000 test -c "$tty"
t_check "write 1 MiB to $tty" timeout 120 "$TTYIO" send "$tty" "$tmp/in"
timeout 20 tail --pid=$sink -f /dev/null
t_check "remote received the same 1 MiB" cmp "$tmp/in" "$tmp/out"
"$NPCTL" -s list

# remote -> host.  This peer sends the moment it is connected: set the
# port raw while nobody listens yet (the settings outlive the close), or
# the first bytes meet a cooked tty and a ^C in them flushes the input.
p=$(free_port)
tty=/dev/$("$NPCTL" add 127.0.0.1:$p no-cmd)
busywait 2000 test -c "$tty"
stty -F "$tty" raw -echo clocal
socat -u OPEN:"$tmp/in" TCP-LISTEN:$p,reuseaddr &
wait_listen "$p"
t_check "read 1 MiB from $tty" timeout 120 "$TTYIO" recv "$tty" 1048576 "$tmp/back" 110
t_check "it is the 1 MiB the remote sent" cmp "$tmp/in" "$tmp/back"

# echo peer, both directions at once
p=$(free_port)
socat TCP-LISTEN:$p,reuseaddr,fork PIPE &
wait_listen "$p"
name=$("$NPCTL" add 127.0.0.1:$p no-cmd)
tty=/dev/$name
busywait 2000 test -c "$tty"
t_check "1 MiB through an echo peer, full duplex" timeout 120 "$TTYIO" echo "$tty" 1048576 110

# an ordinary shell session: stty, echo, read
exec 3<>"$tty"
stty -F "$tty" raw -echo clocal
echo "hello nport" >&3
IFS= read -r -t 5 line <&3
exec 3>&-
[ "$line" = "hello nport" ] && t_ok "stty + echo + read: '$line'" ||
	t_fail "stty + echo + read: '$line'"

tx=$("$NPCTL" -j show "$name" | python3 -c \
	'import json,sys; print(json.load(sys.stdin)[0]["stats"]["tx_bytes"])')
[ "${tx:-0}" -ge 1048576 ] && t_ok "tx_bytes counts the echo traffic ($tx)" ||
	t_fail "tx_bytes: $tx"
t_done
