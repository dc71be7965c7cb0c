# shellcheck shell=sh
# tests/code-refs.sh: how a document names code, resolved once for the
# checks that hold documents to the code (tests/docs/check-doc-refs: the
# chapter pages; tests/probes/check-probe-readers: the probes' "Read by").
# Source it; then
#
#   code_ref_resolves TOP REF   REF is "path" or "path:name()": the file
#                               exists under TOP and, with a name, defines
#                               it (a C function or function-like macro,
#                               or an m4 AC_DEFUN)

code_ref_resolves() {
	code_file=${2%%:*}
	[ -f "$1/$code_file" ] || return 1
	case $2 in
	*:*) ;;
	*) return 0 ;;
	esac
	code_name=${2#*:}
	code_name=${code_name%()}
	# a definition starts a line: "static int fn(", "fn(", "... *fn(",
	# "#define fn(", "AC_DEFUN([fn]"
	grep -Eq "^([A-Za-z_].*[ *])?$code_name\(|^#define $code_name\(|^AC_DEFUN\(\[$code_name\]" \
		"$1/$code_file"
}
