/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_DATAPATH_H
#define IPHTTPS_DATAPATH_H

/*
 * The datapath as the control plane sees it: start it from a config (mbuf
 * pool, ports, next hops, one worker per configured lcore), and stop it.
 */

#include "appliance_config.h"

/** Bring up pools, ports and workers; rte_exit naming the failing step on error. */
void datapath_start(const struct iphttps_config *config);

/** Stop the workers (returns once every worker has left its loop) and the ports. */
void datapath_stop(void);

/**
 * Wait, at most timeout_ms, until every worker polls and both ports' links
 * are up: the appliance answers from then on. @return 0, or -1 with what is
 * not up yet named in `down` (a link may come up later: the caller decides).
 */
int datapath_wait_ready(unsigned int timeout_ms, char *down, size_t down_len);

/**
 * Return once every worker has passed a quiescent point (between two bursts)
 * after the call: what was unpublished before it is no longer in use.
 */
void datapath_wait_quiescent(void);

#endif
