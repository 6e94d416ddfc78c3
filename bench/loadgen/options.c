/*
 * options.c - see options.h.
 */
#include <callout.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "util.h"

struct opt_def {
	const char *name;
	const char *metavar;	/* NULL: takes no value */
	const char *help;
};

static const struct opt_def defs[] = {
	[O_BACKEND] = { "backend", "NAME",
	    "timer backend (default: $CALLOUT_BACKEND, else\n"
	    "the library's default)" },
	[O_THREADS] = { "threads", "N",
	    "load threads, one callout base each; thread i is\n"
	    "pinned to CPU i % online CPUs (default: the online\n"
	    "CPUs; replay: the trace's threads)" },
	[O_HZ] = { "hz", "N", "ticks per second (default 1000)" },
	[O_MANUAL_CLOCK] = { "manual-clock", NULL,
	    "simulated time: one thread carries out every\n"
	    "operation and moves the clock with callout_advance\n"
	    "(deterministic)" },
	[O_JSON] = { "json", NULL, "print the results as one JSON object" },
	[O_CONNS] = { "conns", "N",
	    "connections, spread over the threads (default 1000)" },
	[O_DURATION] = { "duration", "TIME", "length of the run (default 10s)" },
	[O_RATE] = { "rate", "R",
	    "segments per second per connection (default 10)" },
	[O_CHURN] = { "churn", "R",
	    "connections closed and replaced per second, in\n"
	    "total (default 100)" },
	[O_CROSS_CPU] = { "cross-cpu", "F",
	    "fraction of resets onto another thread's CPU, with\n"
	    "callout_reset_sbt_on (default 0)" },
	[O_DRAIN] = { "drain", "sync|async",
	    "free a closed connection after callout_drain of\n"
	    "each timer, or from the last callout_async_drain\n"
	    "function (default sync)" },
	[O_PRECISION] = { "precision", "P",
	    "precision of every reset: 0 or exact (none), 1/N\n"
	    "for N a power of two (C_PREL(log2 N)), default\n"
	    "(the core's), or ticks (callout_reset_curcpu in\n"
	    "ticks of --hz, as TCP does) (default: default)" },
	[O_SEED] = { "seed", "N", "seed of the model (default 1)" },
	[O_TIME_WAIT] = { "time-wait", "F",
	    "fraction of closes that are active: arm 2msl, free\n"
	    "the connection 2MSL later (default 0.5)" },
	[O_RTO] = { "rto", "TIME",
	    "retransmit timeout, +-25% per connection\n"
	    "(default 200ms)" },
	[O_DELACK] = { "delack", "TIME", "delayed-ACK timeout (default 40ms)" },
	[O_PERSIST] = { "persist", "TIME", "persist timeout (default 5s)" },
	[O_KEEPIDLE] = { "keepidle", "TIME", "keepalive idle time (default 2h)" },
	[O_MSL] = { "msl", "TIME",
	    "maximum segment lifetime; 2msl is twice it\n"
	    "(default 30s)" },
	[O_OUT] = { "out", "FILE", "write the trace to FILE (required)" },
	[O_SPEED] = { "speed", "real|max",
	    "real: each operation at its planned time; max:\n"
	    "back to back (default real)" },
	[O_MIX] = { "mix", "tcp|short|long",
	    "the five delays at once; --rto etc. override it:\n"
	    "tcp: FreeBSD's (rto 200ms, delack 40ms, persist 5s,\n"
	    "keepidle 2h, msl 30s); short: all under 100 ms\n"
	    "(20ms, 2ms, 50ms, 50ms, 25ms); long: all seconds\n"
	    "or more (8s, 5s, 60s, 2h, 60s) (default tcp)" },
	[O_TRACE] = { "trace", "FILE",
	    "the workload is trace FILE (see TRACE.md) instead\n"
	    "of the TCP model" },
	[O_QUICK] = { "quick", NULL,
	    "a short measurement (under a minute on 2 cores):\n"
	    "--reps 3 --real 0.3s, at most 2e6 operations\n"
	    "replayed, and the backends share 50 s (without\n"
	    "--budget)" },
	[O_BUDGET] = { "budget", "TIME",
	    "wall time one backend may take on the manual clock;\n"
	    "a backend over it is reported as not measured\n"
	    "(default 30s)" },
	[O_REPS] = { "reps", "N",
	    "repetitions of the manual-clock replay; each\n"
	    "operation's cost is its minimum over them\n"
	    "(default 5)" },
	[O_REAL] = { "real", "TIME",
	    "length of the real-clock run of each backend; 0\n"
	    "skips it (default 2s)" },
};

