/*
 * trace.c - reading and writing traces; TRACE.md is the format.
 *
 * The reader takes the file a line at a time and checks it all - syntax,
 * ranges, and that the operations are safe to carry out (a connection is
 * opened before use and by one thread only, every timer reset since its
 * last drain is drained before the connection is closed, no reset after an
 * async drain) - so a bad trace is refused before any operation runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "util.h"

#define MAX_TIME_NS	(3650ULL * 86400 * 1000000000)	/* ten years */
#define MAX_FIELDS	8
#define INPUT_BUF	65536	/* a read: room for a line and more */

_Static_assert(INPUT_BUF > TRACE_MAX_LINE, "a line and its newline fit");

const char *const timer_names[NTIMERS] = {
	"rexmt", "delack", "persist", "keep", "2msl",
};

const char *const op_names[NOPS] = {
	"open", "reset", "stop", "drain", "async_drain", "close",
};

/* What the reader knows of a connection id. */
struct cstate {
	int16_t owner;		/* its thread; -1: never seen */
	bool open;
	uint8_t dirty;		/* timers reset since their last drain */
	uint8_t async;		/* timers async-drained in this life */
};

struct reader {
	const char *path;
	unsigned line;
	FILE *f;
	char *buf;		/* INPUT_BUF bytes; [start, end) not read yet */
	size_t start, end;
	bool eof;		/* f has no more */
	struct cstate *conns;
	uint64_t nids;		/* length of conns */
	uint64_t distinct;
	uint64_t prev_t;
	bool ended;		/* an `end` line was read */
};

