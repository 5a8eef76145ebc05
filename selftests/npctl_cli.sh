#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npctl's command line: --help, per-command help, --version, exit codes
# (0 ok, 1 failed, 2 usage), and every error path with the message that
# names its cause: missing arguments, unknown commands, flags and options,
# bad addresses, port 0 or > 65535, bad values, values the kernel refuses
# (with the attribute and its valid range), duplicates, unknown ports.
. "$(dirname "$0")/lib.sh"
need_root
need_module
port_del_all
cleanup_add port_del_all

# expect RC PATTERN DESC CMD...: CMD exits with RC, stderr matches PATTERN.
expect() {
	local rc=$1 pat=$2 desc=$3 out got
	shift 3
	out=$("$@" 2>&1 >/dev/null)
	got=$?
	if [ "$got" = "$rc" ] && [[ $out == $pat ]]; then
		t_ok "$desc (exit $got): ${out%%$'\n'*}"
	else
		t_fail "$desc: exit $got, want $rc; stderr: $out"
	fi
}

# --- help and version ---
out=$("$NPCTL" --help)
rc=$?
missing=""
for c in add del set show monitor dump apply; do
	grep -q "^  $c " <<<"$out" || missing="$missing $c"
done
[ $rc = 0 ] && [ -z "$missing" ] && t_ok "--help lists every command, exit 0" ||
	t_fail "--help: rc=$rc missing:$missing"
t_check "-h is --help" test "$("$NPCTL" -h)" = "$out"
t_check "help is --help" test "$("$NPCTL" help)" = "$out"
for c in add del set show list monitor dump apply; do
	h=$("$NPCTL" $c --help)
	rc=$?
	[ $rc = 0 ] && grep -q "^Usage: npctl " <<<"$h" && [ "$h" != "$out" ] &&
		t_ok "npctl $c --help: $(head -1 <<<"$h")" ||
		t_fail "npctl $c --help: rc=$rc $h"
done
t_check "npctl add -h is npctl help add" test "$("$NPCTL" add -h)" = "$("$NPCTL" help add)"
h=$("$NPCTL" set --help)
grep -q "connect-timeout" <<<"$h" && grep -q "no-label" <<<"$h" &&
	t_ok "set --help lists the port options" || t_fail "set --help: $h"
v=$("$NPCTL" --version)
[ "$v" = "npctl $(cat "$TOP/VERSION")" ] && t_ok "--version: $v" || t_fail "--version: $v"
t_check "-V is --version" test "$("$NPCTL" -V)" = "$v"

# --- usage errors: exit 2, nothing done ---
expect 2 "*Usage: npctl*" "no command" "$NPCTL"
expect 2 "*unknown command 'frob'*" "unknown command" "$NPCTL" frob
expect 2 "*unknown command 'frob'*" "help of an unknown command" "$NPCTL" help frob
expect 2 "*unknown flag '-x'*" "unknown global flag" "$NPCTL" -x list
expect 2 "*unknown flag '--bogus'*" "unknown long flag" "$NPCTL" show --bogus
expect 2 "*show: unknown flag '-p'*" "flag the command does not take" "$NPCTL" show -p
expect 2 "*unknown flag '--prune'*" "--prune is apply's" "$NPCTL" show --prune
expect 2 "*missing HOST*" "add without an address" "$NPCTL" add
expect 2 "*del: missing PORT*" "del without a port" "$NPCTL" del
expect 2 "*set: missing PORT*" "set without a port" "$NPCTL" set
expect 2 "*nothing to set*" "set without an option" "$NPCTL" set ttyNP0
expect 2 "*apply: missing FILE*" "apply without a file" "$NPCTL" apply
expect 2 "*monitor: unexpected 'x'*" "monitor with an argument" "$NPCTL" monitor x
expect 2 "*dump: unexpected 'x'*" "dump with an argument" "$NPCTL" dump x
expect 2 "*'label' needs a value*" "option without its value" "$NPCTL" add 127.0.0.1 label
expect 2 "*unknown option 'colour'*" "unknown option" "$NPCTL" add 127.0.0.1 colour red
expect 2 "*'label' given twice*" "option given twice" "$NPCTL" add 127.0.0.1 label a label b
expect 2 "*index of a port cannot change*" "set index" "$NPCTL" set ttyNP0 index 3

