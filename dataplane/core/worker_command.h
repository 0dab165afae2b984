/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_WORKER_COMMAND_H
#define IPHTTPS_WORKER_COMMAND_H

/*
 * Requests from the control plane to a worker: "run this function on your
 * own lcore, between two bursts, and tell me when it is done". The control
 * plane never reads or writes a worker's state itself, which would race with
 * the worker; it asks the owner. Telemetry takes its snapshots this way, and
 * the control plane's actions (disconnect, drain, authentication-mode change)
 * will too.
 *
 * Each worker has one multi-producer, single-consumer rte_ring of requests;
 * the worker runs what waits once per loop iteration. A caller that stops
 * waiting abandons its request, which then never runs (the request's state
 * word decides who frees it: the one that loses the race).
 */

struct worker;

typedef void (*worker_command_fn)(struct worker *w, void *arg);

/**
 * Run fn(w, arg) on w's lcore and wait for it, at most timeout_ms. When w is
 * not running its loop (not started, or stopped), fn runs in the caller.
 * Not for the workers themselves. @return 0 when fn ran, -ETIMEDOUT (fn will
 * never run: arg may be reused), -ENOBUFS (the ring is full), -ENOMEM.
 */
int worker_command_run(struct worker *w, worker_command_fn fn, void *arg, unsigned int timeout_ms);

/** Run every request waiting for w; the worker's loop calls it once per iteration. */
void worker_command_poll(struct worker *w);

#endif
