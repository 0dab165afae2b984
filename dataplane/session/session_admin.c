/* SPDX-License-Identifier: BSD-3-Clause */
#include "session_admin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_table.h"
#include "session_counters.h"
#include "session_internal.h"
#include "worker.h"
#include "worker_command.h"

static int admission = SESSION_ADMISSION_OPEN; /* enum session_admission */

void session_admission_set(enum session_admission a)
{
	__atomic_store_n(&admission, (int)a, __ATOMIC_RELEASE);
}

bool session_admission_open(void)
{
	return __atomic_load_n(&admission, __ATOMIC_RELAXED) == SESSION_ADMISSION_OPEN;
}

bool session_admission_answers_syn(void)
{
	return __atomic_load_n(&admission, __ATOMIC_RELAXED) != SESSION_ADMISSION_QUIET;
}

static void count_sessions(struct worker *w, void *arg)
{
	const struct client_table_shard *t = client_table_shard_of(w);

	*(uint32_t *)arg = t->slots ? t->capacity - t->free_count : 0;
}

static void count_entries(struct worker *w, void *arg)
{
	*(uint32_t *)arg = client_table_shard_of(w)->entries;
}

int session_admin_client_entries(uint32_t *per_worker)
{
	for (unsigned int i = 0; i < worker_count; i++)
		if (worker_command_run(&workers[i], count_entries, &per_worker[i], WORKER_COMMAND_TIMEOUT_MS) != 0)
			return -EAGAIN;
	return 0;
}

size_t session_admin_slot_bytes(void)
{
	return sizeof(struct session);
}

int session_admin_count(uint32_t *per_worker)
{
	uint32_t total = 0;

	for (unsigned int i = 0; i < worker_count; i++) {
		uint32_t n;

		if (worker_command_run(&workers[i], count_sessions, &n, WORKER_COMMAND_TIMEOUT_MS) != 0)
			return -EAGAIN;
		total += n;
		if (per_worker)
			per_worker[i] = n;
	}
	return (int)total;
}

/* Where a chunked walk over a worker's slots is (SESSION_ADMIN_CHUNK sessions per command). */
struct slot_cursor {
	uint32_t next_slot;
	bool done;
};

/* The next session from the cursor on, or NULL at the end of the shard (the cursor then says done). */
static struct session *next_session(struct worker *w, struct slot_cursor *cur)
{
	const struct client_table_shard *t = client_table_shard_of(w);

	for (; t->slots && cur->next_slot < t->capacity; cur->next_slot++)
		if (t->slots[cur->next_slot].conn)
			return &t->slots[cur->next_slot++];
	cur->done = true;
	return NULL;
}

struct list_request {
	struct slot_cursor cur;
	const struct session_filter *filter;
	uint32_t limit; /* 0: all */
	struct session_view *views;
	uint32_t max, count;
};

static bool list_at_limit(const struct list_request *req)
{
	return req->limit && req->count >= req->limit;
}

/* No room for another view in this command: the buffer (grown between commands) or the limit. */
static bool list_full(const struct list_request *req)
{
	return req->count >= req->max || list_at_limit(req);
}

static void list_sessions(struct worker *w, void *arg)
{
	struct list_request *req = arg;
	struct session *s;

	/* At most a chunk of sessions looked at per command, matching or not. */
	for (unsigned int n = 0; n < SESSION_ADMIN_CHUNK && !list_full(req) && (s = next_session(w, &req->cur)); n++) {
		struct session_view *v;

		if (!session_filter_match(req->filter, s))
			continue;
		v = &req->views[req->count++];

		memset(v, 0, sizeof(*v));
		v->id = s->id;
		v->worker = w->id;
		v->state = s->state;
		v->outer_address = s->client;
		v->outer_port = s->client_port;
		v->address_count = s->address_count;
		memcpy(v->addresses, s->addresses, sizeof(v->addresses));
		v->age_ms = w->now_ms - s->accepted_ms;
		v->link_up_ms = s->state == SESSION_LINK_UP ? w->now_ms - s->link_up_ms : 0;
		v->rx_packets = s->rx_packets;
		v->tx_packets = s->tx_packets;
		v->rx_bytes = s->rx_bytes;
		v->tx_bytes = s->tx_bytes;
		session_tls_describe(s, &v->tls);
		v->tls_session = s->tls.ssl != NULL;
	}
}

