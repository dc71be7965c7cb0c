# Shared by the kmemlab autopkgtests: TAP-like output, dpkg and DKMS checks.
# shellcheck shell=sh

export DEBIAN_FRONTEND=noninteractive
failures=0
count=0

ok() { count=$((count + 1)); echo "ok $count - $*"; }
not_ok() { count=$((count + 1)); failures=$((failures + 1)); echo "not ok $count - $*"; }
skip() { count=$((count + 1)); echo "ok $count - # SKIP $*"; }
check() { # check DESCRIPTION COMMAND...: ok if COMMAND succeeds
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "1..$count"
	echo "$((count - failures)) passed, $failures failed"
	[ "$failures" -eq 0 ]
}

# Every package fully installed or fully gone: nothing half-configured.
dpkg_consistent() {
	[ -z "$(dpkg --audit 2>&1)" ] &&
	! dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' | grep -Ev '^(ii|rc|un) '
}

# The release of the kernel a linux-image/linux-headers metapackage
# (ARG: linux-image-amd64 ...) points to, from its installed dependency.
release_of() {
	dpkg-query -W -f '${Depends}' "$1" | tr ',' '\n' |
		sed -n 's/^ *linux-\(image\|headers\)-\([0-9][^ ]*\).*/\2/p' | head -n 1
}

# DKMS-built kmemlab modules of kernel RELEASE.
kmemlab_modules_of() {
	ls /lib/modules/"$1"/updates/dkms/kmemlab_*.ko* 2>/dev/null
}

kmemlab_dkms_version() {
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' /usr/src/kmemlab-*/dkms.conf | head -n 1
}