const char *const mix_names[NMIXES] = { "tcp", "short", "long" };

/* Workload presets, not measurements: the delays of the five timers. */
const int64_t mix_timer_ns[NMIXES][NTIMERS] = {
	/* FreeBSD's defaults (tcp_timer.h), except the RTO: a typical one,
	 * RTT + 4 RTTVAR above FreeBSD's 30 ms floor. */
	[MIX_TCP] = { 200000000, 40000000, 5000000000LL, 7200000000000LL,
	    30000000000LL },
	[MIX_SHORT] = { 20000000, 2000000, 50000000, 50000000, 25000000 },
	[MIX_LONG] = { 8000000000LL, 5000000000LL, 60000000000LL,
	    7200000000000LL, 60000000000LL },
};

#define NDEFS ((int)(sizeof(defs) / sizeof(defs[0])))
/* getopt_long's values: option id + VAL_BASE (0 means "unknown" in optopt). */
#define VAL_BASE 256
#define HELP_VAL (VAL_BASE + NDEFS)

void
options_defaults(struct lg_config *cfg)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	memset(cfg, 0, sizeof(*cfg));
	cfg->threads = online > 0 ? (int)(online < LG_MAX_THREADS ? online : LG_MAX_THREADS) : 1;
	cfg->hz = 1000;
	cfg->speed = SPEED_REAL;
	cfg->conns = 1000;
	cfg->duration_ns = 10000000000ULL;
	cfg->rate = 10;
	cfg->churn = 100;
	cfg->time_wait = 0.5;
	cfg->drain = DRAIN_SYNC;
	cfg->prec = PREC_DEFAULT;
	cfg->seed = 1;
	for (int i = 0; i < NTIMERS; i++)
		cfg->timer_ns[i] = mix_timer_ns[MIX_TCP][i];
	cfg->budget_ns = 30000000000ULL;
	cfg->reps = 5;
	cfg->real_ns = 2000000000ULL;
}

/* ----------------------------------------------------------- values */

static int
bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "%s: --%s %s: %s\n", lg_prog, opt, val, why);
	return -1;
}

static int
parse_uint(const char *opt, const char *val, uint64_t min, uint64_t max, uint64_t *out)
{
	char why[80];
	uint64_t v;

	switch (parse_decimal(val, strlen(val), &v)) {
	case PARSE_NOT_NUMBER:
		return bad(opt, *val ? val : "''", *val == '-' ? "must not be negative" :
		    "not a whole number");
	case PARSE_TOO_BIG:
		return bad(opt, val, "too large");
	}
	if (v < min || v > max) {
		snprintf(why, sizeof(why), "must be from %llu to %llu",
		    (unsigned long long)min, (unsigned long long)max);
		return bad(opt, val, why);
	}
	*out = v;
	return 0;
}

/*
 * The decimal number val starts with - digits, then a fraction and an
 * exponent, both optional: "2", "2.5", "1e9" - in *v, and what follows it
 * in *rest; -1 when val does not start with one.  strtod alone would also
 * take a sign, hex ("0x10", "0x1p-10"), inf and nan.
 */
