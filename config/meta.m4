dnl config/meta.m4: read META, the single source of name, version and the
dnl supported kernel range.  configure, dkms.conf, debian/ and rpm/ all read it.

dnl KMEMLAB_META_FIELD(FIELD): the value of "FIELD:" in META, at configure time
dnl (scripts/meta-field, the one reader of META).
AC_DEFUN([KMEMLAB_META_FIELD],
	[`$SHELL "$srcdir/scripts/meta-field" $1 "$srcdir/META"`])

AC_DEFUN([KMEMLAB_AC_META], [
	AC_MSG_CHECKING([the supported kernel range in META])
	KMEMLAB_LINUX_MIN=KMEMLAB_META_FIELD([Linux-Minimum])
	KMEMLAB_LINUX_MAX=KMEMLAB_META_FIELD([Linux-Maximum])
	KMEMLAB_RELEASE=KMEMLAB_META_FIELD([Release])
	KMEMLAB_LICENSE=KMEMLAB_META_FIELD([License])
	AS_IF([test -z "$KMEMLAB_LINUX_MIN" || test -z "$KMEMLAB_LINUX_MAX"],
		[AC_MSG_ERROR([META lacks Linux-Minimum or Linux-Maximum])])
	AC_MSG_RESULT([$KMEMLAB_LINUX_MIN to $KMEMLAB_LINUX_MAX])
	AC_SUBST([KMEMLAB_LINUX_MIN])
	AC_SUBST([KMEMLAB_LINUX_MAX])
	AC_SUBST([KMEMLAB_RELEASE])
	AC_SUBST([KMEMLAB_LICENSE])
])

dnl Warnings for the user-space programs (tools/, tests/).
AC_DEFUN([KMEMLAB_AC_USERSPACE_CFLAGS], [
	KMEMLAB_USER_CFLAGS="-Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes -Wstrict-prototypes"
	AC_SUBST([KMEMLAB_USER_CFLAGS])
])
