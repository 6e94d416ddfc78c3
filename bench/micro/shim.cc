// shim.cc - the one C++ file of the microbenchmarks: registers every case
// of cases.c, for every implementation that has its operations, every
// distribution it runs with and every N, with Google Benchmark, and times
// the case's C run() function as the hot loop.
//
// Timing is manual: steady_clock around run() only, so that a case's
// prepare() (re-arming N timers before an expiry, emptying the structure
// before a fill) costs nothing and needs no PauseTiming(), whose own clock
// reads would leak into small batches.  The thread's CPU time around run()
// is kept too (counter run_cpu, seconds per iteration): on a shared machine
// it leaves out the time the thread was descheduled, which wall time
// cannot.  Names are case/level/implementation/distribution/N, with Google
// Benchmark's /manual_time suffix: rearm/api/wheel/rto/1000000/manual_time.

#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <deque>
#include <initializer_list>
#include <string>
#include <vector>

#include "alloc.h"
#include "cases.h"
#include "count_arg.h"
#include "micro_build.h"

namespace {

using Clock = std::chrono::steady_clock;

double
thread_cpu_seconds()
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Instance {
	const micro_case *c;
	micro_params p;
	std::string label;
	bool checked = false;
};

// The context of the instance that ran last.  Google Benchmark calls a
// benchmark function several times (to find the iteration count, then once
// per repetition) and runs them back to back: setting up N = 1e7 timers
// once per instance, not once per call, keeps the full run reasonable.
// Only one context lives at a time (the api level's runtime is a
// singleton, and N = 1e7 contexts are large).
struct Live {
	Instance *in = nullptr;
	bench *b = nullptr;
} live;

void
release()
{
	if (live.b != nullptr)
		live.in->c->teardown(live.b);
	live = Live();
}

bench *
acquire(Instance *in)
{
	if (live.in == in)
		return live.b;
	release();
	if (!in->checked) {
		refcheck(in->c, &in->p);	// aborts on disagreement
		in->checked = true;
	}
	impl_error[0] = '\0';
	bench *b = in->c->setup(&in->p);
	if (b != nullptr) {
		live.in = in;
		live.b = b;
	}
	return b;
}

const char *
fired_wrong(fired_rule rule, uint64_t fired, uint64_t iters)
{
	if (rule == FIRED_ALL && fired != iters)
		return "not every timer made due fired in one expiry";
	if (rule == FIRED_NONE && fired != 0)
		return "a timer fired where none was due";
	return nullptr;
}

void
run_case(benchmark::State &state, Instance *in)
{
	const micro_case *c = in->c;
	bench *b = acquire(in);

	if (b == nullptr) {
		state.SkipWithError(impl_error);
		return;
	}
	const uint64_t batch = c->batch(in->p.n);
	uint64_t fired = 0;
	double cpu = 0;
	while (state.KeepRunningBatch(static_cast<benchmark::IterationCount>(batch))) {
		if (c->prepare != nullptr)
			c->prepare(b);
		double c0 = thread_cpu_seconds();
		auto t0 = Clock::now();
		uint64_t f = c->run(b, batch);
		auto t1 = Clock::now();
		cpu += thread_cpu_seconds() - c0;
		state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
		fired += f;
		if (const char *why = fired_wrong(c->fired, f, batch)) {
			state.SkipWithError(why);
			break;
		}
	}
	using benchmark::Counter;
	state.counters["run_cpu"] = Counter(cpu, Counter::kAvgIterations);
	if (c->per_fired) {
		state.counters["fired"] = Counter(static_cast<double>(fired),
		    Counter::kAvgIterations);
		state.counters["per_fired"] = Counter(static_cast<double>(fired),
		    Counter::Flags(Counter::kIsRate | Counter::kInvert));
	}
	state.SetLabel(in->label);
}

// The median cost of one clock read, which each timed batch pays about
// once: steady_clock for real_time, the thread CPU clock for run_cpu.
template <typename Read>
double
read_cost_ns(Read read)
{
	std::vector<double> v;
	for (int i = 0; i < 101; i++) {
		auto t0 = Clock::now();
		for (int k = 0; k < 100; k++)
			benchmark::DoNotOptimize(read());
		auto t1 = Clock::now();
		v.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / 100);
	}
	std::nth_element(v.begin(), v.begin() + 50, v.end());
	return v[50];
}

