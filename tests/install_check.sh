#!/bin/sh
# install_check.sh BUILDDIR SRCDIR - install into a scratch root, then build
# and run the FreeBSD-style example against the installed callout.h,
# libcallout and callout.pc alone.
set -eu
build=$1
src=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

meson install -C "$build" --destdir "$root" --no-rebuild --quiet >/dev/null
pc=$(find "$root" -name callout.pc | head -n 1)
[ -n "$pc" ] || { echo "install_check: no callout.pc installed" >&2; exit 1; }
find "$root" -name callout.h | grep -q . || { echo "install_check: no callout.h" >&2; exit 1; }
find "$root" -name 'libcallout.a' | grep -q . || { echo "install_check: no static libcallout" >&2; exit 1; }

export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$root"
cflags=$(pkg-config --cflags callout)
libs=$(pkg-config --libs callout)
libdir=$(dirname "$(find "$root" -name 'libcallout.so' | head -n 1)")

${CC:-cc} -std=c11 -Wall -Wextra -Werror $cflags "$src/examples/driver_softc.c" \
	$libs -o "$root/driver_softc"
LD_LIBRARY_PATH="$libdir" CALLOUT_BACKEND=list "$root/driver_softc"
