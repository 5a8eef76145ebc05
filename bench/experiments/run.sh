#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# experiments/run.sh - measure proposed kmod/ changes without applying them.
#
#   bench/experiments/run.sh OUTDIR [VARIANT...]
#
# A VARIANT is "base" or patch names joined with "+", e.g. nosplit+rxsoft
# (patches: bench/experiments/*.patch, against kmod/ as committed).  Each
# variant is built from a copy of the tree in OUTDIR/build/VARIANT (kmod/
# is never touched), then ONE VM run loads them in turn, ROUNDS (4) times
# interleaved, and measures with npbench: 8-byte round trips (echo peer),
# bulk write through a port with a 64 KiB ring (sink) and bulk read
# (source).  Results: OUTDIR/exp.jsonl and a table on stdout.
#
# Default variants: base nosplit txdirect rxsoft
# nosplit+txdirect+rxsoft.  Takes about 1 minute per variant and round on
# a loaded 2-core host.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(realpath -m "${1:?usage: experiments/run.sh OUTDIR [VARIANT...]}")
shift
VARIANTS=${*:-base nosplit txdirect rxsoft nosplit+txdirect+rxsoft}
ROUNDS=${NPTTY_EXP_ROUNDS:-4}
KDIR=${KDIR:-$(ls -d /usr/src/linux-headers-*-amd64 | sort | tail -1)}

mkdir -p "$OUT/build"
make -s -C "$TOP/bench" >/dev/null
for v in $VARIANTS; do
	d=$OUT/build/$v
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$TOP/Kbuild" "$TOP/VERSION" "$TOP/include" "$d/"
	mkdir "$d/kmod"
	cp "$TOP"/kmod/*.[ch] "$d/kmod/"
	if [ "$v" != base ]; then
		for p in ${v//+/ }; do
			patch -s -d "$d" -p1 <"$TOP/bench/experiments/$p.patch"
		done
	fi
	make -s -C "$KDIR" M="$d" modules >"$d/build.log" 2>&1 ||
		{ echo "experiments: $v does not build, see $d/build.log" >&2; exit 1; }
	cp "$d/nptty.ko" "$OUT/$v.ko"
done

cat >"$OUT/guest.sh" <<EOF
#!/bin/bash
NPB=$TOP/bench/bin/npbench
NPCTL=$TOP/userspace/npctl/npctl
mkdir -p /tmp/exp
\$NPB peer echo --port 21003 --ready /tmp/exp/e &
\$NPB peer sink --port 21001 --ready /tmp/exp/s &
\$NPB peer source --port 21005 --ready /tmp/exp/o &
sleep 1
: >$OUT/exp.jsonl
for round in \$(seq $ROUNDS); do
	for v in $VARIANTS; do
		insmod $OUT/\$v.ko || continue
		\$NPCTL -q add 127.0.0.1:21003 no-cmd index 0
		\$NPCTL -q add 127.0.0.1:21001 no-cmd index 1 tx-ring 64k
		\$NPCTL -q add 127.0.0.1:21005 no-cmd index 2
		for i in 0 1 2; do
			for _ in \$(seq 200); do [ -c /dev/ttyNP\$i ] && break; sleep 0.01; done
		done
		for t in rtt write read; do
			case \$t in
			rtt) r=\$(\$NPB rtt /dev/ttyNP0 --seconds 2 --max-seconds 4) ;;
			write) r=\$(\$NPB bulk write /dev/ttyNP1 --seconds 2) ;;
			read) r=\$(\$NPB bulk read /dev/ttyNP2 --seconds 2) ;;
			esac
			echo "{\"v\":\"\$v\",\"round\":\$round,\"t\":\"\$t\",\"r\":\$r}" >>$OUT/exp.jsonl
		done
		\$NPCTL -q del 0 1 2
		rmmod nptty
	done
	echo "experiments: round \$round done" >&2
done
kill %1 %2 %3
EOF
chmod +x "$OUT/guest.sh"
"$TOP/selftests/vm/run.sh" -s 1 -t 1800 -o "$OUT" -- "$OUT/guest.sh"

python3 - "$OUT/exp.jsonl" $VARIANTS <<'EOF'
import json, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("%-26s %8s %7s %6s | %8s %6s %6s | %8s %6s %6s" % (
    "variant (median of rounds)", "RTT p50", "min", "cs/rt",
    "wr MB/s", "s/MB", "cs/MB", "rd MB/s", "s/MB", "cs/MB"))
for v in sys.argv[2:]:
    def m(t, k):
        x = [r["r"][k] for r in rows if r["v"] == v and r["t"] == t]
        return st.median(x) if x else float("nan")
    print("%-26s %8.0f %7.0f %6.2f | %8.2f %6.3f %6.0f | %8.2f %6.3f %6.0f" % (
        v, m("rtt", "p50_us"), m("rtt", "min_us"), m("rtt", "ctxt_per_rtt"),
        m("write", "mbps"), m("write", "cpu_busy_s_per_mb"),
        m("write", "ctxt_per_mb"), m("read", "mbps"),
        m("read", "cpu_busy_s_per_mb"), m("read", "ctxt_per_mb")))
EOF
