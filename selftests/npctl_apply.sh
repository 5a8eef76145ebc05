#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npctl dump and apply: dump prints a config file that apply turns back
# into the same ports (round trip); apply is idempotent (a second run
# prints nothing and the kernel sends no event); it adds, sets, re-creates
# (index change), restores defaults, moves labels, leaves unlisted ports or
# prunes them, does nothing with -n, reads stdin, and refuses a bad file
# as a whole (exit 2, with FILE:LINE).
# timeout=600
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all
cleanup_add 'kill $(jobs -p)'
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"

is() {
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1: got '$2', want '$3'"; fi
}
# settings: every port's settings from show -j (not its state), sorted.
settings() {
	"$NPCTL" -j show | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    for k in ("state", "open", "last_error", "error", "stats", "modem",
              "baud", "cflag", "iflag", "line", "flow"):
        del p[k]
    print(json.dumps(p, sort_keys=True))'
}
body() { grep -v '^#' "$1"; }

# --- the ports to carry over ---
"$NPCTL" add 127.0.0.1:4001 >/dev/null
"$NPCTL" add 127.0.0.1:4002 index 5 label plc-5 connect-timeout 2500ms keepalive 1m \
	user-timeout off loss hangup tx-ring 64k cmd-timeout 4s >/dev/null
"$NPCTL" add '[::1]:4010' no-cmd label six >/dev/null
"$NPCTL" add 127.0.0.1:5000 cmd-port 966 index 12 >/dev/null
"$NPCTL" dump >"$tmp/f1"
cat "$tmp/f1"
is "a port with default settings dumps as its address and index" \
	"$(grep '^127.0.0.1:4001 ' "$tmp/f1")" "127.0.0.1:4001 index 0"
is "a port with every setting changed dumps them all" \
	"$(grep '^127.0.0.1:4002 ' "$tmp/f1")" \
	"127.0.0.1:4002 index 5 label plc-5 connect-timeout 2500ms keepalive 1m user-timeout off loss hangup tx-ring 64k cmd-timeout 4s"
is "no-cmd (the default command port would be 975)" \
	"$(grep '^\[::1\]:4010 ' "$tmp/f1")" "[::1]:4010 index 1 no-cmd label six"
is "cmd-port where the default is none" \
	"$(grep '^127.0.0.1:5000 ' "$tmp/f1")" "127.0.0.1:5000 index 12 cmd-port 966"
settings >"$tmp/s1"

# --- round trip ---
port_del_all
is "all deleted" "$("$NPCTL" list)" ""
out=$("$NPCTL" apply "$tmp/f1")
rc=$?
echo "$out"
is "apply of the dump: exit 0" "$rc" 0
is "... one add line per port" "$(grep -c '^add ttyNP' <<<"$out")" 4
"$NPCTL" dump >"$tmp/f2"
t_check "dump after apply is the same file" diff -u "$tmp/f1" "$tmp/f2"
settings >"$tmp/s2"
t_check "every setting of every port is back" diff -u "$tmp/s1" "$tmp/s2"

# --- idempotence: nothing printed, nothing changed, no event ---
"$NPCTL" -j monitor >>"$tmp/events" &
end=$((SECONDS + $(scaled_ms 20000) / 1000))
i=0
until grep -q '"changed"' "$tmp/events" || [ $SECONDS -gt $end ]; do
	i=$((i + 1))
	"$NPCTL" set six cmd-timeout $((1000 + i))
	sleep 0.1
done
"$NPCTL" set six cmd-timeout 3000
busywait 5000 grep -q '"cmd_timeout_ms":3000' "$tmp/events"
: >"$tmp/events"
out=$("$NPCTL" apply "$tmp/f1")
rc=$?
is "second apply: exit 0" "$rc" 0
is "second apply prints nothing" "$out" ""
"$NPCTL" set six label six-end
"$NPCTL" set six-end label six
busywait 5000 grep -q '"label":"six"' "$tmp/events"
is "second apply: the kernel saw no change (only the marker's events)" \
	"$(python3 -c 'import json,sys; print([json.loads(l)["event"] for l in open(sys.argv[1])])' "$tmp/events")" \
	"['changed', 'changed']"