static int
fail(const struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(const struct reader *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: ", r->path, r->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* A field: its text is tok[0..len). */
struct field {
	const char *p;
	size_t len;
};

static bool
field_is(const struct field *f, const char *s)
{
	return strlen(s) == f->len && memcmp(f->p, s, f->len) == 0;
}

static int
parse_num(const struct reader *r, const struct field *f, const char *what,
    uint64_t max, uint64_t *out)
{
	int error = parse_decimal(f->p, f->len, out);

	if (error == PARSE_NOT_NUMBER)
		return fail(r, "%s '%.*s' is not a non-negative integer", what,
		    (int)f->len, f->p);
	if (error == PARSE_TOO_BIG || *out > max)
		return fail(r, "%s %.*s is out of range (0 to %" PRIu64 ")", what,
		    (int)f->len, f->p, max);
	return 0;
}

static int
parse_name(const struct reader *r, const struct field *f, const char *what,
    const char *const *names, int n, uint8_t *out)
{
	for (int i = 0; i < n; i++) {
		if (field_is(f, names[i])) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	return fail(r, "unknown %s '%.*s'", what, (int)f->len, f->p);
}

static int
parse_prec(const struct reader *r, const struct field *f, int8_t *out)
{
	uint64_t shift;

	if (field_is(f, "exact"))
		*out = PREC_EXACT;
	else if (field_is(f, "default"))
		*out = PREC_DEFAULT;
	else if (field_is(f, "ticks"))
		*out = PREC_TICKS;
	else if (f->len > 0 && (unsigned char)(f->p[0] - '0') > 9)
		return fail(r, "precision '%.*s' is not exact, default, ticks or a "
		    "shift 0 to 62", (int)f->len, f->p);
	else if (parse_num(r, f, "precision", 62, &shift) != 0)
		return -1;
	else
		*out = (int8_t)shift;
	return 0;
}

static int
parse_cpu(const struct reader *r, const struct field *f, int16_t *out)
{
	uint64_t cpu;

	if (field_is(f, "cur")) {
		*out = OP_CPU_CUR;
		return 0;
	}
	if (parse_num(r, f, "cpu", LG_MAX_THREADS - 1, &cpu) != 0)
		return -1;
	*out = (int16_t)cpu;
	return 0;
}

static struct cstate *
conn_state(struct reader *r, uint64_t id)
{
	if (id >= r->nids) {
		uint64_t n = r->nids ? r->nids : 1024;

		while (n <= id)
			n *= 2;
		r->conns = xrealloc(r->conns, n, sizeof(*r->conns));
		for (uint64_t i = r->nids; i < n; i++)
			r->conns[i] = (struct cstate){ .owner = -1 };
		r->nids = n;
	}
	return &r->conns[id];
}

/* Is op safe and meaningful in the life of its connection?  Updates it. */
static int
check_life(struct reader *r, const struct op *op)
{
	struct cstate *c = conn_state(r, op->id);
	uint8_t bit = (uint8_t)(1u << op->timer);

	if (c->owner < 0) {
		c->owner = (int16_t)op->thread;
		r->distinct++;
	} else if (c->owner != op->thread) {
		return fail(r, "connection %u belongs to thread %d, not %u", op->id,
		    c->owner, op->thread);
	}
	if (op->kind == OP_OPEN) {
		if (c->open)
			return fail(r, "connection %u is already open", op->id);
		c->open = true;
		return 0;
	}
	if (!c->open)
		return fail(r, "connection %u is not open", op->id);
	switch (op->kind) {
	case OP_RESET:
		if (c->async & bit)
			return fail(r, "reset of timer %s of connection %u after its "
			    "async_drain", timer_names[op->timer], op->id);
		c->dirty |= bit;
		break;
	case OP_ASYNC_DRAIN:
		c->async |= bit;
		/* FALLTHROUGH */
	case OP_DRAIN:
		c->dirty &= (uint8_t)~bit;
		break;
	case OP_CLOSE:
		for (int t = 0; t < NTIMERS; t++)
			if (c->dirty & (1u << t))
				return fail(r, "close of connection %u while its timer %s "
				    "may still run (drain or async_drain it after its "
				    "last reset)", op->id, timer_names[t]);
		*c = (struct cstate){ .owner = c->owner };
		break;
	}
	return 0;
}

/* Fields: TIME THREAD CONN OP [TIMER [DELAY_NS PRECISION CPU]]. */
static int
parse_op(struct reader *r, const struct field *f, int nf, struct op *op)
{
	static const char *const field_names[] = {
		"TIME_NS", "THREAD", "CONN", "OP", "TIMER", "DELAY_NS", "PRECISION", "CPU",
	};
	uint64_t v;
	int want;

	memset(op, 0, sizeof(*op));
	op->cpu = OP_CPU_CUR;
	if (nf < 4)
		return fail(r, "missing field %s (a line is TIME_NS THREAD CONN OP ...)",
		    field_names[nf]);
	if (parse_num(r, &f[0], "time", MAX_TIME_NS, &op->t) != 0)
		return -1;
	if (parse_num(r, &f[1], "thread", LG_MAX_THREADS - 1, &v) != 0)
		return -1;
	op->thread = (uint16_t)v;
	if (parse_num(r, &f[2], "connection", LG_MAX_CONN_ID, &v) != 0)
		return -1;
	op->id = op->conn = (uint32_t)v;
	if (parse_name(r, &f[3], "operation", op_names, NOPS, &op->kind) != 0)
		return -1;
	want = op->kind == OP_RESET ? 8 : op->kind == OP_OPEN || op->kind == OP_CLOSE ? 4 : 5;
	if (nf < want)
		return fail(r, "%s: missing field %s", op_names[op->kind], field_names[nf]);
	if (nf > want)
		return fail(r, "%s: unexpected field '%.*s'", op_names[op->kind],
		    (int)f[want].len, f[want].p);
	if (want >= 5 && parse_name(r, &f[4], "timer", timer_names, NTIMERS, &op->timer) != 0)
		return -1;
	if (op->kind == OP_RESET) {
		if (parse_num(r, &f[5], "delay", LG_MAX_DELAY_NS, &v) != 0 ||
		    parse_prec(r, &f[6], &op->prec) != 0 || parse_cpu(r, &f[7], &op->cpu) != 0)
			return -1;
		op->delay = (int64_t)v;
	}
	if (op->t < r->prev_t)
		return fail(r, "time %" PRIu64 " is before the previous operation's %"
		    PRIu64 " (times never decrease)", op->t, r->prev_t);
	r->prev_t = op->t;
	return check_life(r, op);
}

/* "end TIME_NS": the plan's end, after every operation. */
static int
parse_end(struct reader *r, const struct field *f, int nf)
{
	uint64_t t;

	if (nf != 2)
		return fail(r, "end: expected 'end TIME_NS'");
	if (parse_num(r, &f[1], "time", MAX_TIME_NS, &t) != 0)
		return -1;
	if (t < r->prev_t)
		return fail(r, "end %" PRIu64 " is before the previous operation's %"
		    PRIu64, t, r->prev_t);
	r->prev_t = t;
	r->ended = true;
	return 0;
}

/* Split line [p, end) into fields; -1 when it has too many. */
static int
split(const char *p, const char *end, struct field *f)
{
	int n = 0;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			return n;
		if (n == MAX_FIELDS)
			return -1;
		f[n].p = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		f[n].len = (size_t)(p - f[n].p);
		n++;
	}
}

/* Only printable ASCII and tabs: anything else is binary junk. */
static int
check_bytes(const struct reader *r, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];

		if ((ch < 0x20 && ch != '\t') || ch > 0x7e)
			return fail(r, "binary data (byte 0x%02x at column %zu)", ch, i + 1);
	}
	return 0;
}

static int
check_header(struct reader *r, const char *p, size_t len)
{
	static const char magic[] = "calloutlab-trace ";
	size_t m = strlen(magic), h = strlen(TRACE_HEADER), n = len;

	if (len == h && memcmp(p, TRACE_HEADER, len) == 0)
		return 0;
	/* Not even the magic (a binary, say): no byte of it is shown. */
	if (len <= m || memcmp(p, magic, m) != 0)
		return fail(r, "not a calloutlab trace (the first line must be '%s')",
		    TRACE_HEADER);
	if (check_bytes(r, p, len) != 0)
		return -1;
	while (n > h && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == h && memcmp(p, TRACE_HEADER, h) == 0)
		return fail(r, "trailing whitespace after '%s' (the first line is "
		    "exactly that)", TRACE_HEADER);
	return fail(r, "unsupported trace version '%.*s' (this program reads "
	    "version 1)", (int)(len - m), p + m);
}