static int
read_decimal(const char *val, double *v, const char **rest)
{
	static const char digits[] = "0123456789";
	size_t n = strspn(val, digits), e;
	char *end;

	if (n == 0)
		return -1;
	if (val[n] == '.')
		n += 1 + strspn(val + n + 1, digits);
	if (val[n] == 'e' || val[n] == 'E') {
		e = n + 1 + (val[n + 1] == '+' || val[n + 1] == '-');
		if (strspn(val + e, digits) > 0)
			n = e + strspn(val + e, digits);
	}
	/* strtod reads the same number, or more when val is hex ("0x10"). */
	*v = strtod(val, &end);
	if (end != val + n)
		return -1;
	*rest = end;
	return 0;
}

/* A non-negative decimal number, at most max. */
static int
parse_real(const char *opt, const char *val, double max, double *out)
{
	const char *rest;
	double v;

	if (*val == '-')
		return bad(opt, val, "must not be negative");
	if (read_decimal(val, &v, &rest) != 0 || *rest != '\0')
		return bad(opt, val, "not a decimal number");
	if (v > max) {	/* 1e999 too: strtod made it inf */
		char why[64];

		snprintf(why, sizeof(why), "must be at most %g", max);
		return bad(opt, val, why);
	}
	*out = v;
	return 0;
}

/* A decimal number and a unit: ns, us, ms, s, m or h; a bare number is
 * seconds. */
static int
parse_time(const char *opt, const char *val, uint64_t *out_ns)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e9 },
		{ "m", 60e9 }, { "h", 3600e9 },
	};
	static const char why[] =
	    "not a time (a decimal number, then ns, us, ms, s, m or h)";
	const char *unit;
	double v;

	if (*val == '-')
		return bad(opt, val, "must not be negative");
	if (read_decimal(val, &v, &unit) != 0)
		return bad(opt, val, why);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(unit, units[i].unit) == 0) {
			v *= units[i].ns;
			if (v > (double)LG_MAX_DELAY_NS)	/* inf too */
				return bad(opt, val, "longer than a year");
			*out_ns = (uint64_t)llround(v);
			return 0;
		}
	}
	return bad(opt, val, why);
}

static int
parse_precision(const char *opt, const char *val, int *prec)
{
	static const char why[] =
	    "not 0, exact, default, ticks, or 1/N with N a power of two";
	double inv;

	if (strcmp(val, "exact") == 0 || strcmp(val, "0") == 0) {
		*prec = PREC_EXACT;
		return 0;
	}
	if (strcmp(val, "default") == 0 || strcmp(val, "ticks") == 0) {
		*prec = val[0] == 'd' ? PREC_DEFAULT : PREC_TICKS;
		return 0;
	}
	if (strncmp(val, "1/", 2) == 0) {
		uint64_t n;
		char *end;

		if ((unsigned char)(val[2] - '0') > 9)
			return bad(opt, val, why);
		n = strtoull(val + 2, &end, 10);
		if (*end != '\0' || n == 0 || (n & (n - 1)) != 0 || n > (1ULL << 62))
			return bad(opt, val, why);
		*prec = __builtin_ctzll(n);
		return 0;
	}
	/* A decimal such as 0.125: its inverse must be a power of two. */
	if (parse_real(opt, val, 1, &inv) != 0)
		return -1;
	if (inv <= 0)
		return bad(opt, val, why);
	inv = 1 / inv;
	if (inv != ldexp(1, ilogb(inv)) || ilogb(inv) > 62)
		return bad(opt, val, why);
	*prec = ilogb(inv);
	return 0;
}

const char *
options_precision_name(int prec, char *buf, size_t len)
{
	if (prec == PREC_EXACT)
		return "exact";
	if (prec == PREC_DEFAULT)
		return "default";
	if (prec == PREC_TICKS)
		return "ticks";
	snprintf(buf, len, "1/%llu", 1ULL << prec);
	return buf;
}

