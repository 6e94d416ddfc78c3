/*
 * driver.h - carrying out the workers' plans.
 *
 * Real clock: one thread per worker, pinned to CPU index % online CPUs.
 * Each first runs its set-up (its operations planned at time 0), then all
 * start together at t0 and follow the plan: an operation planned at t runs
 * at t0 + t, and its latency is measured from then, so a stall delays and
 * is charged to every operation planned during it (wrk2's way of avoiding
 * coordinated omission).  Operations sharing a planned time (one TCP
 * event) are planned back to back: each is measured from the end of the
 * one before.  --speed max ignores the plan and measures each call alone.
 *
 * Manual clock: the calling thread carries out every worker's operations
 * in planned-time order, moving the clock with callout_advance to each
 * planned time, so callout functions run there too and a run is
 * deterministic; latencies are then the calls' own (real) durations.
 */
#ifndef LOADGEN_DRIVER_H
#define LOADGEN_DRIVER_H

#include "worker.h"

/* Returns the real time the plan took, ns (at least its duration on the
 * real clock at --speed real). */
uint64_t drive(struct worker **ws, int n, const struct lg_config *cfg,
    uint64_t duration_ns);

#endif