/*
 * The next line, without its newline, in *p and *len: 1; 0 at the end of
 * the file; -1 on an error (printed).  The file is read a chunk at a time
 * and a line is at most TRACE_MAX_LINE bytes, so memory stays bounded
 * whatever the file is (a binary, /dev/zero): the header is checked before
 * the rest is read, and an endless line is refused when it is too long.
 */
static int
next_line(struct reader *r, const char **p, size_t *len)
{
	char *nl;
	size_t want, got;

	while ((nl = memchr(r->buf + r->start, '\n', r->end - r->start)) == NULL) {
		if (r->end - r->start > TRACE_MAX_LINE)
			return fail(r, "line longer than %d bytes", TRACE_MAX_LINE);
		if (r->eof) {
			if (r->end == r->start)
				return 0;
			return fail(r, "truncated line (no final newline)");
		}
		/* The partial line to the front, then fill the rest. */
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
		want = INPUT_BUF - r->end;
		got = fread(r->buf + r->end, 1, want, r->f);
		r->end += got;
		if (got < want) {
			if (ferror(r->f)) {
				fprintf(stderr, "%s: %s\n", r->path, strerror(errno));
				return -1;
			}
			r->eof = true;
		}
	}
	*p = r->buf + r->start;
	*len = (size_t)(nl - *p);
	r->start += *len + 1;
	if (*len > TRACE_MAX_LINE)
		return fail(r, "line longer than %d bytes", TRACE_MAX_LINE);
	return 1;
}

/* One line: the header, a blank line or a comment, an operation, `end`. */
static int
parse_line(struct reader *r, const char *p, size_t len, struct trace *tr,
    size_t *cap)
{
	struct field f[MAX_FIELDS];
	int nf;

	if (r->line == 1)
		return check_header(r, p, len);
	if (check_bytes(r, p, len) != 0)
		return -1;
	if ((nf = split(p, p + len, f)) == 0 || f[0].p[0] == '#')
		return 0;	/* a blank line or a comment */
	if (nf < 0)
		return fail(r, "too many fields (at most %d)", MAX_FIELDS);
	if (r->ended)
		return fail(r, "a line after the end line");
	if (field_is(&f[0], "end"))
		return parse_end(r, f, nf);
	if (tr->n == *cap)
		tr->ops = xrealloc(tr->ops, *cap = *cap ? *cap * 2 : 4096,
		    sizeof(*tr->ops));
	if (parse_op(r, f, nf, &tr->ops[tr->n]) != 0)
		return -1;
	if (tr->ops[tr->n].thread >= tr->nthreads)
		tr->nthreads = tr->ops[tr->n].thread + 1;
	tr->n++;
	return 0;
}

static int
parse_lines(struct reader *r, struct trace *tr)
{
	size_t cap = 0, len = 0;
	const char *p = NULL;	/* set by every next_line that returns 1 */
	int got;

	for (r->line = 1; (got = next_line(r, &p, &len)) > 0; r->line++)
		if (parse_line(r, p, len, tr, &cap) != 0)
			return -1;
	if (got == 0 && r->line == 1)
		return fail(r, "empty file (the first line must be '%s')", TRACE_HEADER);
	return got;
}

int
trace_read(const char *path, struct trace *tr)
{
	struct reader r = { .path = path };
	int error;

	memset(tr, 0, sizeof(*tr));
	if ((r.f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	r.buf = xrealloc(NULL, INPUT_BUF, 1);
	error = parse_lines(&r, tr);
	fclose(r.f);
	free(r.buf);
	free(r.conns);
	if (error != 0) {
		trace_free(tr);
		return -1;
	}
	tr->nconns = r.distinct;
	tr->end_t = r.prev_t;
	return 0;
}

void
trace_free(struct trace *tr)
{
	free(tr->ops);
	memset(tr, 0, sizeof(*tr));
}

void
trace_write_end(FILE *f, uint64_t t)
{
	fprintf(f, "end %" PRIu64 "\n", t);
}

void
trace_write_op(FILE *f, const struct op *op)
{
	fprintf(f, "%" PRIu64 " %u %u %s", op->t, op->thread, op->id, op_names[op->kind]);
	if (op->kind == OP_OPEN || op->kind == OP_CLOSE) {
		fputc('\n', f);
		return;
	}
	fprintf(f, " %s", timer_names[op->timer]);
	if (op->kind == OP_RESET) {
		fprintf(f, " %" PRId64 " ", op->delay);
		if (op->prec == PREC_EXACT)
			fputs("exact", f);
		else if (op->prec == PREC_DEFAULT)
			fputs("default", f);
		else if (op->prec == PREC_TICKS)
			fputs("ticks", f);
		else
			fprintf(f, "%d", op->prec);
		if (op->cpu == OP_CPU_CUR)
			fputs(" cur", f);
		else
			fprintf(f, " %d", op->cpu);
	}
	fputc('\n', f);
}
