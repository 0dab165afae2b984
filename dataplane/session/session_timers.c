/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every timer a session has, what arms it, and what its expiry does. All are
 * per worker and run from the worker's loop (session_poll); none allocates.
 *
 *   handshake deadline  armed when an https connection is accepted
 *                       (limits.tls_handshake_timeout_ms); met when the
 *                       handshake completes. Expiry: RST, counted as
 *                       tls_handshake_timeouts. Never while an asynchronous
 *                       job is paused in the SSL: then the session is timed
 *                       out when the job ends (session_on_async_resume).
 *   request deadline    armed when the PROXY header or the HTTP request is
 *                       awaited (limits.http_request_timeout_ms); met at
 *                       LinkUp. Expiry: 408 and close.
 *   idle timer          LinkUp sessions sit on a list, least recently active
 *                       first; each input moves a session to the tail.
 *                       Expiry (limits.idle_session_timeout_s, 0 = never):
 *                       close, counted as session_idle_timeouts.
 *   closing             bounded by TCP, which frees the session when the
 *                       connection is gone (FIN handshake, RST, or its
 *                       retransmission timeouts).
 *
 * And two lists that are not timers: sessions whose TLS job paused, resumed
 * once per loop iteration; and full handshakes over the worker's budget
 * (tls_admission.h), given turns as the budget refills, each loop
 * iteration: a FIFO per source (SESSION_ADMISSION_QUEUES of them, by a
 * hash of the client's IPv4 address or IPv6 /64), the turns going round the
 * queues, so that one source holding a thousand handshakes delays another's
 * by one turn, not by a thousand. A held handshake keeps its deadline: the
 * wait is bounded.
 *
 * Each deadline list is a FIFO: every entry got the same timeout, so the
 * list is ordered by deadline and the run stops at the first not yet due.
 * (A reload that shortens a timeout delays the new, shorter deadlines behind
 * older ones by at most the old timeout.)
 */
#include "session_timers.h"

#include <rte_jhash.h>

#include "tls_admission.h"

#include "session_counters.h"
#include "session_internal.h"
#include "worker.h"

enum deadline_kind { DEADLINE_HANDSHAKE = 1, DEADLINE_REQUEST = 2 };

static void deadline_set(struct worker *w, struct session *s, enum deadline_kind kind)
{
	struct session_worker *sw = session_worker_of(w);
	const struct config_limits *limits = &w->config->limits;

	session_timers_deadline_met(w, s);
	if (kind == DEADLINE_HANDSHAKE) {
		s->deadline_ms = w->now_ms + limits->tls_handshake_timeout_ms;
		TAILQ_INSERT_TAIL(&sw->handshake_deadlines, s, deadline_link);
	} else {
		s->deadline_ms = w->now_ms + limits->http_request_timeout_ms;
		TAILQ_INSERT_TAIL(&sw->request_deadlines, s, deadline_link);
	}
	s->deadline_kind = (uint8_t)kind;
	s->on_deadline_list = true;
}

void session_timers_handshake_started(struct worker *w, struct session *s)
{
	deadline_set(w, s, DEADLINE_HANDSHAKE);
}

void session_timers_request_started(struct worker *w, struct session *s)
{
	deadline_set(w, s, DEADLINE_REQUEST);
}

void session_timers_deadline_met(struct worker *w, struct session *s)
{
	struct session_worker *sw = session_worker_of(w);

	if (!s->on_deadline_list)
		return;
	if (s->deadline_kind == DEADLINE_HANDSHAKE)
		TAILQ_REMOVE(&sw->handshake_deadlines, s, deadline_link);
	else
		TAILQ_REMOVE(&sw->request_deadlines, s, deadline_link);
	s->on_deadline_list = false;
}

void session_timers_link_up(struct worker *w, struct session *s)
{
	session_timers_deadline_met(w, s);
	s->last_active_ms = w->now_ms;
	TAILQ_INSERT_TAIL(&session_worker_of(w)->idle, s, idle_link);
	s->rotation_ms = w->now_ms;
	TAILQ_INSERT_TAIL(&session_worker_of(w)->rotation, s, rotation_link);
	session_worker_of(w)->link_up_count++;
	s->on_idle_list = true;
}

void session_timers_input(struct worker *w, struct session *s)
{
	struct session_worker *sw = session_worker_of(w);

	if (!s->on_idle_list || s->last_active_ms == w->now_ms)
		return; /* already at the tail this millisecond */
	s->last_active_ms = w->now_ms;
	TAILQ_REMOVE(&sw->idle, s, idle_link);
	TAILQ_INSERT_TAIL(&sw->idle, s, idle_link);
}

void session_timers_async_paused(struct worker *w, struct session *s)
{
	if (s->on_async_list)
		return;
	TAILQ_INSERT_TAIL(&session_worker_of(w)->async_paused, s, async_link);
	s->on_async_list = true;
}

/* The queue of s's source: its IPv4 address (v4-mapped) or its IPv6 /64, hashed. */
static uint8_t admission_queue_of(const struct session *s)
{
	bool v4 = IN6_IS_ADDR_V4MAPPED(&s->client);
	uint32_t hash = rte_jhash(v4 ? &s->client.s6_addr[12] : s->client.s6_addr, v4 ? 4 : 8, 0);

	return (uint8_t)(hash & (SESSION_ADMISSION_QUEUES - 1));
}

void session_timers_admission_wait(struct worker *w, struct session *s)
{
	if (s->on_admission_list)
		return;
	s->admission_queue = admission_queue_of(s);
	TAILQ_INSERT_TAIL(&session_worker_of(w)->admission_waiting[s->admission_queue], s, admission_link);
	s->on_admission_list = true;
	tls_admission_waiting(w, +1);
}

static void admission_leave(struct worker *w, struct session *s)
{
	if (!s->on_admission_list)
		return;
	TAILQ_REMOVE(&session_worker_of(w)->admission_waiting[s->admission_queue], s, admission_link);
	s->on_admission_list = false;
	tls_admission_waiting(w, -1);
}

void session_timers_closing(struct worker *w, struct session *s)
{
	admission_leave(w, s);
	session_timers_deadline_met(w, s);
	if (s->on_idle_list) {
		TAILQ_REMOVE(&session_worker_of(w)->idle, s, idle_link);
		session_walk_passes(session_worker_of(w), s);
		TAILQ_REMOVE(&session_worker_of(w)->rotation, s, rotation_link);
		session_worker_of(w)->link_up_count--;
		s->on_idle_list = false;
	}
}

void session_timers_free(struct worker *w, struct session *s)
{
	session_timers_closing(w, s);
	if (s->on_async_list) {
		TAILQ_REMOVE(&session_worker_of(w)->async_paused, s, async_link);
		s->on_async_list = false;
	}
}

/* Resume paused jobs: each gets one step per loop iteration; an engine still
 * busy pauses it again. The list is detached first so that a session that
 * pauses again waits for the next iteration. */
static void resume_paused(struct worker *w)
{
	struct session_worker *sw = session_worker_of(w);
	struct session_list resume = TAILQ_HEAD_INITIALIZER(resume);
	struct session *s;

	if (TAILQ_EMPTY(&sw->async_paused))
		return;
	TAILQ_CONCAT(&resume, &sw->async_paused, async_link);
	while ((s = TAILQ_FIRST(&resume)) != NULL) {
		TAILQ_REMOVE(&resume, s, async_link);
		s->on_async_list = false;
		counter(w, tls_async_resumed)++;
		session_on_async_resume(w, s);
	}
}

/* The oldest held handshake of the next queue round that has one, or NULL. */
static struct session *next_admission_turn(struct session_worker *sw)
{
	for (uint32_t i = 0; i < SESSION_ADMISSION_QUEUES; i++) {
		uint32_t q = (sw->admission_next_queue + i) & (SESSION_ADMISSION_QUEUES - 1);
		struct session *s = TAILQ_FIRST(&sw->admission_waiting[q]);

		if (s) {
			sw->admission_next_queue = q + 1; /* the next turn is the next queue's */
			return s;
		}
	}
	return NULL;
}

/* Held handshakes, a source at a time, while the budget has one to give:
 * each takes it in its next step (the session's pump reads what the client
 * sent). The queues are looked at only while the budget has a turn: at most
 * its rate a second, each a scan of SESSION_ADMISSION_QUEUES heads at most. */
static void admit_waiting(struct worker *w)
{
	struct session_worker *sw = session_worker_of(w);
	struct session *s;

	while (tls_admission_held(w) && tls_admission_ready(w) && (s = next_admission_turn(sw)) != NULL) {
		admission_leave(w, s);
		tls_admission_give_turn(&s->tls);
		session_on_admission_turn(w, s);
	}
}

/* Whether the handshake deadline passed while its job was paused (checked when it resumes). */
bool session_timers_handshake_overdue(const struct worker *w, const struct session *s)
{
	return s->deadline_kind == DEADLINE_HANDSHAKE && !s->on_deadline_list && s->deadline_ms <= w->now_ms;
}

void session_timers_run(struct worker *w)
{
	struct session_worker *sw = session_worker_of(w);
	uint64_t now = w->now_ms, idle_ms = (uint64_t)w->config->limits.idle_session_timeout_s * 1000;
	struct session *s;

	resume_paused(w);
	admit_waiting(w);
	while ((s = TAILQ_FIRST(&sw->handshake_deadlines)) != NULL && s->deadline_ms <= now) {
		session_timers_deadline_met(w, s);
		if (s->on_async_list)
			continue; /* never free a paused job: it is timed out when it resumes */
		session_on_handshake_expired(w, s);
	}
	while ((s = TAILQ_FIRST(&sw->request_deadlines)) != NULL && s->deadline_ms <= now) {
		session_timers_deadline_met(w, s);
		session_refuse(w, s, 408);
	}
	while (idle_ms && (s = TAILQ_FIRST(&sw->idle)) != NULL && s->last_active_ms + idle_ms <= now) {
		counter(w, session_idle_timeouts)++;
		session_end(w, s, SESSION_END_IDLE_TIMEOUT);
	}
}

void session_timers_init(struct worker *w)
{
	struct session_worker *sw = session_worker_of(w);

	TAILQ_INIT(&sw->handshake_deadlines);
	TAILQ_INIT(&sw->request_deadlines);
	TAILQ_INIT(&sw->async_paused);
	for (unsigned int q = 0; q < SESSION_ADMISSION_QUEUES; q++)
		TAILQ_INIT(&sw->admission_waiting[q]);
	sw->admission_next_queue = 0;
	TAILQ_INIT(&sw->idle);
	TAILQ_INIT(&sw->rotation);
	sw->link_up_count = 0;
}