void
add_context()
{
	using benchmark::AddCustomContext;

	AddCustomContext("allocator", alloc_name());
	AddCustomContext("allocator_version", alloc_version());
	AddCustomContext("compiler", MICRO_COMPILER);
	AddCustomContext("build", MICRO_BUILD);
	AddCustomContext("timing", "real_time is manual: steady_clock around run() "
	    "only, prepare() untimed; run_cpu: thread CPU time around run(), "
	    "seconds per iteration; cpu_time includes prepare(): do not use it");
	AddCustomContext("clock_read_ns",
	    std::to_string(read_cost_ns([] { return Clock::now(); })));
	AddCustomContext("cpu_clock_read_ns",
	    std::to_string(read_cost_ns(thread_cpu_seconds)));
	AddCustomContext("peers_missing", MICRO_PEERS_MISSING);
	std::string backends, caps;
	for (const impl *const *p = impl_all(); *p != nullptr; p++) {
		const impl *im = *p;
		std::string key = std::string(im->level) + "." + im->name;
		std::string what = im->clock;
		if (im->version != nullptr)
			what = std::string(im->version()) + "; " + what;
		what += "; timer " + std::to_string(im->timer_bytes) + " bytes";
		AddCustomContext(key, what);
		if (std::string(im->level) == "backend")
			backends += std::string(backends.empty() ? "" : " ") + im->name;
		if (im->max_n_why != nullptr && caps.find(im->max_n_why) == std::string::npos)
			caps += std::string(caps.empty() ? "" : "; ") + im->max_n_why;
	}
	AddCustomContext("record_bytes", micro_record_bytes == 0 ? "dense" :
	    std::to_string(micro_record_bytes));
	if (records_cap_why() != nullptr)
		caps += std::string(caps.empty() ? "" : "; ") + records_cap_why();
	AddCustomContext("backends", backends);
	AddCustomContext("caps", caps.empty() ? "none" : caps);
}

void
register_all(std::deque<Instance> &instances)
{
	size_t records_n = records_max_n();

	for (const micro_case *c = micro_cases; c->name != nullptr; c++) {
		for (const impl *const *p = impl_all(); *p != nullptr; p++) {
			const impl *im = *p;
			if (!c->fits(im))
				continue;
			for (const dist *d = c->dists; *d != DIST_END; d++) {
				for (const size_t *n = micro_ns; *n != 0; n++) {
					if (im->max_n != 0 && *n > im->max_n)
						continue;
					if (records_n != 0 && *n > records_n)
						continue;
					Instance in;
					in.c = c;
					in.p = micro_params{ im, *n, *d };
					in.label = c->unit;
					if (im->max_n_why != nullptr)
						in.label += std::string("; ") + im->max_n_why;
					instances.push_back(in);
					std::string name = std::string(c->name) + "/" +
					    im->level + "/" + im->name + "/" + dist_name(*d) +
					    "/" + std::to_string(*n);
					benchmark::RegisterBenchmark(name.c_str(), run_case,
					    &instances.back())
					    ->UseManualTime()
					    ->Unit(benchmark::kNanosecond);
				}
			}
		}
	}
}

// Our one flag, taken out of argv before Google Benchmark sees it:
// --record_bytes=R puts every timer in an R-byte record (alloc.h).  A bad
// value, or none (--record_bytes 128), is a usage error: one line, exit 2.
bool
take_record_bytes(int *argc, char **argv)
{
	static const char flag[] = "--record_bytes=";
	int out = 1;

	for (int k = 1; k < *argc; k++) {
		if (std::strcmp(argv[k], "--record_bytes") == 0) {
			std::fprintf(stderr, "%s: --record_bytes: the value "
			    "goes after '=' (--record_bytes=R)\n", argv[0]);
			return false;
		}
		if (std::strncmp(argv[k], flag, sizeof(flag) - 1) != 0) {
			argv[out++] = argv[k];
			continue;
		}
		const char *value = argv[k] + sizeof(flag) - 1;
		const char *why = nullptr;
		if (records_parse(value, &micro_record_bytes, &why) != 0) {
			std::fprintf(stderr, "%s: %s: the value %s\n", argv[0],
			    argv[k], why);
			return false;
		}
	}
	*argc = out;
	argv[out] = nullptr;
	return true;
}

// The value of arg when it is flag=VALUE, else null.
const char *
flag_value(const char *arg, const char *flag)
{
	size_t len = std::strlen(flag);

	if (std::strncmp(arg, flag, len) != 0 || arg[len] != '=')
		return nullptr;
	return arg + len + 1;
}

