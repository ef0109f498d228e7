# Shared helpers for the harness scripts; sourced, never run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
TREE=$BUILD/linux
PATCHES=$TOP/patches
SRC_TARBALL=/usr/src/linux-source-6.1.tar.xz

# A fixed identity and clock for the commits the harness makes itself, so
# that the base commit is the same on every machine for the same source.
export GIT_AUTHOR_NAME="iopf harness" GIT_AUTHOR_EMAIL="harness@localhost"
export GIT_COMMITTER_NAME="iopf harness" GIT_COMMITTER_EMAIL="harness@localhost"

# ccache for every kernel build; the cache lives in the user's cache
# directory so that it outlives build/ and fresh clones on one machine.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-time_macros,include_file_mtime,include_file_ctime}
export CCACHE_BASEDIR=$TOP
# kbuild passes -fmacro-prefix-map=<absolute srctree>/=, which ccache does
# not rewrite relative to CCACHE_BASEDIR; it only strips that prefix from
# __FILE__, so the object is the same in every clone: leave it out of the
# hash so that clones at other paths share the cache.
export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*'
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026"
export KBUILD_BUILD_USER=iopf KBUILD_BUILD_HOST=harness
# Debian's own tools first (python3 with python3-ply for checkpatch).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
JOBS=${JOBS:-$(nproc)}

die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

# Installed kernel version of the linux-source package, e.g. 6.1.192.
source_version() {
	tar -xJOf "$SRC_TARBALL" linux-source-6.1/Makefile 2>/dev/null |
		awk '/^VERSION =/{v=$3} /^PATCHLEVEL =/{p=$3}
		     /^SUBLEVEL =/{s=$3} END{print v "." p "." s}'
}

# Patch files named by patches/series, in order.
series_files() {
	[ -f "$PATCHES/series" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PATCHES/series"
}

# Number of commits base..HEAD in $TREE whose change is neither in
# patches/ nor one that 'make tree' applied itself (build/linux.applied),
# compared by stable patch-id.
unexported_commits() {
	local tree_ids file_ids
	tree_ids=$(git -C "$TREE" log -p base..HEAD | git patch-id --stable |
		cut -d' ' -f1 | sort)
	[ -n "$tree_ids" ] || { echo 0; return; }
	file_ids=$({ cat "$PATCHES"/*.patch 2>/dev/null | git patch-id --stable |
		cut -d' ' -f1; cat "$BUILD/linux.applied" 2>/dev/null; } | sort -u)
	comm -23 <(printf '%s\n' "$tree_ids") <(printf '%s\n' "$file_ids") |
		grep -c . || true
}

# check_config FRAGMENT DOTCONFIG: every option FRAGMENT sets must have
# survived Kconfig into DOTCONFIG; name the ones that did not.  When
# FRAGMENT sets an option more than once, the last setting counts, as it
# does for Kconfig ("# CONFIG_... is not set" included); such a line
# itself is not checked, as a select elsewhere may override it.
check_config() {
	local line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=n|"# CONFIG_"*" is not set")
			sym=${line%%=*}; sym=${sym#\# }; sym=${sym%% *}
			if grep -q "^$sym=" "$2"; then
				echo "config: $sym is set, $1 wants it off" >&2
				bad=1
			fi ;;
		CONFIG_*=*)
			if ! grep -qx "$line" "$2"; then
				echo "config: $line did not stick" \
				     "($(grep "^${line%%=*}=" "$2" || echo unset))" >&2
				bad=1
			fi ;;
		esac
	done < <(grep '^CONFIG_\|^# CONFIG_.* is not set$' "$1" | tac |
		 awk '{ s = $1 == "#" ? $2 : $1; sub(/=.*/, "", s) }
		      !seen[s]++ && $1 != "#"' | tac)
	return $bad
}

# kernel_dir ARCH: where the guest kernel of the current KVARIANT is built
kernel_dir() {
	case ${KVARIANT:-test} in
	bench|profile|kcsan) echo "$BUILD/$1-$KVARIANT" ;;
	*) echo "$BUILD/$1" ;;
	esac
}