/* The backend called val, or NULL and why holds the names known. */
static const char *
find_backend(const char *val, char *why, size_t len)
{
	const char *const *names = callout_backend_names();
	size_t n;

	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], val) == 0)
			return names[i];
	n = (size_t)snprintf(why, len, "unknown backend (known:");
	for (int i = 0; names[i] != NULL && n < len; i++)
		n += (size_t)snprintf(why + n, len - n, " %s", names[i]);
	if (n < len)
		snprintf(why + n, len - n, ")");
	return NULL;
}

static int
parse_backend(const char *opt, const char *val, const char **out)
{
	char why[256];

	if ((*out = find_backend(val, why, sizeof(why))) == NULL)
		return bad(opt, val, why);
	return 0;
}

/*
 * Without --backend the core takes $CALLOUT_BACKEND, and one it does not
 * know would fail only when the run starts (after record wrote its trace),
 * as "Invalid argument": check it with the options.
 */
static int
check_backend_env(void)
{
	const char *env = getenv("CALLOUT_BACKEND");
	char why[256];

	if (env == NULL || *env == '\0' || find_backend(env, why, sizeof(why)) != NULL)
		return 0;
	fprintf(stderr, "%s: CALLOUT_BACKEND=%s: %s\n", lg_prog, env, why);
	return -1;
}

static int
parse_choice(const char *opt, const char *val, const char *a, const char *b, int *out)
{
	char why[64];

	if (strcmp(val, a) == 0 || strcmp(val, b) == 0) {
		*out = strcmp(val, b) == 0;
		return 0;
	}
	snprintf(why, sizeof(why), "must be %s or %s", a, b);
	return bad(opt, val, why);
}

static int
set_option(struct lg_config *cfg, enum opt_id id, const char *val)
{
	const char *opt = defs[id].name;
	uint64_t u;
	int choice;

	switch (id) {
	case O_BACKEND:
		return parse_backend(opt, val, &cfg->backend);
	case O_THREADS:
		if (parse_uint(opt, val, 1, LG_MAX_THREADS, &u) != 0)
			return -1;
		cfg->threads = (int)u;
		return 0;
	case O_HZ:
		if (parse_uint(opt, val, 1, 1000000, &u) != 0)
			return -1;
		cfg->hz = (int)u;
		return 0;
	case O_MANUAL_CLOCK:
		cfg->manual_clock = true;
		return 0;
	case O_JSON:
		cfg->json = true;
		return 0;
	case O_CONNS:
		return parse_uint(opt, val, 1, 10000000, &cfg->conns);
	case O_DURATION:
		if (parse_time(opt, val, &cfg->duration_ns) != 0)
			return -1;
		return cfg->duration_ns == 0 ? bad(opt, val, "must be more than 0") : 0;
	case O_RATE:
		return parse_real(opt, val, 1e9, &cfg->rate);
	case O_CHURN:
		return parse_real(opt, val, 1e9, &cfg->churn);
	case O_CROSS_CPU:
		return parse_real(opt, val, 1, &cfg->cross_cpu);
	case O_TIME_WAIT:
		return parse_real(opt, val, 1, &cfg->time_wait);
	case O_DRAIN:
		if (parse_choice(opt, val, "sync", "async", &choice) != 0)
			return -1;
		cfg->drain = choice ? DRAIN_ASYNC : DRAIN_SYNC;
		return 0;
	case O_PRECISION:
		return parse_precision(opt, val, &cfg->prec);
	case O_SEED:
		return parse_uint(opt, val, 0, UINT64_MAX, &cfg->seed);
	case O_RTO:
	case O_DELACK:
	case O_PERSIST:
	case O_KEEPIDLE:
	case O_MSL:
		if (parse_time(opt, val, &u) != 0)
			return -1;
		if (u == 0)	/* a timer armed with no delay is no TCP timer */
			return bad(opt, val, "must be more than 0");
		cfg->timer_ns[id == O_RTO ? T_REXMT : id == O_DELACK ? T_DELACK :
		    id == O_PERSIST ? T_PERSIST : id == O_KEEPIDLE ? T_KEEP : T_2MSL] =
		    (int64_t)u;
		return 0;
	case O_OUT:
		cfg->out = val;
		return 0;
	case O_SPEED:
		if (parse_choice(opt, val, "real", "max", &choice) != 0)
			return -1;
		cfg->speed = choice ? SPEED_MAX : SPEED_REAL;
		return 0;
	case O_MIX:
		for (int m = 0; m < NMIXES; m++) {
			if (strcmp(val, mix_names[m]) == 0) {
				for (int i = 0; i < NTIMERS; i++)
					cfg->timer_ns[i] = mix_timer_ns[m][i];
				return 0;
			}
		}
		return bad(opt, val, "must be tcp, short or long");
	case O_TRACE:
		cfg->trace = val;
		return 0;
	case O_QUICK:
		cfg->quick = true;
		return 0;
	case O_BUDGET:
		if (parse_time(opt, val, &cfg->budget_ns) != 0)
			return -1;
		return cfg->budget_ns == 0 ? bad(opt, val, "must be more than 0") : 0;
	case O_REPS:
		if (parse_uint(opt, val, 1, 100, &u) != 0)
			return -1;
		cfg->reps = (int)u;
		return 0;
	case O_REAL:
		return parse_time(opt, val, &cfg->real_ns);
	case O_END:
		break;
	}
	return -1;
}

