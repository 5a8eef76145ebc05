#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npctl monitor sees ports added, changed and removed, and links going up
# and down with the reason: the last close ("closed"), and a peer that goes
# away while the tty is open.  Text lines, -t time stamps, and -j JSON
# lines that parse, in the order things happened.
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd socat python3
port_del_all
cleanup_add port_del_all
cleanup_add 'kill $(jobs -p)'
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"

"$NPCTL" add 127.0.0.1:$(free_port) no-cmd label probe >/dev/null
"$NPCTL" monitor >>"$tmp/text" 2>"$tmp/text.err" &
"$NPCTL" -j monitor >>"$tmp/json" 2>"$tmp/json.err" &
"$NPCTL" monitor -t >"$tmp/stamped" 2>&1 &
# (Appending, so that the files can be emptied below.)
# The monitors have joined when they see a change (give up after 20 s).
end=$((SECONDS + $(scaled_ms 20000) / 1000))
i=0
until { grep -q '^changed' "$tmp/text" && grep -q '"changed"' "$tmp/json" &&
	grep -q ' changed' "$tmp/stamped"; } || [ $SECONDS -gt $end ]; do
	i=$((i + 1))
	"$NPCTL" set probe cmd-timeout $((1000 + i))
	sleep 0.1
done
t_check "three monitors are listening" grep -q '^changed' "$tmp/text"
"$NPCTL" del probe
busywait 5000 grep -q '^removed' "$tmp/text"
: >"$tmp/text"
busywait 5000 grep -q '"removed"' "$tmp/json"
: >"$tmp/json"

# Added, changed, removed.
p=$(free_port)
a=$("$NPCTL" add 127.0.0.1:$p no-cmd)
"$NPCTL" set "$a" label watched
"$NPCTL" del watched

# Link up, link down on the last close.
p=$(free_port)
socat TCP-LISTEN:$p,reuseaddr,fork PIPE &
wait_listen "$p"
l=$("$NPCTL" add 127.0.0.1:$p no-cmd label echo)
exec 3<>"/dev/$l"
busywait 5000 grep -q "^link-up $l" "$tmp/text"
exec 3>&-
busywait 5000 grep -q "^link-down $l" "$tmp/text"

# Link down while open: the peer goes away.
p=$(free_port)
socat TCP-LISTEN:$p,reuseaddr PIPE &
peer=$!
wait_listen "$p"
m=$("$NPCTL" add 127.0.0.1:$p no-cmd label lost)
exec 4<>"/dev/$m"
busywait 5000 grep -q "^link-up $m" "$tmp/text"
kill "$peer"
busywait 10000 grep -q "^link-down $m" "$tmp/text"
exec 4>&-
"$NPCTL" del echo lost
busywait 5000 grep -q "^removed $m" "$tmp/text"
busywait 5000 grep -q "\"removed\".*\"$m\"" "$tmp/json"
cat "$tmp/text"

t_check "added" grep -q "^added $a 127.0.0.1:[0-9]* state idle$" "$tmp/text"
t_check "changed, with the new label" grep -q "^changed $a .* label watched state idle$" "$tmp/text"
t_check "removed" grep -q "^removed $a .* label watched" "$tmp/text"
t_check "link-up when the tty opens" grep -q "^link-up $l .* state up$" "$tmp/text"
t_check "link-down on the last close, reason closed" \
	grep -q "^link-down $l .* reason closed$" "$tmp/text"
line=$(grep "^link-down $m" "$tmp/text")
[[ $line == *" reason "* && $line != *"reason closed" ]] &&
	t_ok "link-down when the peer goes, with why: $line" ||
	t_fail "link-down on loss: $line"
order=$(awk '{ print $1 }' "$tmp/text" | tr '\n' ' ')
[ "$order" = "added changed removed added link-up link-down added link-up link-down removed removed " ] &&
	t_ok "one line per event, in order" || t_fail "order: $order"
t_check "nothing on stderr" test ! -s "$tmp/text.err"

cat "$tmp/json"
python3 - "$tmp/json" "$a" "$l" "$m" <<'EOF'
import json, sys
path, a, l, m = sys.argv[1:]
ev = [json.loads(line) for line in open(path)]
want = [("added", a), ("changed", a), ("removed", a), ("added", l),
        ("link-up", l), ("link-down", l), ("added", m), ("link-up", m),
        ("link-down", m), ("removed", l), ("removed", m)]
got = [(e["event"], e["tty"]) for e in ev]
keys = {"event", "time", "reason", "index", "tty", "remote", "state", "stats"}
down = [e for e in ev if e["event"] == "link-down"]
checks = [
    ("the events in order", got == want),
    ("keys present", all(keys <= e.keys() for e in ev)),
    ("link-down reasons", len(down) == 2 and down[0]["reason"] == "closed" and
     down[1]["reason"] not in (None, "closed")),
    ("reason null but for link-down",
     all(e["reason"] is None for e in ev if e["event"] != "link-down")),
]
for name, ok in checks:
    print("# %s: %s" % (name, "ok" if ok else "FAILED"))
sys.exit(0 if all(ok for _, ok in checks) else 1)
EOF
t_check "-j: one JSON object per line, events in order, keys, reasons" test $? = 0
t_check "-t: events start with an ISO 8601 time" \
	grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z link-up $l" "$tmp/stamped"

t_plan "$_t_n"
t_done