# --- changes ---
sed -e 's/^127.0.0.1:4002 .*/127.0.0.1:4002 index 5 label plc-5 keepalive 9   # trailing comment/' \
	-e 's/^\[::1\]:4010 .*/[::1]:4010 index 1 no-cmd label seis/' \
	-e 's/^127.0.0.1:5000 index 12/127.0.0.1:5000 index 13/' "$tmp/f1" >"$tmp/f3"
printf '\n   # an indented comment\n\n127.0.0.1:4003 label new\n' >>"$tmp/f3"
out=$("$NPCTL" apply "$tmp/f3")
rc=$?
echo "$out"
is "apply of a changed file: exit 0" "$rc" 0
grep -q '^set ttyNP5 127.0.0.1:4002 connect-timeout 5s keepalive 9s user-timeout 10s loss reconnect tx-ring 16k cmd-timeout 3s$' <<<"$out" &&
	t_ok "settings left out go back to their defaults" || t_fail "defaults: $out"
grep -q '^set ttyNP1 \[::1\]:4010 label seis$' <<<"$out" && t_ok "a label changes" ||
	t_fail "label: $out"
grep -q '^del ttyNP12 127.0.0.1:5000 (line [0-9]*: index 13)$' <<<"$out" &&
	grep -q '^add ttyNP13 127.0.0.1:5000$' <<<"$out" &&
	t_ok "an index change deletes and adds the port" || t_fail "index: $out"
grep -q '^add ttyNP[0-9]* 127.0.0.1:4003$' <<<"$out" && t_ok "a new line adds a port" ||
	t_fail "new: $out"
t_check "... and then it matches the file (second apply silent)" \
	test -z "$("$NPCTL" apply "$tmp/f3")"
is "... label of the new port" "$("$NPCTL" -j show new | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["data_port"])')" 4003

# Labels that swap places.
sed -e 's/label plc-5/label six/' -e 's/label seis/label plc-5/' "$tmp/f3" >"$tmp/f4"
out=$("$NPCTL" apply "$tmp/f4")
rc=$?
echo "$out"
is "labels swapped between two ports: exit 0" "$rc" 0
is "... port 4002 is six" "$("$NPCTL" -j show six | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["data_port"])')" 4002
is "... port 4010 is plc-5" "$("$NPCTL" -j show plc-5 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["data_port"])')" 4010

# --- ports not in the file; --prune; -n ---
"$NPCTL" add 127.0.0.1:4200 label extra >/dev/null
t_check "apply leaves a port the file does not list" \
	sh -c "'$NPCTL' apply '$tmp/f4' && '$NPCTL' show extra >/dev/null"
before=$(settings)
out=$("$NPCTL" apply -n --prune "$tmp/f1")
rc=$?
echo "$out"
is "-n: exit 0" "$rc" 0
grep -q '^del ttyNP[0-9]* 127.0.0.1:4200 label extra (not in the file)$' <<<"$out" &&
	grep -q '^del ttyNP13 127.0.0.1:5000 (line [0-9]*: index 12)$' <<<"$out" &&
	grep -q '^add 127.0.0.1:5000 index 12$' <<<"$out" &&
	t_ok "-n prints what it would do" || t_fail "-n: $out"
is "-n changed nothing" "$(settings)" "$before"
out=$("$NPCTL" apply --prune "$tmp/f1")
rc=$?
echo "$out"
is "--prune: exit 0" "$rc" 0
grep -q '^del .*127.0.0.1:4200 label extra (not in the file)$' <<<"$out" &&
	grep -q '^del .*127.0.0.1:4003 label new (not in the file)$' <<<"$out" &&
	t_ok "--prune deletes the unlisted ports" || t_fail "--prune: $out"