# Addresses and ports.
expect 2 "*port must be 1..65535, not '0'*" "data port 0" "$NPCTL" add 127.0.0.1:0
expect 2 "*port must be 1..65535, not '65536'*" "data port 65536" "$NPCTL" add 127.0.0.1:65536
expect 2 "*port must be 1..65535*" "data port 99999999999" "$NPCTL" add 127.0.0.1:99999999999
expect 2 "*port must be 1..65535, not 'abc'*" "data port not a number" "$NPCTL" add 127.0.0.1:abc
expect 2 "*port must be 1..65535, not ''*" "empty data port" "$NPCTL" add 127.0.0.1:
expect 2 "*port must be 1..65535*" "IPv6 data port 0" "$NPCTL" add '[::1]:0'
expect 2 "*cmd-port: the port must be 1..65535 or none, not '0'*" "cmd-port 0" \
	"$NPCTL" add 127.0.0.1 cmd-port 0
expect 2 "*cmd-port: the port must be 1..65535 or none, not '70000'*" "cmd-port 70000" \
	"$NPCTL" add 127.0.0.1 cmd-port 70000
expect 2 "*'1.2.3.400' is not an IPv4 address*" "bad IPv4 address" "$NPCTL" add 1.2.3.400
expect 2 "*missing ']'*" "unclosed [" "$NPCTL" add '[::1'
expect 2 "*in [] is not an IPv6 address*" "IPv4 in []" "$NPCTL" add '[127.0.0.1]:4001'
expect 2 "*expected ':PORT' after ']'*" "junk after ]" "$NPCTL" add '[::1]4001'
expect 2 "*missing or too long host*" "no host" "$NPCTL" add :4001
expect 2 "*no interface 'nosuchif0'*" "unknown %interface" "$NPCTL" add '[fe80::1%nosuchif0]'
expect 1 "*cannot resolve 'no-such-host.invalid'*" "host name that does not resolve (exit 1)" \
	"$NPCTL" add no-such-host.invalid:4001

# Values npctl cannot read.
expect 2 "*connect-timeout: '5x' is not a duration*" "bad duration" \
	"$NPCTL" add 127.0.0.1 connect-timeout 5x
expect 2 "*keepalive: '1500ms' is not whole seconds*" "keepalive in part seconds" \
	"$NPCTL" add 127.0.0.1 keepalive 1500ms
expect 2 "*loss: 'reconnect' or 'hangup', not 'sometimes'*" "bad loss policy" \
	"$NPCTL" add 127.0.0.1 loss sometimes
expect 2 "*tx-ring: '4q' is not a size*" "bad size" "$NPCTL" add 127.0.0.1 tx-ring 4q
expect 2 "*index: '-1' is not a number*" "negative index" "$NPCTL" add 127.0.0.1 index -1
expect 2 "*connect-timeout*not a duration*" "duration overflow" \
	"$NPCTL" add 127.0.0.1 connect-timeout 5000000h
t_check "no port was created by any of that" test -z "$("$NPCTL" list)"

# --- refused by the kernel: exit 1, the attribute and why ---
p=$(free_port)
expect 1 "*kernel: connect-timeout: *valid 100..600000*" "connect-timeout below range" \
	"$NPCTL" add 127.0.0.1:$p connect-timeout 10
expect 1 "*kernel: keepalive: *valid 0..32767*" "keepalive above range" \
	"$NPCTL" add 127.0.0.1:$p keepalive 40000