bool
one_of(const char *value, std::initializer_list<const char *> words)
{
	for (const char *w : words)
		if (std::strcmp(value, w) == 0)
			return true;
	return false;
}

// Seconds as 1.7.1 reads them, but plain: digits and at most one '.' (no
// sign, exponent, suffix or space), more than above and at most an hour.
bool
seconds_ok(const char *value, double above)
{
	int digits = 0, dots = 0;

	for (const char *p = value; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.')
			dots++;
		else
			return false;
	}
	if (digits == 0 || dots > 1)
		return false;
	double v = std::strtod(value, nullptr);
	return v > above && v <= 3600;
}

bool
min_time_ok(const char *value)
{
	return seconds_ok(value, 0);
}

bool
warmup_ok(const char *value)
{
	return seconds_ok(value, -1);
}

bool
format_ok(const char *value)
{
	return one_of(value, { "console", "json", "csv" });
}

bool
time_unit_ok(const char *value)
{
	return one_of(value, { "ns", "us", "ms", "s" });
}

bool
color_ok(const char *value)
{
	return one_of(value, { "auto", "true", "false" });
}

bool
bool_ok(const char *value)
{
	return one_of(value, { "true", "false", "1", "0" });
}

const char bool_want[] = "true, false, 1 or 0";

struct FlagCheck {
	const char *flag;
	bool (*ok)(const char *value);
	const char *want;
};

// Google Benchmark 1.7.1 takes these values on trust: a min_time of 1e400
// is infinite (each case runs on to its cap of 10^9 iterations), a format
// or time unit it does not know prints the usage and exits 0, a bool it
// cannot read is true, and a number it cannot read is two lines.
const FlagCheck flag_checks[] = {
	{ "--benchmark_min_time", min_time_ok,
	    "a plain number of seconds above 0 and at most 3600" },
	{ "--benchmark_min_warmup_time", warmup_ok,
	    "a plain number of seconds from 0 to 3600" },
	{ "--benchmark_format", format_ok, "console, json or csv" },
	{ "--benchmark_out_format", format_ok, "console, json or csv" },
	{ "--benchmark_time_unit", time_unit_ok, "ns, us, ms or s" },
	{ "--benchmark_color", color_ok, "auto, true or false" },
	{ "--benchmark_list_tests", bool_ok, bool_want },
	{ "--benchmark_enable_random_interleaving", bool_ok, bool_want },
	{ "--benchmark_report_aggregates_only", bool_ok, bool_want },
	{ "--benchmark_display_aggregates_only", bool_ok, bool_want },
	{ "--benchmark_counters_tabular", bool_ok, bool_want },
};

// Every value given to a flag above, and to --benchmark_repetitions (1 to
// 1000, count_arg: 1.7.1 aborts on a negative count with std::length_error
// and runs nothing on 0, with exit 0), checked before Google Benchmark
// reads any: a bad one is one line naming the flag and the value, exit 2.
void
check_benchmark_flags(int argc, char **argv)
{
	for (int k = 1; k < argc; k++) {
		const char *v = flag_value(argv[k], "--benchmark_repetitions");

		if (v != nullptr)
			(void)count_arg(argv[0], "--benchmark_repetitions", v, 1,
			    1000);
		for (const FlagCheck &c : flag_checks) {
			v = flag_value(argv[k], c.flag);
			if (v != nullptr && !c.ok(v)) {
				std::fprintf(stderr, "%s: %s '%s': not %s\n",
				    argv[0], c.flag, v, c.want);
				std::exit(2);
			}
		}
	}
}

}  // namespace

int
main(int argc, char **argv)
{
	std::deque<Instance> instances;	// stable addresses

	if (!take_record_bytes(&argc, argv))
		return 2;
	check_benchmark_flags(argc, argv);
	benchmark::Initialize(&argc, argv);
	// What Google Benchmark did not take is a usage error, named in one
	// line (its ReportUnrecognizedArguments gives one per argument:
	// --benchmark_repetitions 5 is two) and exit 2.
	if (argc > 1) {
		std::fprintf(stderr, "%s: unrecognized argument '%s' (a flag's "
		    "value goes after '='; --help lists the flags)\n", argv[0],
		    argv[1]);
		return 2;
	}
	add_context();
	register_all(instances);
	size_t ran = benchmark::RunSpecifiedBenchmarks();
	release();
	benchmark::Shutdown();
	// A filter that matches nothing must not pass for a successful run.
	return ran > 0 ? 0 : 1;
}
