dnl config/kernel.m4: find the kernel to build for, check it against the range
dnl in META, pick its compiler, and answer every API probe.
dnl
dnl Probes live one API per file in config/kernel-*.m4; configure includes
dnl every such file, so adding a probe means adding one file (then rerun
dnl ./autogen.sh).  A file calls KMEMLAB_KERNEL_PROBE or
dnl KMEMLAB_KERNEL_PROBE_LINK.  Every probe becomes a tiny module source in
dnl config-probes/, and all of them are compiled by ONE "make -k -jN" Kbuild
dnl run; probes that need an exported symbol are then linked (modpost) in one
dnl more run over the objects that compiled.  Answers are cached per kernel
dnl (release and autoconf.h checksum in the cache variable name), so
dnl "./configure -C" against different kernels never mixes them.

dnl --without-linux skips all of it and builds only the user-space parts
dnl (tool, test programs, man pages, headers): what a distribution package
dnl builds, the modules being DKMS's job on the user's machine.
AC_DEFUN([KMEMLAB_AC_KERNEL], [
	AS_IF([test "x$with_linux" = xno], [
		kmemlab_build_modules=no
		AC_MSG_NOTICE([--without-linux: user-space parts only, no kernel modules])
	], [
		kmemlab_build_modules=yes
		KMEMLAB_AC_KERNEL_TREE
		KMEMLAB_AC_KERNEL_RELEASE
		KMEMLAB_AC_KERNEL_COMPILER
		KMEMLAB_AC_KERNEL_MODDIR
		KMEMLAB_AC_KERNEL_PROBES
	])
	AM_CONDITIONAL([KMEMLAB_BUILD_MODULES], [test "$kmemlab_build_modules" = yes])
	AM_CONDITIONAL([KERNEL_MODDIR_DEFAULT], [test "$kmemlab_build_modules" = yes &&
		test "x$KERNEL_MODDIR" = "x/lib/modules/$LINUX_VERSION/extra"])
])

