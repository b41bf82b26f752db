#!/bin/sh
# Prints the version of this checkout, the one value the binary
# (ttt-check version), the DEB and RPM packages and the man pages carry.
# DEB and RPM versions must start with a digit and may not contain "-":
#
#   at tag v1.2.0                      1.2.0
#   3 commits after v1.2.0             1.2.0+3.g1f19d99
#   no tag at all                      0.0.0+1f19d99
#   at tag v1.3.0-rc1                  1.3.0~rc1 (sorts before 1.3.0)
#   uncommitted changes                the above + ".dirty" (or "+dirty")
#   not a git checkout                 0.0.0
#
# Both dpkg and rpm sort 1.2.0 < 1.2.0+3.g1f19d99 < 1.2.1.
set -eu
cd "$(dirname "$0")/.."
if ! d=$(git describe --tags --match 'v[0-9]*' --match '[0-9]*' --dirty 2>/dev/null); then
	if h=$(git rev-parse --short HEAD 2>/dev/null); then
		d="0.0.0+$h"
		if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
			d="$d.dirty"
		fi
		echo "$d"
	else
		echo 0.0.0
	fi
	exit 0
fi
dirty=
case $d in *-dirty) d=${d%-dirty}; dirty=.dirty ;; esac
d=${d#v}
# v1.2.0-3-g1f19d99: N commits after the tag.
case $d in
*-*-g*)
	hash=${d##*-}
	rest=${d%-*}
	n=${rest##*-}
	base=${rest%-*}
	d="$base+$n.$hash"
	;;
esac
# A pre-release tag (v1.3.0-rc1) sorts before its release with "~".
case $d in *-*) d=$(echo "$d" | tr - '~') ;; esac
case $d in
*+*) echo "$d$dirty" ;;
*) [ -z "$dirty" ] && echo "$d" || echo "$d+dirty" ;;
esac
