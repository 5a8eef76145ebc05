# SPDX-License-Identifier: GPL-2.0
# Network namespaces for link selftests (sourced after lib.sh; not a test).
#
#   ns_setup            two fresh namespaces joined by a veth pair:
#                       $NS_A  192.0.2.1/24, where ports are added
#                       $NS_B  192.0.2.2/24, where peers listen
#                       (removed again at exit by cleanup_add)
#   ns_blackhole on|off  drop (or stop dropping) every TCP segment $NS_B
#                       receives: a peer that vanishes without a word
#
# Addresses are TEST-NET-1 and exist only inside these namespaces.

ns_setup() {
	need_cmd ip iptables
	NS_A=npA$$
	NS_B=npB$$
	ip netns add "$NS_A" || skip_all "cannot create a network namespace"
	cleanup_add "ip netns del $NS_A"
	ip netns add "$NS_B"
	cleanup_add "ip netns del $NS_B"
	ip link add veA netns "$NS_A" type veth peer name veB netns "$NS_B" ||
		skip_all "cannot create a veth pair"
	ip -n "$NS_A" addr add 192.0.2.1/24 dev veA
	ip -n "$NS_B" addr add 192.0.2.2/24 dev veB
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	ip -n "$NS_A" link set veA up
	ip -n "$NS_B" link set veB up
	ip netns exec "$NS_B" iptables -L INPUT >/dev/null 2>&1 ||
		skip_all "iptables does not work here"
	export NS_A NS_B
}

ns_blackhole() {
	case $1 in
	on) ip netns exec "$NS_B" iptables -A INPUT -p tcp -j DROP ;;
	off) ip netns exec "$NS_B" iptables -D INPUT -p tcp -j DROP ;;
	esac
}