dnl Find the build tree (.config, generated headers, Module.symvers) and the
dnl source tree (the top Makefile).  On Debian they are the -amd64 and the
dnl -common header packages; the -amd64 Makefile includes the -common one by
dnl absolute path, so when the packages are unpacked somewhere else the
dnl -common tree is looked up beside the -amd64 one.
AC_DEFUN([KMEMLAB_AC_KERNEL_TREE], [
	AC_ARG_WITH([linux],
		[AS_HELP_STRING([--with-linux=DIR],
			[kernel source tree (Debian: .../linux-headers-RELEASE-common);
			 --without-linux builds the user-space parts only])],
		[kmemlab_linux=$withval], [kmemlab_linux=])
	AC_ARG_WITH([linux-obj],
		[AS_HELP_STRING([--with-linux-obj=DIR],
			[kernel build tree (Debian: .../linux-headers-RELEASE-amd64);
			 default: /lib/modules/`uname -r`/build, else the newest
			 /lib/modules/*/build])],
		[kmemlab_linux_obj=$withval], [kmemlab_linux_obj=])

	AC_MSG_CHECKING([for the kernel build tree])
	AS_IF([test -z "$kmemlab_linux_obj" && test -n "$kmemlab_linux"],
		[kmemlab_linux_obj=$kmemlab_linux
		 AS_IF([test ! -f "$kmemlab_linux_obj/.config"], [kmemlab_linux=])])
	AS_IF([test -z "$kmemlab_linux_obj"], [
		kmemlab_running=`uname -r`
		AS_IF([test -f "/lib/modules/$kmemlab_running/build/.config"],
			[kmemlab_linux_obj=/lib/modules/$kmemlab_running/build],
			[kmemlab_linux_obj=`ls -d /lib/modules/*/build 2>/dev/null |
				sort -V | while read d; do
					test -f "$d/.config" && echo "$d"; done | tail -n 1`])
	])
	AS_IF([test -z "$kmemlab_linux_obj"], [
		AC_MSG_RESULT([not found])
		AC_MSG_ERROR([no kernel headers found.
  Install the headers of the kernel to build for, for the running kernel:
      apt-get install linux-headers-`uname -r`
  or Debian's current ones:
      apt-get install linux-headers-amd64
  or point configure at a tree with --with-linux-obj=DIR (and --with-linux=DIR).])
	])
	AS_IF([test ! -f "$kmemlab_linux_obj/.config" ||
	       test ! -f "$kmemlab_linux_obj/Makefile"],
		[AC_MSG_ERROR([$kmemlab_linux_obj is not a configured kernel build tree (no .config or Makefile); install linux-headers-RELEASE or give --with-linux-obj=DIR])])
	kmemlab_linux_obj=`cd "$kmemlab_linux_obj" && pwd -P`
	AC_MSG_RESULT([$kmemlab_linux_obj])

	AC_MSG_CHECKING([for the kernel source tree])
	AS_IF([test -z "$kmemlab_linux"], [
		dnl A Debian or O= build tree: "include /path/to/source/Makefile".
		kmemlab_inc=`sed -n 's|^include[[ 	]]*\(/.*\)/Makefile$|\1|p' \
			"$kmemlab_linux_obj/Makefile" | head -n 1`
		AS_IF([test -n "$kmemlab_inc" && test -f "$kmemlab_inc/Makefile"],
			[kmemlab_linux=$kmemlab_inc],
		[test -n "$kmemlab_inc" &&
		 test -f "`dirname $kmemlab_linux_obj`/`basename $kmemlab_inc`/Makefile"],
			[kmemlab_linux=`dirname $kmemlab_linux_obj`/`basename $kmemlab_inc`],
		[test -n "$kmemlab_inc"],
			[AC_MSG_ERROR([$kmemlab_linux_obj/Makefile includes $kmemlab_inc, which is missing (for Debian, unpack the matching linux-headers-*-common too, or give --with-linux=DIR)])],
		[test -f "$kmemlab_linux_obj/source/Makefile"],
			[kmemlab_linux=$kmemlab_linux_obj/source],
			[kmemlab_linux=$kmemlab_linux_obj])
	])
	AS_IF([test ! -f "$kmemlab_linux/Makefile"],
		[AC_MSG_ERROR([$kmemlab_linux has no Makefile: not a kernel source tree])])
	kmemlab_linux=`cd "$kmemlab_linux" && pwd -P`
	AC_MSG_RESULT([$kmemlab_linux])

	LINUX=$kmemlab_linux
	LINUX_OBJ=$kmemlab_linux_obj
	AC_SUBST([LINUX])
	AC_SUBST([LINUX_OBJ])
])

dnl The release string, and the supported-range check against META.
AC_DEFUN([KMEMLAB_AC_KERNEL_RELEASE], [
	AC_ARG_ENABLE([linux-experimental],
		[AS_HELP_STRING([--enable-linux-experimental],
			[allow kernels newer than the supported range (with a warning)])],
		[], [enable_linux_experimental=no])

	AC_MSG_CHECKING([the kernel release])
	kmemlab_uts=
	for f in include/generated/utsrelease.h include/linux/utsrelease.h; do
		AS_IF([test -f "$LINUX_OBJ/$f"], [
			kmemlab_uts=`sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$LINUX_OBJ/$f"`
			break])
	done
	AS_IF([test -z "$kmemlab_uts"],
		[AC_MSG_ERROR([cannot read the release from $LINUX_OBJ/include/generated/utsrelease.h: is the tree prepared (make modules_prepare)?])])
	LINUX_VERSION=$kmemlab_uts
	AC_MSG_RESULT([$LINUX_VERSION])
	AC_SUBST([LINUX_VERSION])

	AC_MSG_CHECKING([whether $LINUX_VERSION is in the supported range])
	kmemlab_vnum() { echo "$[]1" | awk -F. '{ printf "%d\n", $[]1 * 1000 + $[]2 }'; }
	kmemlab_v=`kmemlab_vnum "$LINUX_VERSION"`
	kmemlab_vmin=`kmemlab_vnum "$KMEMLAB_LINUX_MIN"`
	kmemlab_vmax=`kmemlab_vnum "$KMEMLAB_LINUX_MAX"`
	AS_IF([test "$kmemlab_v" -lt "$kmemlab_vmin"], [
		AC_MSG_RESULT([no, too old])
		AC_MSG_ERROR([kernel $LINUX_VERSION is older than $KMEMLAB_LINUX_MIN, the oldest kernel kmemlab supports])
	], [test "$kmemlab_v" -gt "$kmemlab_vmax"], [
		AS_IF([test "x$enable_linux_experimental" = xyes], [
			AC_MSG_RESULT([no, newer than $KMEMLAB_LINUX_MAX: experimental])
			AC_MSG_WARN([kernel $LINUX_VERSION is newer than $KMEMLAB_LINUX_MAX, the newest kernel kmemlab is tested on; building anyway because of --enable-linux-experimental])
			kmemlab_experimental=yes
		], [
			AC_MSG_RESULT([no, too new])
			AC_MSG_ERROR([kernel $LINUX_VERSION is newer than $KMEMLAB_LINUX_MAX, the newest kernel kmemlab supports; --enable-linux-experimental builds anyway])
		])
	], [AC_MSG_RESULT([yes])])
])

dnl The kernel must be built with the compiler it was configured with.  Debian
dnl names it in the build tree (CONFIG_CC_VERSION_TEXT, .kernelvariables);
dnl when that exact compiler is absent (bullseye's gcc-10 on a bookworm host)
dnl fall back to gcc with a warning.  KERNEL_CC overrides all of this.
AC_DEFUN([KMEMLAB_AC_KERNEL_COMPILER], [
	AC_ARG_VAR([KERNEL_CC], [compiler for the kernel modules (default: the kernel's own, else gcc)])
	AC_MSG_CHECKING([the compiler the kernel was built with])
	kmemlab_kcc=`sed -n 's/^CONFIG_CC_VERSION_TEXT="\([[^ ]]*\) .*/\1/p' "$LINUX_OBJ/.config"`
	AC_MSG_RESULT([${kmemlab_kcc:-unknown}])
	AS_IF([test -z "$KERNEL_CC" && test -n "$kmemlab_kcc" &&
	       ! command -v "$kmemlab_kcc" >/dev/null 2>&1], [
		AS_CASE([$kmemlab_kcc],
			[*clang*], [KERNEL_CC=clang],
			[KERNEL_CC=gcc])
		AC_MSG_WARN([$kmemlab_kcc is not installed; building the modules with $KERNEL_CC])
	])
	dnl Trees that ship vmlinux with BTF for modules (Debian 6.12 and later)
	dnl run pahole on every module: without it every module link fails.
	AC_MSG_CHECKING([whether modules need pahole for BTF])
	AS_IF([grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$LINUX_OBJ/.config" &&
	       test -f "$LINUX_OBJ/vmlinux"], [
		AC_MSG_RESULT([yes])
		AC_CHECK_PROG([PAHOLE], [pahole], [pahole])
		AS_IF([test -z "$PAHOLE"],
			[AC_MSG_ERROR([kernel $LINUX_VERSION builds BTF for modules and needs pahole: apt-get install dwarves])])
	], [AC_MSG_RESULT([no])])

	KERNEL_MAKE_ARGS="-C $LINUX"
	AS_IF([test "$LINUX" != "$LINUX_OBJ"],
		[KERNEL_MAKE_ARGS="$KERNEL_MAKE_ARGS O=$LINUX_OBJ"])
	AS_IF([test -n "$KERNEL_CC"],
		[KERNEL_MAKE_ARGS="$KERNEL_MAKE_ARGS CC=$KERNEL_CC"])
	AC_SUBST([KERNEL_MAKE_ARGS])
])

dnl Where "make install" puts the modules.  depmod runs only for the default
dnl location and only when DESTDIR is empty (see Makefile.am).
AC_DEFUN([KMEMLAB_AC_KERNEL_MODDIR], [
	AC_ARG_WITH([kernel-moddir],
		[AS_HELP_STRING([--with-kernel-moddir=DIR],
			[install the modules into DIR (default: /lib/modules/RELEASE/extra)])],
		[KERNEL_MODDIR=$withval],
		[KERNEL_MODDIR=/lib/modules/$LINUX_VERSION/extra])
	AC_SUBST([KERNEL_MODDIR])
])

dnl KMEMLAB_KERNEL_PROBE(NAME, MACRO, WHAT, FILE-SCOPE-CODE, FUNCTION-BODY)
dnl A compile probe: MACRO is defined when a module holding FILE-SCOPE-CODE
dnl and a function with FUNCTION-BODY compiles (with -Werror).  WHAT reads
dnl after "checking whether the kernel has".
AC_DEFUN([KMEMLAB_KERNEL_PROBE],
	[_KMEMLAB_KERNEL_PROBE([$1], [$2], [$3], [$4], [$5], [o])])

dnl KMEMLAB_KERNEL_PROBE_LINK(...): the same, but the probe must also link
dnl (modpost): for exported functions.  It is built under the modules'
dnl licence, so a GPL-only symbol counts as present.
AC_DEFUN([KMEMLAB_KERNEL_PROBE_LINK],
	[_KMEMLAB_KERNEL_PROBE([$1], [$2], [$3], [$4], [$5], [linked])])

dnl _KMEMLAB_PROBE_EXPORTED(OBJECT): kmemlab_exported=yes when every symbol
dnl OBJECT leaves undefined (but __this_module, which the module's .mod.c
dnl defines) is in $LINUX_OBJ/Module.symvers with no namespace; no when
dnl one is missing there; unknown (modpost must decide) when one is in a
dnl namespace, or the tree has no Module.symvers, or nm is missing.
m4_define([_KMEMLAB_PROBE_EXPORTED], [
	kmemlab_exported=unknown
	AS_IF([test -s "$LINUX_OBJ/Module.symvers" &&
	       kmemlab_undefined=`${NM-nm} -u $1 2>/dev/null`], [
		kmemlab_exported=`echo "$kmemlab_undefined" |
			awk 'FILENAME == "-" { if (NF && $NF != "__this_module") want@<:@$NF@:>@ = 1; next }
			     ($[]2 in want) { if ($[]5 != "") ns = 1; delete want@<:@$[]2@:>@ }
			     END { for (s in want) missing = 1
				   print ns ? "unknown" : missing ? "no" : "yes" }' \
			- "$LINUX_OBJ/Module.symvers"`
	])
])

m4_define([_KMEMLAB_KERNEL_PROBE], [
m4_append([_KMEMLAB_PROBE_RESULTS], [_KMEMLAB_KERNEL_PROBE_RESULT([$1], [$2], [$3], [$6])
])
AS_VAR_SET_IF([kmemlab_cv_kernel_${kmemlab_kernel_id}_$1], [], [
	kmemlab_probes_pending="$kmemlab_probes_pending $1"
	AS_IF([test "$6" = linked],
		[kmemlab_probes_link="$kmemlab_probes_link $1"])
	cat > "$kmemlab_probe_dir/$1.c" <<'_KMEMLAB_PROBE_EOF'
/* kmemlab configure probe "$1": does the kernel have $3? */
#include <linux/module.h>
$4

static int __init kmemlab_probe_init(void)
{
$5
	return 0;
}
module_init(kmemlab_probe_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kmemlab configure probe $1");
_KMEMLAB_PROBE_EOF
])
])

m4_define([_KMEMLAB_KERNEL_PROBE_RESULT], [
	AC_CACHE_CHECK([whether the kernel has $3],
		[kmemlab_cv_kernel_${kmemlab_kernel_id}_$1], [
		AS_IF([test -f "$kmemlab_probe_dir/$1.$4"],
			[AS_VAR_SET([kmemlab_cv_kernel_${kmemlab_kernel_id}_$1], [yes])],
			[AS_VAR_SET([kmemlab_cv_kernel_${kmemlab_kernel_id}_$1], [no])])
	])
	AS_VAR_IF([kmemlab_cv_kernel_${kmemlab_kernel_id}_$1], [yes], [
		AC_DEFINE([$2], [1], [Define to 1 if the kernel has $3.])
		kmemlab_probe_summary="$kmemlab_probe_summary $2=yes"
	], [
		kmemlab_probe_summary="$kmemlab_probe_summary $2=no"
	])
])

AC_DEFUN([KMEMLAB_AC_KERNEL_PROBES], [
	dnl The cache key: release plus a checksum of the kernel configuration.
	kmemlab_kernel_id=`echo "$LINUX_VERSION" | sed 's/[[^a-zA-Z0-9]]/_/g'`_`cksum < "$LINUX_OBJ/include/generated/autoconf.h" | cut -d' ' -f1`
	kmemlab_probe_dir=`pwd`/config-probes
	rm -rf "$kmemlab_probe_dir"
	$MKDIR_P "$kmemlab_probe_dir"
	kmemlab_probes_pending=
	kmemlab_probes_link=
	kmemlab_probe_summary=

	dnl Write every probe whose answer is not cached yet.
	m4_foreach_w([kmemlab_probe_file],
		m4_esyscmd([ls config/kernel-*.m4 | LC_ALL=C sort]),
		[m4_indir([m4_include], kmemlab_probe_file)])

	AS_IF([test -n "$kmemlab_probes_pending"], [
		kmemlab_jobs=`getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1`
		kmemlab_jobs=`expr $kmemlab_jobs + 1`
		kmemlab_nprobes=`echo $kmemlab_probes_pending | wc -w`
		AC_MSG_NOTICE([compiling $kmemlab_nprobes kernel API probes in one Kbuild run (make -k -j$kmemlab_jobs)])
		_KMEMLAB_PROBE_KBUILD([$kmemlab_probes_pending])
		kmemlab_t0=`date +%s`
		${MAKE-make} $KERNEL_MAKE_ARGS M="$kmemlab_probe_dir" -k -j$kmemlab_jobs modules \
			> "$kmemlab_probe_dir/build.log" 2>&1
		dnl A link-probe links when Kbuild linked it (every probe
		dnl compiled) or, its object compiled, when every symbol the
		dnl object leaves undefined is one the kernel exports: what
		dnl modpost checks, read from the kernel's Module.symvers without
		dnl another Kbuild run.  A symbol in a namespace, or a tree
		dnl without Module.symvers, leaves the probe to modpost itself:
		dnl those are linked in one more run.
		kmemlab_relink=
		for p in $kmemlab_probes_link; do
			AS_IF([test -f "$kmemlab_probe_dir/$p.ko"],
				[touch "$kmemlab_probe_dir/$p.linked"],
			[test -f "$kmemlab_probe_dir/$p.o"], [
				_KMEMLAB_PROBE_EXPORTED(["$kmemlab_probe_dir/$p.o"])
				AS_CASE([$kmemlab_exported],
					[yes], [touch "$kmemlab_probe_dir/$p.linked"],
					[no], [],
					[kmemlab_relink="$kmemlab_relink $p"])
			])
		done
		AS_IF([test -n "$kmemlab_relink"], [
			_KMEMLAB_PROBE_KBUILD([$kmemlab_relink])
			${MAKE-make} $KERNEL_MAKE_ARGS M="$kmemlab_probe_dir" -k modules \
				>> "$kmemlab_probe_dir/build.log" 2>&1 ||
				AC_MSG_WARN([linking the probes failed; see $kmemlab_probe_dir/build.log])
			for p in $kmemlab_relink; do
				AS_IF([test -f "$kmemlab_probe_dir/$p.ko"],
					[touch "$kmemlab_probe_dir/$p.linked"])
			done
		])
		kmemlab_t1=`date +%s`
		kmemlab_dt=`expr $kmemlab_t1 - $kmemlab_t0`
		AC_MSG_NOTICE([probes built in $kmemlab_dt s; log: config-probes/build.log])
		cat "$kmemlab_probe_dir/build.log" >&AS_MESSAGE_LOG_FD
		dnl A tree that cannot build even a trivial module is broken: say so.
		AS_IF([test ! -f "$kmemlab_probe_dir/kmemlab_baseline.o"], [
			tail -n 20 "$kmemlab_probe_dir/build.log" >&2
			AC_MSG_ERROR([cannot build a trivial module against $LINUX_OBJ; see config-probes/build.log])
		])
	])

	_KMEMLAB_PROBE_RESULTS
	AC_SUBST([kmemlab_probe_summary])
])

dnl Write the probe directory's Kbuild for the probes named in $1.
m4_define([_KMEMLAB_PROBE_KBUILD], [
	{
		echo "# generated by configure: kmemlab kernel API probes"
		echo "ccflags-y := -Werror -Wno-unused-variable -Wno-unused-but-set-variable -Wno-unused-function"
		for p in $1; do echo "obj-m += $p.o"; done
	} > "$kmemlab_probe_dir/Kbuild"
])

dnl The summary printed at the end of configure.
AC_DEFUN([KMEMLAB_AC_SUMMARY], [
	AS_IF([test "$kmemlab_build_modules" = no], [
	cat <<EOF

  $PACKAGE_NAME $PACKAGE_VERSION: configuration summary
  ------------------------------------------------------------
  kernel modules        not built (--without-linux)
  user-space prefix     $prefix
  user-space compiler   $CC

EOF
	], [KMEMLAB_AC_SUMMARY_KERNEL])
])

AC_DEFUN([KMEMLAB_AC_SUMMARY_KERNEL], [
	cat <<EOF

  $PACKAGE_NAME $PACKAGE_VERSION: configuration summary
  ------------------------------------------------------------
  kernel release        $LINUX_VERSION${kmemlab_experimental:+ (EXPERIMENTAL: newer than $KMEMLAB_LINUX_MAX)}
  supported range       $KMEMLAB_LINUX_MIN to $KMEMLAB_LINUX_MAX
  build tree            $LINUX_OBJ
  source tree           $LINUX
  module compiler       ${KERNEL_CC:-the kernel's own ($kmemlab_kcc)}
  modules install to    $KERNEL_MODDIR
  user-space prefix     $prefix
  user-space compiler   $CC

  kernel API probes (HAVE_* in kmemlab_config.h):
EOF
	for kv in $kmemlab_probe_summary; do echo "$kv"; done |
		sed 's/^HAVE_//' | awk -F= '{ printf "    %-30s %-4s", $[]1, $[]2; if (NR % 2 == 0) printf "\n" }
			END { if (NR % 2) printf "\n" }'
	echo
])