expect 1 "*kernel: user-timeout: *valid 0..3600000*" "user-timeout above range" \
	"$NPCTL" add 127.0.0.1:$p user-timeout 2h
expect 1 "*kernel: tx-ring: *valid 256..1048576*" "tx-ring below range" \
	"$NPCTL" add 127.0.0.1:$p tx-ring 16
expect 1 "*kernel: cmd-timeout: *valid 10..600000*" "cmd-timeout below range" \
	"$NPCTL" add 127.0.0.1:$p cmd-timeout 1
expect 1 "*kernel: label: *at most 31 bytes*" "label of 32 characters" \
	"$NPCTL" add 127.0.0.1:$p label abcdefghijklmnopqrstuvwxyz012345
expect 1 "*kernel: label: a label is*" "label with a /" "$NPCTL" add 127.0.0.1:$p label a/b
expect 1 "*kernel: label: a label is*" "label starting with ." "$NPCTL" add 127.0.0.1:$p label .x
expect 1 "*kernel: label: a label is*" "label with a space" "$NPCTL" add 127.0.0.1:$p label 'a b'
expect 1 "*kernel: addr4: not a unicast IPv4 address*" "multicast IPv4" "$NPCTL" add 224.0.0.1:$p
expect 1 "*kernel: addr4: not a unicast IPv4 address*" "0.0.0.0" "$NPCTL" add 0.0.0.0:$p
expect 1 "*kernel: addr4: not a unicast IPv4 address*" "broadcast" "$NPCTL" add 255.255.255.255:$p
expect 1 "*kernel: addr6: not a unicast IPv6 address*" "multicast IPv6" "$NPCTL" add "[ff02::1]:$p"
expect 1 "*kernel: addr6: not a unicast IPv6 address*" "[::]" "$NPCTL" add "[::]:$p"
max=$(cat /sys/module/nptty/parameters/max_ports)
expect 1 "*kernel: index: *max_ports*" "index >= max_ports" "$NPCTL" add 127.0.0.1:$p index "$max"
t_check "nothing created by the refused requests" test -z "$("$NPCTL" list)"

# Duplicates and unknown ports.
name=$("$NPCTL" add 127.0.0.1:$p label dup)
t_check "a port to collide with: $name" test -n "$name"
expect 1 "*exists (File exists)*" "same address and data port (EEXIST)" "$NPCTL" add 127.0.0.1:$p
expect 1 "*exists (File exists)*" "same port, other options (EEXIST)" \
	"$NPCTL" add 127.0.0.1:$p no-cmd label other
expect 1 "*a port with this label exists (File exists)*" "same label (EEXIST)" \
	"$NPCTL" add 127.0.0.2:$p label dup
expect 1 "*this index is in use*" "same index" "$NPCTL" add 127.0.0.3:$p index "${name#ttyNP}"
expect 1 "*del ttyNP999: kernel: index: no such port (No such device)*" "del of an unknown tty" "$NPCTL" del ttyNP999
expect 1 "*nolabel: no such port*" "del of an unknown label" "$NPCTL" del nolabel
expect 1 "*127.0.0.9:$p: no such port*" "del of an unknown HOST:PORT" "$NPCTL" del 127.0.0.9:$p
expect 1 "*no such port*" "set of an unknown port" "$NPCTL" set ttyNP999 label x
expect 1 "*no such port*" "show of an unknown port" "$NPCTL" show 999
expect 1 "*nolabel: no such port*" "del of one known and one unknown port" \
	"$NPCTL" del dup nolabel
t_check "... deletes neither" "$NPCTL" show dup
expect 1 "*kernel: connect-timeout: *valid 100..600000*" "set out of range" \
	"$NPCTL" set dup connect-timeout 1
t_check "del of the port by label" "$NPCTL" del dup
t_check "list is empty again" test -z "$("$NPCTL" list)"

t_plan "$_t_n"
t_done
