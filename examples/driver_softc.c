/*
 * driver_softc.c - a FreeBSD-style driver using callout(9) the way a
 * driver does: a watchdog callout tied to the softc's mutex, re-armed from
 * its own function, and the teardown from the freebsd-arch thread:
 * lock; stop; unlock; drain; destroy; free.
 *
 * Builds against the installed library alone:
 *   cc driver_softc.c $(pkg-config --cflags --libs callout)
 */
#define _POSIX_C_SOURCE 200809L
#include <callout.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct foo_softc {
	struct mtx sc_mtx;
	struct callout sc_watchdog;
	int sc_ticks;			/* guarded by sc_mtx */
	int sc_detaching;		/* guarded by sc_mtx */
};

#define FOO_LOCK(sc)	mtx_lock(&(sc)->sc_mtx)
#define FOO_UNLOCK(sc)	mtx_unlock(&(sc)->sc_mtx)

static void
foo_watchdog(void *arg)
{
	struct foo_softc *sc = arg;

	/* The callout subsystem took sc_mtx for us. */
	mtx_assert(&sc->sc_mtx, MA_OWNED);
	if (sc->sc_detaching) {
		fprintf(stderr, "foo_watchdog: ran after the stop\n");
		abort();
	}
	sc->sc_ticks++;
	callout_reset(&sc->sc_watchdog, hz / 100, foo_watchdog, sc);
}

static struct foo_softc *
foo_attach(void)
{
	struct foo_softc *sc = calloc(1, sizeof(*sc));

	mtx_init(&sc->sc_mtx, "foo", NULL, MTX_DEF);
	callout_init_mtx(&sc->sc_watchdog, &sc->sc_mtx, 0);
	FOO_LOCK(sc);
	callout_reset(&sc->sc_watchdog, hz / 100, foo_watchdog, sc);
	FOO_UNLOCK(sc);
	return sc;
}

static int
foo_detach(struct foo_softc *sc)
{
	int ticks_seen;

	FOO_LOCK(sc);
	sc->sc_detaching = 1;
	callout_stop(&sc->sc_watchdog);	/* no call after this returns... */
	ticks_seen = sc->sc_ticks;
	FOO_UNLOCK(sc);
	callout_drain(&sc->sc_watchdog);	/* ...and none still running */
	mtx_destroy(&sc->sc_mtx);
	free(sc);
	return ticks_seen;
}

int
main(void)
{
	struct foo_softc *sc = foo_attach();

	nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	printf("watchdog ran %d times; detached cleanly\n", foo_detach(sc));
	return 0;
}
