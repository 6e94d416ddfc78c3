/*
 * peers.h - the peer libraries found at configure time.
 */
#ifndef MICRO_PEERS_H
#define MICRO_PEERS_H

#include "impl.h"

/* NULL-terminated; a peer missing at configure time is not in it. */
extern const struct impl *const peer_impls[];

#endif /* MICRO_PEERS_H */
