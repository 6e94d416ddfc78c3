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
#include <string>
#include <vector>

#include "alloc.h"
#include "cases.h"
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
// value is a usage error: one line, exit 2.
bool
take_record_bytes(int *argc, char **argv)
{
	static const char flag[] = "--record_bytes=";
	int out = 1;

	for (int k = 1; k < *argc; k++) {
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

}  // namespace

int
main(int argc, char **argv)
{
	std::deque<Instance> instances;	// stable addresses

	if (!take_record_bytes(&argc, argv))
		return 2;
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	add_context();
	register_all(instances);
	size_t ran = benchmark::RunSpecifiedBenchmarks();
	release();
	benchmark::Shutdown();
	// A filter that matches nothing must not pass for a successful run.
	return ran > 0 ? 0 : 1;
}
