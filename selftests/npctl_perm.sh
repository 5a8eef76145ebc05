#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who may do what: add/del/set/apply need CAP_NET_ADMIN (in the initial user
# namespace: the ttys are global) and are refused with EPERM and the
# kernel's message; show, list, -j, dump and monitor are open to all.  A
# port lives in the network namespace it was added from and is only seen
# there.
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd setpriv capsh python3 unshare
port_del_all
cleanup_add port_del_all
tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup_add "rm -rf $tmp"

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
netadmin() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+net_admin --ambient-caps=+net_admin "$@"
}
# refused DESC CMD...: exit 1 with the kernel's EPERM message.
refused() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 1 ] && [[ $out == *"needs CAP_NET_ADMIN"*"(Operation not permitted)"* ]]; then
		t_ok "$desc: $out"
	else
		t_fail "$desc: exit $rc: $out"
	fi
}

p=$(free_port)
name=$("$NPCTL" add 127.0.0.1:$p label mine)
t_check "root adds $name" test -n "$name"

refused "nobody: add" nobody "$NPCTL" add 127.0.0.1:$((p + 1))
refused "nobody: del" nobody "$NPCTL" del mine
refused "nobody: set" nobody "$NPCTL" set mine label theirs
echo "127.0.0.1:$((p + 2))" >"$tmp/conf"
refused "nobody: apply" nobody "$NPCTL" apply "$tmp/conf"
refused "root without CAP_NET_ADMIN: add" \
	capsh --drop=cap_net_admin -- -c "'$NPCTL' add 127.0.0.1:$((p + 3))"
refused "root without CAP_NET_ADMIN: del" \
	capsh --drop=cap_net_admin -- -c "'$NPCTL' del mine"
out=$(nobody unshare -Urn "$NPCTL" add 127.0.0.1:$((p + 4)) 2>&1)
[ $? = 1 ] && [[ $out == *"in the initial user namespace"* ]] &&
	t_ok "root of a new user namespace: add refused: $out" ||
	t_fail "user namespace add: $out"
t_check "none of it changed anything" \
	test "$("$NPCTL" list | awk 'NR > 1 { print $1, $4 }')" = "$name mine"

t_check "nobody: list is root's list" test "$(nobody "$NPCTL" list)" = "$("$NPCTL" list)"
t_check "nobody: show -j parses" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all '$NPCTL' -j show mine |
	 python3 -c 'import json,sys; assert json.load(sys.stdin)[0][\"label\"] == \"mine\"'"
t_check "nobody: dump is root's dump" test "$(nobody "$NPCTL" dump)" = "$("$NPCTL" dump)"
t_check "nobody: show -s -d" nobody "$NPCTL" -sd show mine

# An unprivileged monitor sees what root does.
# (setpriv execs npctl: $! is the monitor itself, killed at the end.)
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$NPCTL" monitor >"$tmp/mon" 2>&1 &
cleanup_add "kill $!"
# It has joined the group when it sees a change (give up after 20 s).
end=$((SECONDS + $(scaled_ms 20000) / 1000))
i=0
until grep -q "^changed $name" "$tmp/mon" || [ $SECONDS -gt $end ]; do
	i=$((i + 1))
	"$NPCTL" set mine cmd-timeout $((1000 + i))
	sleep 0.1
done
t_check "nobody: monitor receives events" grep -q "^changed $name" "$tmp/mon"
"$NPCTL" del mine
t_check "nobody: monitor sees the removal" busywait 3000 grep -q "^removed $name" "$tmp/mon"

# The capability, not the uid, is what counts.
n2=$(netadmin "$NPCTL" add 127.0.0.1:$((p + 5)))
[[ $n2 == ttyNP* ]] && t_ok "uid 65534 with CAP_NET_ADMIN adds $n2" || t_fail "netadmin add: $n2"
t_check "uid 65534 with CAP_NET_ADMIN sets" netadmin "$NPCTL" set "$n2" label cap
t_check "uid 65534 with CAP_NET_ADMIN deletes" netadmin "$NPCTL" del cap

# Network namespaces: a port is seen only from the namespace it was added in.
"$NPCTL" add 127.0.0.1:$((p + 6)) label outside >/dev/null
t_check "a new network namespace sees no ports" \
	test -z "$(unshare -n "$NPCTL" list)"
out=$(unshare -n sh -c "'$NPCTL' add 127.0.0.1:$((p + 7)) label inside &&
	'$NPCTL' list | awk 'NR > 1 { print \$4 }'")
inside=$(head -1 <<<"$out")
[ "$(tail -n +2 <<<"$out")" = inside ] &&
	t_ok "a port added in a namespace is listed there: $inside" ||
	t_fail "inside: $out"
t_check "... and not outside" test "$("$NPCTL" list | awk 'NR > 1 { print $4 }')" = outside
t_check "... and goes with its namespace (/dev/$inside)" busywait 3000 test ! -e "/dev/$inside"

t_plan "$_t_n"
t_done
