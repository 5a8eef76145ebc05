#!/bin/bash
# The main job, run inside the test VM by 'make demo': load nptty.ko, start a
# remote end on loopback (npsim, the NPort simulator, or a socat echo server
# when npsim is not built), add a port with npctl, and talk through
# /dev/ttyNP0 with stty, echo and cat.
set -eu
cd "$(dirname "$0")/.."
NPCTL=$PWD/userspace/npctl/npctl
NPSIM=$PWD/userspace/npsim/npsim
say() { printf '\n\033[1m>>> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "load the module"
run insmod nptty.ko
run grep nptty /proc/tty/drivers

say "start a remote end on 127.0.0.1:4001 (a serial port with a loopback plug)"
if [ -x "$NPSIM" ]; then
	"$NPSIM" >/tmp/npsim.log 2>&1 &
	printf '$ npsim &    # simulated NPort: data 4001, command 966\n'
	add_args=""
else
	socat TCP-LISTEN:4001,reuseaddr,fork PIPE &
	printf '$ socat TCP-LISTEN:4001,reuseaddr,fork PIPE &    # an echo server\n'
	add_args="no-cmd"
fi
for _ in $(seq 100); do
	ss -Htln 'sport = :4001' | grep -q . && break
	sleep 0.05
done

say "add the port"
# shellcheck disable=SC2086
printf '$ npctl add 127.0.0.1:4001 %s\n' "$add_args"
tty=$("$NPCTL" add 127.0.0.1:4001 $add_args)
echo "$tty"
run "$NPCTL" list
for _ in $(seq 100); do [ -c "/dev/$tty" ] && break; sleep 0.02; done
run ls -l "/dev/$tty"

say "talk through /dev/$tty"
run stty -F "/dev/$tty" 115200 raw -echo
exec 3<>"/dev/$tty"
printf '$ echo "hello from nptty" > /dev/%s\n' "$tty"
echo "hello from nptty" >&3
printf '$ cat /dev/%s    # what came back from the remote end\n' "$tty"
IFS= read -r -t 5 line <&3 || true
exec 3>&-
echo "$line"

say "counters"
run "$NPCTL" -s list

say "clean up"
run "$NPCTL" del "$tty"
kill %1 2>/dev/null || true
wait 2>/dev/null || true
run rmmod nptty
if [ "$line" = "hello from nptty" ]; then
	say "demo OK: the bytes went to the remote end and came back"
else
	say "demo FAILED: got '$line'"
	exit 1
fi
