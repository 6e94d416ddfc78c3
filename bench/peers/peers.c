/*
 * peers.c - the registry of peer adapters, as configured (peers_config.h
 * is written by bench/peers/meson.build).
 */
#include "peers.h"
#include "peers_config.h"

extern const struct impl peer_libev, peer_libevent, peer_libuv, peer_dpdk;

const struct impl *const peer_impls[] = {
#if HAVE_PEER_LIBEV
	&peer_libev,
#endif
#if HAVE_PEER_LIBEVENT
	&peer_libevent,
#endif
#if HAVE_PEER_LIBUV
	&peer_libuv,
#endif
#if HAVE_PEER_DPDK
	&peer_dpdk,
#endif
	NULL,
};
