/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SESSION_TIMERS_H
#define IPHTTPS_SESSION_TIMERS_H

/*
 * The session's timers as events, in the manner of WireGuard's timers.c:
 * the state machine says what happened, this file decides what to arm or
 * disarm. session_timers.c lists every timer and what it does on expiry.
 */

#include <stdbool.h>

struct worker;
struct session;

void session_timers_handshake_started(struct worker *w, struct session *s);
void session_timers_request_started(struct worker *w, struct session *s);
void session_timers_link_up(struct worker *w, struct session *s);
void session_timers_input(struct worker *w, struct session *s);
void session_timers_async_paused(struct worker *w, struct session *s);
/** A full handshake over the worker's budget waits its turn (tls_admission.h), in its source's queue. */
void session_timers_admission_wait(struct worker *w, struct session *s);

/** The handshake or request deadline is met (or no longer applies). */
void session_timers_deadline_met(struct worker *w, struct session *s);

/** The session leaves its live states: off every list but the async one. */
void session_timers_closing(struct worker *w, struct session *s);

/** The session is freed: off every list. */
void session_timers_free(struct worker *w, struct session *s);

/** Whether the handshake deadline passed while a job was paused (checked when it resumes). */
bool session_timers_handshake_overdue(const struct worker *w, const struct session *s);

/** Fire what is due, resume paused jobs, admit held handshakes (the worker's loop, through session_poll). */
void session_timers_run(struct worker *w);

/** Empty a worker's lists (start-up). */
void session_timers_init(struct worker *w);

#endif