"$NPCTL" dump >"$tmp/f5"
t_check "after --prune the ports are the dump's again" diff -u "$tmp/f1" "$tmp/f5"
out=$(grep -v 4001 "$tmp/f1" | "$NPCTL" apply --prune -)
is "apply - reads stdin" "$(grep -c '^del ttyNP0 127.0.0.1:4001' <<<"$out")" 1
is "an empty file with --prune deletes everything" \
	"$(echo '# nothing' | "$NPCTL" apply -q --prune - && "$NPCTL" list)" ""

# --- bad files: exit 2, nothing done ---
"$NPCTL" apply "$tmp/f1" >/dev/null
before=$(settings)
bad() {
	local desc=$1 pat=$2 out rc
	printf '%s' "$3" >"$tmp/bad"
	out=$("$NPCTL" apply --prune "$tmp/bad" 2>&1)
	rc=$?
	if [ $rc = 2 ] && [[ $out == $pat ]] && [ "$(settings)" = "$before" ]; then
		t_ok "$desc: $out"
	else
		t_fail "$desc: exit $rc: $out"
	fi
}
bad "unknown option" "*bad:2: unknown option 'speed'*" \
	$'127.0.0.1:4001\n127.0.0.1:4002 speed 9600\n'
bad "option without a value" "*bad:1: 'label' needs a value*" $'127.0.0.1:4001 label\n'
bad "bad address" "*bad:3: 1.2.3.400: '1.2.3.400' is not an IPv4 address*" \
	$'# c\n\n1.2.3.400\n'
bad "port 0" "*bad:1: 127.0.0.1:0: the port must be 1..65535*" $'127.0.0.1:0\n'
bad "port > 65535" "*bad:1: 127.0.0.1:65536: the port must be 1..65535*" $'127.0.0.1:65536\n'
bad "the same port twice" "*bad:2: the same port as line 1*" \
	$'127.0.0.1:4001\n127.0.0.1:4001 label x\n'
bad "one index twice" "*bad:2: index 3 is taken by line 1*" \
	$'127.0.0.1:4001 index 3\n127.0.0.1:4002 index 3\n'
bad "one label twice" "*bad:2: label a is taken by line 1*" \
	$'127.0.0.1:4001 label a\n127.0.0.1:4002 label a\n'
bad "every error is reported" "*bad:1: unknown option 'x'*bad:2: unknown option 'y'*" \
	$'127.0.0.1:4001 x 1\n127.0.0.1:4002 y 1\n'
out=$("$NPCTL" apply "$tmp/missing" 2>&1)
rc=$?
[ $rc = 1 ] && [[ $out == *"missing: No such file or directory"* ]] &&
	t_ok "a missing file: exit 1: $out" || t_fail "missing file: $rc $out"
printf '127.0.0.1:4001\nno-such-host.invalid:4001\n127.0.0.1:4300 label late\n' >"$tmp/unres"
out=$("$NPCTL" apply --prune "$tmp/unres" 2>&1)
rc=$?
echo "$out"
[ $rc = 1 ] && [[ $out == *"unres:2: cannot resolve 'no-such-host.invalid'"* ]] &&
	[[ $out == *"not pruning"* ]] &&
	t_ok "a name that does not resolve: exit 1, no pruning" || t_fail "unresolved: $rc $out"
t_check "... the other lines are applied" "$NPCTL" show late
t_check "... and nothing is pruned" "$NPCTL" show plc-5
out=$("$NPCTL" apply "$tmp/f1" 2>&1)
printf '127.0.0.1:4400 connect-timeout 1\n127.0.0.1:4401 label fine\n' >"$tmp/range"
out=$("$NPCTL" apply "$tmp/range" 2>&1)
rc=$?
[ $rc = 1 ] && [[ $out == *"range:1: kernel: connect-timeout:"*"valid 100..600000"* ]] &&
	t_ok "a value the kernel refuses: exit 1 with FILE:LINE: $out" || t_fail "range: $rc $out"
t_check "... the other lines are applied" "$NPCTL" show fine

t_plan "$_t_n"
t_done
