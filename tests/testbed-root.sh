# shellcheck shell=sh
# tests/testbed-root.sh: a root filesystem tarball (scripts/testbed,
# tests/docs/make-fresh-root) unpacked into a directory to chroot into: the
# one way the package and documentation tests make such a root
# (check-repo, check-rpm-root, minimal-footprint, check-doc-commands).
#
#   root_unpack TARBALL DIR   unpack TARBALL into DIR, bind the host's /dev
#                             there and mount /proc (dpkg, objtool and
#                             QEMU read it); the caller makes DIR and sets
#                             its EXIT trap, which calls root_remove,
#                             first, so a failure here is cleaned up too
#   root_remove DIR           unmount and delete DIR; a mount that will not
#                             go (busy) is detached lazily, and if one is
#                             still there DIR is left, said so, never
#                             deleted; rm --one-file-system besides, so rm
#                             never enters a /dev still bound there

root_unpack() {
	tar -C "$2" --exclude=./dev -xf "$1"
	mkdir -p "$2/dev"
	mount --bind /dev "$2/dev"
	mount -t proc proc "$2/proc"
}

root_remove() {
	[ -n "$1" ] && [ -d "$1" ] || return 0
	for mount_point in "$1/proc" "$1/dev"; do
		mountpoint -q "$mount_point" || continue
		umount "$mount_point" 2>/dev/null || umount -l "$mount_point" || :
		if mountpoint -q "$mount_point"; then
			echo "testbed-root: $mount_point is still mounted: $1 is left as it is" >&2
			return 1
		fi
	done
	rm -rf --one-file-system "$1"
}
