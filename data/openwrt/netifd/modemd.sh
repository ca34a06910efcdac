#!/bin/sh
# netifd protocol handler for modems run by modemd: `option proto 'modemd'` in
# /etc/config/network. The modem's state lives in modemd; this handler asks
# modemctl for everything in single calls with machine-readable answers:
#   modemctl --netifd-up=-       wait, unlock, connect; the IP settings as JSON
#   modemctl --netifd-watch=PATH the proto task: ends when the session does
#   modemctl --netifd-down=DEV   disconnect
# See data/openwrt/README.md for the options and error codes.

[ -n "$INCLUDE_ONLY" ] || {
	. /lib/functions.sh
	. ../netifd-proto.sh
	init_proto "$@"
}

# Seconds before a failed setup returns and netifd starts the next one.
MODEMD_RETRY_DELAY="${MODEMD_RETRY_DELAY:-5}"

proto_modemd_init_config() {
	available=1
	no_device=1
	proto_config_add_string "device"
	proto_config_add_string "apn"
	proto_config_add_string "username"
	proto_config_add_string "password"
	proto_config_add_string "auth"
	proto_config_add_string "pincode"
	proto_config_add_string "iptype"
	proto_config_add_string "allowedmodes"
	proto_config_add_string "preferredmode"
	proto_config_add_int "mtu"
	proto_config_add_int "wait"
	proto_config_add_defaults
}

# Reports an error; retry=0 keeps netifd from starting the handler again (a
# wrong PIN tried again would lock the SIM with its PUK).
modemd_fail() {
	local interface="$1" code="$2" retry="$3"

	proto_notify_error "$interface" "$code"
	if [ "$retry" = 0 ]; then
		proto_block_restart "$interface"
	else
		sleep "$MODEMD_RETRY_DELAY"
	fi
}

# Appends key='value' to the settings string; values in single quotes cannot
# hold one themselves (modemd refuses quotes in APNs and credentials anyway).
modemd_add_setting() {
	local key="$1" value="$2"

	[ -n "$value" ] || return 0
	case "$value" in
		*\'*) return 1 ;;
	esac
	settings="${settings:+$settings,}$key='$value'"
}

modemd_auth() {
	case "$1" in
		both) echo "pap|chap" ;;
		*) echo "$1" | tr ' ,' '||' ;;
	esac
}

# Builds $settings for modemctl --netifd-up from the uci options.
modemd_build_settings() {
	settings=
	modemd_add_setting device "$device" &&
	modemd_add_setting wait "$wait" &&
	modemd_add_setting pin "$pincode" &&
	modemd_add_setting apn "$apn" &&
	modemd_add_setting user "$username" &&
	modemd_add_setting password "$password" &&
	modemd_add_setting allowed-auth "$(modemd_auth "$auth")" &&
	modemd_add_setting ip-type "$iptype" &&
	modemd_add_setting allowed-modes "$(echo "$allowedmodes" | tr ' ,' '||')" &&
	modemd_add_setting preferred-mode "$preferredmode"
}

# Reads one family of the answer (the current JSON object) into
# ${family}_method, _address, _prefix, _gateway, _dns and _mtu.
modemd_read_family() {
	local family="$1" method address prefix gateway dns mtu var type

	json_get_type type "$family"
	[ "$type" = object ] || return 0
	json_select "$family"
	json_get_vars method address prefix gateway mtu
	json_get_values dns dns
	json_select ..
	for var in method address prefix gateway dns mtu; do
		eval "${family}_$var=\$$var"
	done
}

