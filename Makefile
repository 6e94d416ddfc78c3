# calloutlab - the top-level make targets wrap Meson.  Each target installs
# the Debian packages it needs first (scripts/install-deps.sh).
#
#   make                build the library and tools (build/, debug)
#   make test           the whole test suite: plain, TSan, ASan+UBSan
#   make test CONFIGS=plain       one configuration only
#   make differential   every backend against list on 1e7 random operations
#   make stress [QUICK=1]         concurrency stress under TSan and ASan+UBSan
#   make install [PREFIX=/usr/local]
#   make fuzz [FUZZ_SECONDS=60]   each libFuzzer target for that long (clang,
#                       build-fuzz/; new inputs in fuzz-out/, not the repo)
#   make bench          release build (build-release/), microbenchmarks, load
#                       sweep, the allocator control (build-release-glibc/),
#                       summary table, charts: results/HOST/DATE-GITSHA/
#   make bench QUICK=1  the same pipeline at small sizes (under a minute;
#                       QUICK=0, no or false: the full run)
#   make plots [RESULTS=results/HOST/RUN]   the charts of a results folder
#                       (default: the newest), into RESULTS/plots/
#   make check-results [RESULTS=...]        is a results folder complete?
#   make paper [RESULTS=results/HOST/RUN]   the paper from a results folder
#                       (default: the newest): paper/build/calloutlab.pdf

CONFIGS ?= plain tsan asan
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60
QUICK ?=
RESULTS ?=
# QUICK=1 (any value but 0, no, false or nothing) asks for the short run.
quick := $(filter-out 0 no false,$(QUICK))

.PHONY: all deps test differential install fuzz clean stress bench plots check-results paper

all:
	@./scripts/install-deps.sh build
	@[ -f build/build.ninja ] || meson setup build -Dbuildtype=debug >/dev/null
	ninja -C build

test:
	@./scripts/install-deps.sh test
	@./scripts/test.sh $(CONFIGS)

differential:
	@./scripts/install-deps.sh test
	@[ -f build/build.ninja ] || meson setup build -Dbuildtype=debug >/dev/null
	ninja -C build
	meson test -C build --print-errorlogs --suite differential-long

fuzz:
	@./scripts/install-deps.sh fuzz
	@./scripts/fuzz.sh $(FUZZ_SECONDS)

bench:
	@./scripts/install-deps.sh bench
	@sh scripts/bench.sh $(if $(quick),QUICK)

plots:
	@./scripts/install-deps.sh plots
	@sh scripts/plots.sh $(RESULTS)

check-results:
	@./scripts/install-deps.sh plots
	@sh scripts/check-results.sh $(RESULTS)

install:
	@./scripts/install-deps.sh build
	@[ -f build-release/build.ninja ] || \
		meson setup build-release -Dbuildtype=release >/dev/null
	@meson configure build-release -Dprefix=$(PREFIX) >/dev/null
	ninja -C build-release
	meson install -C build-release

clean:
	rm -rf build build-tsan build-asan build-release build-release-glibc build-fuzz fuzz-out

# Concurrency stress under TSan and ASan+UBSan (QUICK=1: under a minute).
stress:
	@./scripts/install-deps.sh test
	@./scripts/stress.sh $(if $(quick),QUICK)

# The paper, its tables and charts generated from one results folder.
paper:
	@./scripts/install-deps.sh paper
	@sh paper/build.sh $(RESULTS)
