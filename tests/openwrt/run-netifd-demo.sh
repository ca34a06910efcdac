#!/bin/bash
# Run real OpenWrt ubusd + netifd inside a network namespace + private mount
# namespace on a (merged-/usr) Debian host, with an OpenWrt-like filesystem view:
#   /lib/netifd/{netifd-proto.sh,utils.sh,proto/*.sh}, /lib/functions.sh,
#   /usr/share/libubox/jshn.sh, /etc/config/network, /var/run/ubus/ubus.sock,
#   /sbin/hotplug-call (stub logging to /var/run/owrt-hotplug.log), /bin/sh = busybox ash.
# All of it is overlayfs inside the private mount namespace; the host is untouched
# except for the netns (deleted at exit) and the run dir under /tmp/owrt-run.*.
#
# usage: run-netifd-demo.sh [PREFIX]            (PREFIX from build-netifd.sh, default /tmp/owrt-prefix)
# env:
#   OWRT_NS           netns name (default owrt-demo; must not exist yet)
#   OWRT_RUN          run/state dir (default: mktemp -d /tmp/owrt-run.XXXXXX)
#   OWRT_EXTRA_ROOT   extra overlay tree laid over / (only its usr/ is used, e.g.
#                     EXTRA/usr/lib/netifd/proto/modemmanager.sh, EXTRA/usr/bin/mmcli)
#   OWRT_NETWORK_CONFIG  file used as /etc/config/network instead of the demo one
#   OWRT_EXEC         command run (by bash, inside the environment, after netifd is up)
#                     instead of the built-in dummyproto checks; its exit code is returned.
#                     OWRT_RUN is exported to it.
#   OWRT_SH           busybox|bash|/abs/path : what /bin/sh is for netifd and its handlers
#                     (default busybox if installed: OpenWrt's shell is busybox ash;
#                     Debian's dash lacks 'export -n' used by /lib/functions.sh)
#   OWRT_KEEP_NETNS=1 do not delete the netns at exit
#   OWRT_WWAN=none    do not create wwan0 (OWRT_EXEC makes its own, e.g. a tun device)
# exit status: 0 when every check passed (or OWRT_EXEC's status).
set -euo pipefail

PREFIX=$(cd "${1:-/tmp/owrt-prefix}" && pwd)
NS=${OWRT_NS:-owrt-demo}
[ "$(id -u)" = 0 ] || { echo "must run as root (netns + mounts)" >&2; exit 2; }
[ -x "$PREFIX/sbin/netifd" ] && [ -d "$PREFIX/root/usr/lib/netifd" ] || { echo "no netifd build in $PREFIX" >&2; exit 2; }
[ -e /lib ] && [ "$(readlink -f /lib)" = /usr/lib ] || { echo "host is not merged-/usr; this script overlays /usr only" >&2; exit 2; }
if ip netns list | grep -qw "^$NS"; then echo "netns $NS already exists" >&2; exit 2; fi

RUN=${OWRT_RUN:-$(mktemp -d /tmp/owrt-run.XXXXXX)}
mkdir -p "$RUN"; RUN=$(cd "$RUN" && pwd)
mkdir -p "$RUN/root/usr/lib/netifd/proto" "$RUN/root/usr/bin" "$RUN/etc-upper/config" \
	"$RUN/etc-work" "$RUN/run-upper" "$RUN/run-work"

