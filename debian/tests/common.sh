# Shared by the kmemlab autopkgtests: the TAP helpers (tests/tap.sh: check,
# skip, ...; each test ends with finish), dpkg and DKMS checks.
# shellcheck shell=sh

export DEBIAN_FRONTEND=noninteractive
. "$src/tests/tap.sh"
tap_begin

# No automake driver grades an autopkgtest's stdout: it ends with its own
# plan and "N passed, N failed" line, and fails if a check failed.
finish() {
	plan
	tap_summary
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

# How many modules the installed dkms.conf names (src/modules.mk's list).
kmemlab_dkms_module_count() {
	grep -h '^BUILT_MODULE_NAME' /usr/src/kmemlab-*/dkms.conf | wc -l
}

kmemlab_dkms_version() {
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' /usr/src/kmemlab-*/dkms.conf | head -n 1
}
