#!/bin/sh
# Installs the build and test dependencies from Debian's packages. Idempotent: apt runs only
# when something is missing. Used by `make test`, `make demo` and `make bench`.
PKGS="build-essential pkg-config libboost-dev libboost-filesystem-dev libfmt-dev libexpected-dev
libcurl4-openssl-dev doctest-dev libxml2-dev nlohmann-json3-dev libcap2-bin xymon xymon-client apache2 chromium
iproute2 netcat-openbsd net-tools procps stress-ng openssl xz-utils gzip nftables ipset curl
python3 util-linux rrdtool time rsyslog poppler-utils
debhelper dpkg-dev fakeroot lintian help2man sudo"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# Node.js and npm (the ECS validator): machines of this kind ship NodeSource's nodejs, which
# bundles npm and conflicts with Debian's npm package; ask apt only when there is no node at all.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then missing="$missing nodejs npm"; fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages:$missing (run as root to install them)" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Xymon's init scripts must not start services during install; the harness starts them.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d.miningrisk
[ -e /usr/sbin/policy-rc.d ] || { cp /usr/sbin/policy-rc.d.miningrisk /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; rm_policy=1; }
rm -f /usr/sbin/policy-rc.d.miningrisk
apt-get update -q >/dev/null
apt-get install -y -q -o DPkg::Lock::Timeout=300 $missing >/tmp/miningrisk-apt.log 2>&1
rc=$?
[ "${rm_policy:-0}" = 1 ] && rm -f /usr/sbin/policy-rc.d
[ $rc -eq 0 ] || { tail -20 /tmp/miningrisk-apt.log; exit $rc; }