# Adds what is static in a family to the update being built.
modemd_add_static() {
	local family="$1" method address prefix gateway dns server

	eval "method=\$${family}_method address=\$${family}_address"
	eval "prefix=\$${family}_prefix gateway=\$${family}_gateway dns=\$${family}_dns"
	[ "$method" = static ] || return 0
	if [ "$family" = ipv4 ]; then
		proto_add_ipv4_address "$address" "$prefix"
		[ "$defaultroute" = 0 ] ||
			proto_add_ipv4_route "0.0.0.0" 0 "$gateway" "" "$metric"
	else
		proto_add_ipv6_address "$address" "$prefix"
		[ "$defaultroute" = 0 ] ||
			proto_add_ipv6_route "::" 0 "$gateway" "$metric"
	fi
	[ "$peerdns" = 0 ] || for server in $dns; do
		proto_add_dns_server "$server"
	done
}

# DHCP and DHCPv6 bearers: a child interface on our device runs the client.
modemd_add_dhcp_child() {
	local interface="$1" proto="$2" suffix="$3"

	json_init
	json_add_string name "${interface}_$suffix"
	json_add_string ifname "@$interface"
	json_add_string proto "$proto"
	proto_add_dynamic_defaults
	ubus call network add_dynamic "$(json_dump)"
}

proto_modemd_setup() {
	local interface="$1"
	local device apn username password auth pincode iptype allowedmodes \
		preferredmode mtu wait metric defaultroute peerdns
	local settings answer result error message retry ifname bearer \
		ipv4_method ipv4_address ipv4_prefix ipv4_gateway ipv4_dns ipv4_mtu \
		ipv6_method ipv6_address ipv6_prefix ipv6_gateway ipv6_dns ipv6_mtu

	json_get_vars device apn username password auth pincode iptype \
		allowedmodes preferredmode mtu wait metric defaultroute peerdns

	[ -n "$device" ] || {
		modemd_fail "$interface" NO_DEVICE 0
		return 1
	}
	modemd_build_settings || {
		modemd_fail "$interface" INVALID_SETTINGS 0
		return 1
	}
	# The settings go on stdin: the PIN and password stay out of argv.
	# modemctl is our own child (no command substitution, whose subshell
	# would outlive us), so it dies with us when netifd ends the setup.
	answer="/var/run/modemd-netifd-$interface.json"
	printf '%s' "$settings" | modemctl --netifd-up=- >"$answer" &
	settings=
	wait $!
	result=$(cat "$answer")
	rm -f "$answer"
	json_load "$result" 2>/dev/null || {
		modemd_fail "$interface" NO_ANSWER 1
		return 1
	}
	json_get_vars error message retry
	[ -z "$error" ] || {
		modemd_fail "$interface" "$error" "$retry"
		return 1
	}
	json_get_var ifname interface
	json_get_var bearer bearer
	modemd_read_family ipv4
	modemd_read_family ipv6
	case "$ipv4_method $ipv6_method" in
		*static* | *dhcp*) ;;
		*)
			modemctl --netifd-down="$device"
			modemd_fail "$interface" UNSUPPORTED_METHOD 0
			return 1
			;;
	esac

	[ -n "$mtu" ] || mtu="${ipv4_mtu:-$ipv6_mtu}"
	[ -z "$mtu" ] || ip link set dev "$ifname" mtu "$mtu"
	proto_init_update "$ifname" 1
	modemd_add_static ipv4
	modemd_add_static ipv6
	proto_send_update "$interface"

	[ "$ipv4_method" = dhcp ] && modemd_add_dhcp_child "$interface" dhcp 4
	[ "$ipv6_method" = dhcp ] && modemd_add_dhcp_child "$interface" dhcpv6 6

	# Ends when the network drops the session or the modem goes away: netifd
	# then takes the interface down and restarts it by its own rules.
	proto_run_command "$interface" modemctl --netifd-watch="$bearer"
}

proto_modemd_teardown() {
	local interface="$1"
	local device

	json_get_vars device
	proto_kill_command "$interface"
	[ -z "$device" ] || modemctl --netifd-down="$device"
	proto_init_update "*" 0
	proto_send_update "$interface"
}

[ -n "$INCLUDE_ONLY" ] || {
	add_protocol modemd
}
