#!/bin/sh
# install-deps.sh GROUP... - install the Debian packages a make target needs.
# Installs only what is missing; needs root for that (apt-get), and says so.
set -eu

pkgs_build="meson ninja-build gcc g++ pkg-config jq"
# The tests run the peer libraries' adapters too (their reference checks
# and micro_bytes), so they install the peers the benchmarks compare with.
pkgs_peers="libev-dev libevent-dev libuv1-dev libdpdk-dev"
pkgs_test="$pkgs_build libbenchmark-dev libjemalloc-dev $pkgs_peers"
# Charts: gnuplot's cairo terminals need a font; jq extracts their data.
pkgs_plots="jq gnuplot-nox fonts-dejavu-core"
pkgs_bench="$pkgs_test $pkgs_plots"
# libFuzzer: clang 14 and its runtime libraries (libclang_rt.fuzzer).
pkgs_fuzz="$pkgs_build clang-14 clang libclang-rt-14-dev"
# The paper: pdflatex and the fonts it uses, rsvg-convert for the charts'
# SVG, gnuplot to draw charts a results folder lacks.
pkgs_paper="$pkgs_plots librsvg2-bin texlive-latex-base texlive-latex-recommended texlive-fonts-recommended"

want=""
for group in "$@"; do
	case "$group" in
	build) want="$want $pkgs_build" ;;
	test) want="$want $pkgs_test" ;;
	bench) want="$want $pkgs_bench" ;;
	plots) want="$want $pkgs_plots" ;;
	fuzz) want="$want $pkgs_fuzz" ;;
	paper) want="$want $pkgs_paper" ;;
	*) echo "install-deps.sh: unknown group '$group' (build, test, bench, plots, fuzz, paper)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: missing Debian packages:$missing" >&2
	echo "install-deps.sh: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
