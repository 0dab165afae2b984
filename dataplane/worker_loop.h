/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_WORKER_LOOP_H
#define IPHTTPS_WORKER_LOOP_H

/** A worker's main loop, launched on its lcore with rte_eal_remote_launch (arg: its struct worker). */
int worker_loop(void *arg);

#endif