/* --mix set all five delays where it stood; the explicit ones given
 * before it win all the same: parse them again (they parsed once). */
static void
reapply_timers(struct lg_config *cfg, int argc, char **argv,
    const struct option *longopts)
{
	int c;

	optind = 0;	/* glibc: start afresh */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		enum opt_id id = (enum opt_id)(c - VAL_BASE);

		if (id == O_RTO || id == O_DELACK || id == O_PERSIST ||
		    id == O_KEEPIDLE || id == O_MSL)
			(void)set_option(cfg, id, optarg);
	}
}

/* ------------------------------------------------------------- help */

static bool
offers(const struct subcommand_usage *u, enum opt_id opt)
{
	for (const enum opt_id *id = u->opts; *id != O_END; id++)
		if (*id == opt)
			return true;
	return false;
}

/* Has the subcommand an option whose value is a `metavar`? */
static bool
takes(const struct subcommand_usage *u, const char *metavar)
{
	for (const enum opt_id *id = u->opts; *id != O_END; id++)
		if (defs[*id].metavar != NULL && strcmp(defs[*id].metavar, metavar) == 0)
			return true;
	return false;
}

static void
print_help(const struct subcommand_usage *u)
{
	const char *const *names = callout_backend_names();

	printf("usage: %s %s\n\n%s\n\noptions:\n", lg_prog, u->args, u->about);
	for (const enum opt_id *id = u->opts; *id != O_END; id++) {
		const struct opt_def *d = &defs[*id];
		char left[40];
		const char *h = d->help;

		snprintf(left, sizeof(left), "--%s%s%s", d->name, d->metavar ? " " : "",
		    d->metavar ? d->metavar : "");
		printf("  %-22s ", left);
		/* Continuation lines of the help text line up. */
		for (; *h; h++) {
			putchar(*h);
			if (*h == '\n')
				printf("  %-22s ", "");
		}
		putchar('\n');
	}
	printf("  %-22s show this help\n", "--help");
	printf("\nbackends:");
	for (int i = 0; names[i] != NULL; i++)
		printf(" %s", names[i]);
	putchar('\n');
	if (takes(u, "R") || takes(u, "F") || takes(u, "TIME"))
		printf("R, F and the number of a TIME are decimal: 2, 0.5, 1e9 (not "
		    "hex, inf or nan).\n");
	if (takes(u, "TIME"))
		printf("TIME is a number and a unit (ns, us, ms, s, m, h); a "
		    "bare number is seconds.\n");
}

