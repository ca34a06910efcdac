#!/bin/bash
# The quick-start demo: install what is missing, build, then run the daemon with
# a simulated QMI modem on a private system bus with real polkitd, and drive it
# with modemctl. Run as root on Debian (polkitd reads actions only from
# /usr/share/polkit-1/actions, and only root may own the bus name).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    echo "tools/demo.sh: run as root (it starts polkitd and owns a system bus name)" >&2
    exit 1
fi

mapfile -t packages < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' .ci/packages.txt)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

[ -f build/build.ninja ] || meson setup build
meson compile -C build
MODEMD=build/src/daemon/modemd MODEMCTL=build/cli/modemctl MODEM_SIM=build/tests/sim/modem-sim \
    exec /usr/bin/python3 tools/demo.py "$@"
