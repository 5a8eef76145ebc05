#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The documentation of npctl keeps up with npctl: npctl(8) and nptty(4)
# render without warnings in 80 columns; the man page covers every command,
# flag, option and JSON key npctl has; the example config and the bash
# completion know every option; the example applies; completion completes
# commands, flags, options, their values and the names of existing ports.
# timeout=600
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd man groff python3
port_del_all
cleanup_add port_del_all

MAN8=$TOP/docs/man/npctl.8
MAN4=$TOP/docs/man/nptty.4
COMP=$TOP/userspace/npctl/npctl.bash-completion
EXAMPLE=$TOP/etc/nptty.conf.example
tmp=$(mktemp)
cleanup_add "rm -f $tmp $tmp.err"

# --- the pages render cleanly ---
# (man once per page: a loaded TCG guest makes each run take seconds.)
for page in "$MAN8" "$MAN4"; do
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=all -l "$page" 2>"$tmp.err")
	err=$(cat "$tmp.err"; groff -man -ww -z "$page" 2>&1)
	[ -z "$err" ] && t_ok "$(basename "$page") renders without warnings" ||
		t_fail "$(basename "$page"): $err"
	long=$(awk 'length > 80' <<<"$out")
	[ -z "$long" ] && t_ok "$(basename "$page") fits in 80 columns" ||
		t_fail "$(basename "$page"): lines over 80 columns: $long"
	[ "$page" = "$MAN8" ] && text=$out
done

# --- what npctl has, the man page documents ---
missing=""
for c in $("$NPCTL" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
	grep -Eq "^       $c( |$)" <<<"$text" || missing="$missing $c"
done
[ -z "$missing" ] && t_ok "npctl(8) has every command of npctl --help" ||
	t_fail "npctl(8) lacks commands:$missing"
flags=$("$NPCTL" --help | grep -Eo -- '--[a-z-]+' | sort -u)
missing=""
for f in $flags; do grep -q -- "$f" <<<"$text" || missing="$missing $f"; done
[ -z "$missing" ] && t_ok "npctl(8) has every flag ($(echo $flags))" ||
	t_fail "npctl(8) lacks flags:$missing"
options=$("$NPCTL" add --help | awk '/^Options:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
t_check "npctl add --help lists options" test -n "$options"
missing=""
for o in $options; do
	grep -Eq "^       $o( |$)" <<<"$text" || missing="$missing $o"
done
[ -z "$missing" ] && t_ok "npctl(8) has every option ($(echo $options))" ||
	t_fail "npctl(8) lacks options:$missing"
missing=""
for o in $options; do grep -q -- "$o" "$EXAMPLE" || missing="$missing $o"; done
[ -z "$missing" ] && t_ok "the example config explains every option" ||
	t_fail "the example lacks:$missing"
comp_opts=$(sed -n 's/^\tlocal options="\(.*\)"$/\1/p' "$COMP" | tr ' ' '\n' | sort)
t_check "the completion's options are npctl's" \
	test "$comp_opts" = "$(tr ' ' '\n' <<<"$options" | sort)"
comp_cmds=$(sed -n 's/^\tlocal commands="\(.*\)"$/\1/p' "$COMP" | tr ' ' '\n' | sort)
want_cmds=$( ("$NPCTL" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'
	echo delete; echo list) | sort)
t_check "the completion's commands are npctl's (and aliases)" test "$comp_cmds" = "$want_cmds"

"$NPCTL" add 127.0.0.1:$(free_port) label docs >/dev/null
keys=$("$NPCTL" -j show | python3 -c '
import json, sys
p = json.load(sys.stdin)[0]
print(" ".join(list(p) + list(p["stats"])))')
json=$(sed -n '/^JSON OUTPUT/,/^EXIT STATUS/p' <<<"$text")
missing=""
for k in $keys; do grep -Eq "(^|[ ,])$k([,.]|$| )" <<<"$json" || missing="$missing $k"; done
[ -z "$missing" ] && t_ok "npctl(8) documents every JSON key ($(wc -w <<<"$keys"))" ||
	t_fail "JSON keys not in npctl(8):$missing"

# --- the example config ---
out=$("$NPCTL" apply -n "$EXAMPLE" 2>&1)
rc=$?
[ $rc = 0 ] && [ -z "$out" ] && t_ok "the example as installed does nothing" ||
	t_fail "example: exit $rc: $out"
sed 's/^#\([^ #]\)/\1/' "$EXAMPLE" | grep -v example.net >"$tmp"
out=$("$NPCTL" apply -n "$tmp" 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && [ "$(grep -c '^add ' <<<"$out")" = "$(grep -Ec '^[0-9[]' "$tmp")" ] &&
	t_ok "the example's lines, uncommented, apply ($(grep -c '^add ' <<<"$out") ports)" ||
	t_fail "uncommented example: exit $rc: $out"

# --- bash completion ---
# complete WORDS...: what completing the last word (may be "") offers.
complete_words() {
	PATH=$(dirname "$NPCTL"):$PATH bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_npctl
		((${#COMPREPLY[@]})) || exit 0
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$COMP" "$@"
}
is() {
	if [ "$2" = "$3" ]; then t_ok "$1: $2"; else t_fail "$1: got '$2', want '$3'"; fi
}
tty=$("$NPCTL" list | awk 'NR == 2 { print $1 }')
is "completion: commands" "$(complete_words npctl '')" \
	"add apply del delete dump help list monitor set show "
is "completion: a command's prefix" "$(complete_words npctl a)" "add apply "
is "completion: flags" "$(complete_words npctl --j)" "--json "
is "completion: port names for del" "$(complete_words npctl del '')" \
	"$(printf '%s\n' docs "$tty" | sort | tr '\n' ' ')"
is "completion: port names after show -j" "$(complete_words npctl -j show d)" "docs "
is "completion: set's options (no index)" "$(complete_words npctl set docs l)" "label loss "
is "completion: add's options" "$(complete_words npctl add 10.0.0.1 i)" "index "
is "completion: loss values" "$(complete_words npctl set docs loss '')" "hangup reconnect "
is "completion: no guess for a label" "$(complete_words npctl add 10.0.0.1 label '')" ""
is "completion: apply's flags" "$(complete_words npctl apply --p)" "--prune "
is "completion: apply takes a file" \
	"$(cd "$TOP/docs/man" && complete_words npctl apply npctl)" "npctl.8 "
is "completion: help's commands" "$(complete_words npctl help m)" "monitor "

t_plan "$_t_n"
t_done