/* ------------------------------------------------------------ parse */

/*
 * What getopt_long refused, by the name given: a short option is optopt
 * ("-xy": -x; argv[optind - 1] is the argument before it); a long one is
 * the argument just passed (getopt_long takes them only after "--"),
 * unknown or an abbreviation of several.
 */
static void
refused_option(char **argv, const struct option *longopts)
{
	const char *arg;
	size_t len;
	int n = 0;

	if (optopt != 0) {
		fprintf(stderr, "%s: unknown option -%c (see %s --help)\n", lg_prog,
		    optopt, lg_prog);
		return;
	}
	arg = argv[optind - 1];
	len = strcspn(arg, "=");
	for (const struct option *o = longopts; o->name != NULL; o++)
		n += strncmp(o->name, arg + 2, len - 2) == 0;
	if (n < 2) {
		fprintf(stderr, "%s: unknown option %.*s (see %s --help)\n", lg_prog,
		    (int)len, arg, lg_prog);
		return;
	}
	fprintf(stderr, "%s: ambiguous option %.*s (", lg_prog, (int)len, arg);
	for (const struct option *o = longopts; o->name != NULL; o++)
		if (strncmp(o->name, arg + 2, len - 2) == 0)
			fprintf(stderr, "--%s%s", o->name, --n > 0 ? ", " : ")\n");
}

int
options_parse(int argc, char **argv, const struct subcommand_usage *u,
    struct lg_config *cfg, char **positional)
{
	struct option longopts[NDEFS + 2];
	int n = 0, c, npos = 0;

	for (const enum opt_id *id = u->opts; *id != O_END; id++)
		longopts[n++] = (struct option){ defs[*id].name,
		    defs[*id].metavar ? required_argument : no_argument, NULL,
		    VAL_BASE + *id };
	longopts[n++] = (struct option){ "help", no_argument, NULL, HELP_VAL };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	opterr = 0;	/* our messages, one line each */
	optind = 0;	/* glibc: start afresh, forgetting a cluster left half
			 * read by an earlier parse (advise, the fuzz target) */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
		case HELP_VAL:
			print_help(u);
			return OPTS_HELP;
		case ':':
			fprintf(stderr, "%s: option %s needs a value (see %s --help)\n",
			    lg_prog, argv[optind - 1], lg_prog);
			return OPTS_ERROR;
		case '?':
			if (optopt >= VAL_BASE && optopt < VAL_BASE + NDEFS)
				fprintf(stderr, "%s: option --%s takes no value: %s\n",
				    lg_prog, defs[optopt - VAL_BASE].name, argv[optind - 1]);
			else
				refused_option(argv, longopts);
			return OPTS_ERROR;
		default:
			if (set_option(cfg, (enum opt_id)(c - VAL_BASE), optarg) != 0)
				return OPTS_ERROR;
			cfg->seen |= 1ULL << (c - VAL_BASE);
		}
	}
	if (OPT_SEEN(cfg, O_MIX))
		reapply_timers(cfg, argc, argv, longopts);
	if (offers(u, O_BACKEND) && cfg->backend == NULL && check_backend_env() != 0)
		return OPTS_ERROR;
	for (; optind < argc; optind++) {
		if (npos == u->npositional) {
			fprintf(stderr, "%s: unexpected argument '%s' (see %s --help)\n",
			    lg_prog, argv[optind], lg_prog);
			return OPTS_ERROR;
		}
		positional[npos++] = argv[optind];
	}
	if (npos < u->npositional) {
		fprintf(stderr, "%s: missing %s (see %s --help)\n", lg_prog,
		    u->positional_name, lg_prog);
		return OPTS_ERROR;
	}
	return OPTS_OK;
}