case "${OWRT_SH:-}" in
	"") if command -v busybox >/dev/null; then SHELL_BIN=$(command -v busybox); else SHELL_BIN=$(command -v bash); fi;;
	busybox) SHELL_BIN=$(command -v busybox);;
	bash) SHELL_BIN=$(command -v bash);;
	/*) SHELL_BIN=$OWRT_SH;;
	*) echo "OWRT_SH must be busybox, bash or an absolute path" >&2; exit 2;;
esac
ln -sf "$SHELL_BIN" "$RUN/root/usr/bin/sh"

# --- demo proto handler, written like OpenWrt's /lib/netifd/proto/*.sh -------
cat >"$RUN/root/usr/lib/netifd/proto/dummyproto.sh" <<'EOS'
#!/bin/sh

[ -n "$INCLUDE_ONLY" ] || {
	. /lib/functions.sh
	. ../netifd-proto.sh
	init_proto "$@"
}

proto_dummyproto_init_config() {
	available=1
	no_device=1
	proto_config_add_string "netdev"
	proto_config_add_string "ipaddr"
	proto_config_add_string "gateway"
	proto_config_add_string "dnsaddr"
}

proto_dummyproto_setup() {
	local interface="$1"
	local netdev ipaddr gateway dnsaddr
	json_get_vars netdev ipaddr gateway dnsaddr

	echo "setup $interface netdev=$netdev ipaddr=$ipaddr" >> /var/run/dummyproto.log
	[ -n "$netdev" ] && [ -n "$ipaddr" ] || {
		proto_notify_error "$interface" MISSING_CONFIG
		proto_block_restart "$interface"
		return 1
	}

	proto_init_update "$netdev" 1
	proto_set_keep 1
	proto_add_ipv4_address "$ipaddr" "24"
	[ -n "$gateway" ] && proto_add_ipv4_route "0.0.0.0" "0" "$gateway" "$ipaddr"
	[ -n "$dnsaddr" ] && proto_add_dns_server "$dnsaddr"
	proto_send_update "$interface"
	echo "setup $interface done" >> /var/run/dummyproto.log
}

proto_dummyproto_teardown() {
	local interface="$1"
	echo "teardown $interface" >> /var/run/dummyproto.log
	proto_init_update "*" 0
	proto_send_update "$interface"
}

[ -n "$INCLUDE_ONLY" ] || {
	add_protocol dummyproto
}
EOS
chmod 0755 "$RUN/root/usr/lib/netifd/proto/dummyproto.sh"

if [ -n "${OWRT_NETWORK_CONFIG:-}" ]; then
	cp "$OWRT_NETWORK_CONFIG" "$RUN/etc-upper/config/network"
else
	cat >"$RUN/etc-upper/config/network" <<'EOS'
config interface 'loopback'
	option device 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config interface 'wwan'
	option proto 'dummyproto'
	option auto '0'
	option netdev 'wwan0'
	option ipaddr '10.64.0.2'
	option gateway '10.64.0.1'
	option dnsaddr '10.64.0.53'
EOS
fi

LOWER="$RUN/root/usr"
if [ -n "${OWRT_EXTRA_ROOT:-}" ] && [ -d "$OWRT_EXTRA_ROOT/usr" ]; then
	LOWER="$LOWER:$(cd "$OWRT_EXTRA_ROOT/usr" && pwd)"
fi
LOWER="$LOWER:$PREFIX/root/usr:/usr"

# --- script run inside netns + private mount namespace ----------------------
cat >"$RUN/inner.sh" <<'EOS'
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.5
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

mount -t overlay owrt-usr -o "lowerdir=$LOWER" /usr
mount -t overlay owrt-etc -o "lowerdir=/etc,upperdir=$RUN/etc-upper,workdir=$RUN/etc-work" /etc
mount -t overlay owrt-run -o "lowerdir=/run,upperdir=$RUN/run-upper,workdir=$RUN/run-work" /run
mkdir -p /var/run/ubus
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset ENV BASH_ENV

ip link set lo up
/usr/sbin/ubusd >"$RUN/ubusd.log" 2>&1 &
PIDS="$! $PIDS"
for i in $(seq 50); do [ -S /var/run/ubus/ubus.sock ] && break; sleep 0.1; done
[ -S /var/run/ubus/ubus.sock ] || { echo "ubusd did not come up"; exit 1; }

/usr/sbin/netifd -S -l "${OWRT_LOGLEVEL:-3}" -r "$RUN/resolv.conf.auto" >"$RUN/netifd.log" 2>&1 &
NETIFD_PID=$!
PIDS="$NETIFD_PID $PIDS"
for i in $(seq 100); do ubus list network.interface >/dev/null 2>&1 && break; sleep 0.1; done
ubus list network.interface >/dev/null 2>&1 || { echo "netifd did not register on ubus"; cat "$RUN/netifd.log"; exit 1; }

if [ -n "${OWRT_EXEC:-}" ]; then
	export OWRT_RUN="$RUN"
	bash -c "$OWRT_EXEC"
	exit $?
fi

# --- built-in checks ---
. /usr/share/libubox/jshn.sh
FAIL=0
ok()   { echo "PASS: $*"; }
bad()  { echo "FAIL: $*"; FAIL=1; }
check() { local what="$1"; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
iface_up() {	# prints 1 when network.interface.wwan reports up
	local up
	json_load "$(ubus call network.interface.wwan status)" || return 1
	json_get_var up up
	echo "${up:-0}"
}
wait_up() {	# wait_up 1|0
	local i
	for i in $(seq 100); do [ "$(iface_up)" = "$1" ] && return 0; sleep 0.1; done
	return 1
}

echo "--- netifd handlers: $(ubus call network get_proto_handlers | tr -d '\n\t' | head -c 300)"
check "dummyproto handler registered" sh -c 'ubus call network get_proto_handlers | grep -q "\"dummyproto\""'
check "wwan initially down" [ "$(iface_up)" = 0 ]

ubus call network.interface.wwan up
check "wwan up (ubus status)" wait_up 1
sleep 0.5
echo "--- status after up:"; ubus call network.interface.wwan status | tee "$RUN/status-up.json"
echo "--- ip addr/route:"; ip addr show dev wwan0; ip route
check "status ipv4-address 10.64.0.2/24" sh -c "grep -q '\"address\": \"10.64.0.2\"' '$RUN/status-up.json' && grep -q '\"mask\": 24' '$RUN/status-up.json'"
check "status l3_device wwan0" grep -q '"l3_device": "wwan0"' "$RUN/status-up.json"
check "status dns-server 10.64.0.53" grep -q '"10.64.0.53"' "$RUN/status-up.json"
check "kernel: 10.64.0.2/24 on wwan0" sh -c 'ip -4 addr show dev wwan0 | grep -q "inet 10.64.0.2/24"'
check "kernel: wwan0 is UP" sh -c 'ip link show dev wwan0 | grep -q "[<,]UP[,>]"'
check "kernel: default via 10.64.0.1 dev wwan0" sh -c 'ip route show default | grep -q "via 10.64.0.1 dev wwan0"'
check "resolv.conf.auto has nameserver 10.64.0.53" grep -q "nameserver 10.64.0.53" "$RUN/resolv.conf.auto"
check "handler setup ran" grep -q "setup wwan done" /var/run/dummyproto.log
check "hotplug ifup event" grep -q "ACTION=ifup INTERFACE=wwan" /var/run/owrt-hotplug.log

ubus call network.interface.wwan down
check "wwan down (ubus status)" wait_up 0
sleep 0.5
echo "--- status after down:"; ubus call network.interface.wwan status | tee "$RUN/status-down.json"
check "handler teardown ran" grep -q "teardown wwan" /var/run/dummyproto.log
check "kernel: address removed from wwan0" sh -c '! ip -4 addr show dev wwan0 | grep -q "10.64.0.2"'
check "kernel: default route removed" sh -c '! ip route show default | grep -q "dev wwan0"'
check "hotplug ifdown event" grep -q "ACTION=ifdown INTERFACE=wwan" /var/run/owrt-hotplug.log
kill -0 "$NETIFD_PID" 2>/dev/null && ok "netifd still running" || bad "netifd died"

echo "--- handler log:"; cat /var/run/dummyproto.log
echo "--- hotplug log:"; cat /var/run/owrt-hotplug.log
echo "--- netifd log:"; cat "$RUN/netifd.log"
[ "$FAIL" = 0 ] && echo "ALL CHECKS PASSED" || echo "SOME CHECKS FAILED"
exit "$FAIL"
EOS

cleanup_ns() {
	[ "${OWRT_KEEP_NETNS:-0}" = 1 ] || ip netns del "$NS" 2>/dev/null || true
}
ip netns add "$NS"
trap cleanup_ns EXIT

# wwan0: a dummy netdev if the kernel has it, else one end of a veth pair
if [ "${OWRT_WWAN:-}" = none ]; then
	:
elif ! ip -n "$NS" link add wwan0 type dummy 2>/dev/null; then
	ip -n "$NS" link add wwan0 type veth peer name wwan0-peer
	ip -n "$NS" link set wwan0-peer up
fi

rc=0
ip netns exec "$NS" unshare --mount --propagation private \
	env RUN="$RUN" LOWER="$LOWER" OWRT_EXEC="${OWRT_EXEC:-}" OWRT_LOGLEVEL="${OWRT_LOGLEVEL:-3}" \
	bash "$RUN/inner.sh" || rc=$?
echo "run dir: $RUN  (exit $rc)"
exit $rc