int session_admin_list(const struct session_filter *f, uint32_t limit, struct session_view **views, uint32_t *count)
{
	struct list_request req = { .filter = f, .limit = limit };

	*views = NULL;
	*count = 0;
	for (unsigned int i = 0; i < worker_count && !list_at_limit(&req); i++) {
		if (f && f->by_worker && f->worker != i)
			continue;
		req.cur = (struct slot_cursor){ 0 };
		while (!req.cur.done && !list_at_limit(&req)) {
			/* Room for one more chunk; the worker polls its ports between chunks. */
			if (req.max - req.count < SESSION_ADMIN_CHUNK) {
				/* Doubling: 100,000 views (70 MB) are copied a few times, not 25. */
				uint32_t max = req.max ? req.max * 2 : SESSION_ADMIN_CHUNK * 4;
				struct session_view *more = realloc(req.views, (size_t)max * sizeof(*more));

				if (!more) {
					free(req.views);
					return -ENOMEM;
				}
				req.views = more;
				req.max = max;
			}
			if (worker_command_run(&workers[i], list_sessions, &req, WORKER_COMMAND_TIMEOUT_MS) != 0) {
				free(req.views);
				return -EAGAIN;
			}
		}
	}
	*views = req.views;
	*count = req.count;
	return 0;
}

static bool has_address(const struct session *s, const struct in6_addr *a)
{
	if (memcmp(&s->client, a, sizeof(*a)) == 0)
		return true;
	for (unsigned int i = 0; i < s->address_count; i++)
		if (memcmp(&s->addresses[i], a, sizeof(*a)) == 0)
			return true;
	return false;
}

bool session_filter_match(const struct session_filter *f, const struct session *s)
{
	if (!f)
		return true;
	if (f->by_id && s->id != f->id)
		return false;
	if (f->by_address && !has_address(s, &f->address))
		return false;
	if (f->by_state && s->state != f->state)
		return false;
	if (f->by_subject) {
		struct tls_session_description d;

		session_tls_describe(s, &d);
		if (strcmp(d.peer_subject, f->subject) != 0)
			return false;
	}
	return true;
}

struct disconnect_request {
	struct slot_cursor cur;
	const struct session_filter *filter;
	enum session_end_reason reason;
	uint32_t ended;
};

static void disconnect_sessions(struct worker *w, void *arg)
{
	struct disconnect_request *req = arg;
	struct session *s;

	/* At most a chunk of matches per command: closing 100,000 sessions in one go would stop this
	 * worker's ports for seconds. */
	for (unsigned int n = 0; n < SESSION_ADMIN_CHUNK && (s = next_session(w, &req->cur));) {
		if (s->state == SESSION_CLOSING || s->close_requested || !session_filter_match(req->filter, s))
			continue;
		n++;
		req->ended++;
		counter(w, session_disconnected_by_operator)++;
		if (s->on_async_list)
			s->close_requested = true; /* ended when its job resumes (session_on_async_resume) */
		else
			session_end(w, s, req->reason);
	}
}

int session_admin_disconnect(const struct session_filter *f, enum session_end_reason reason)
{
	struct disconnect_request req = { .filter = f, .reason = reason };

	for (unsigned int i = 0; i < worker_count; i++) {
		if (f && f->by_worker && f->worker != i)
			continue; /* the worker criterion is the walk's, not session_filter_match's */
		req.cur = (struct slot_cursor){ 0 };
		while (!req.cur.done)
			if (worker_command_run(&workers[i], disconnect_sessions, &req, WORKER_COMMAND_TIMEOUT_MS) != 0)
				return -EAGAIN;
	}
	return (int)req.ended;
}

int session_admin_disconnect_all(enum session_end_reason reason)
{
	return session_admin_disconnect(NULL, reason);
}

uint32_t session_admin_linkup_clients(void)
{
	return client_table_entries();
}

uint32_t session_admin_client_addresses(void)
{
	return client_index_count();
}
