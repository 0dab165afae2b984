/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SUBJECT_SESSIONS_H
#define IPHTTPS_SUBJECT_SESSIONS_H

/*
 * The sessions of each client certificate subject, oldest first, for
 * limits.sessions_per_subject (ocserv's max-same-clients): one machine
 * certificate is one machine, and a certificate that many hosts use at
 * once has been copied. A subject is session_owner_key (64 bits of SHA-256
 * of the subject a TLS handshake, or a TLS offloader, verified), so only
 * certificates mode has subjects.
 *
 * At the limit, a new session either replaces the subject's oldest (the
 * default: a client whose link was cut reconnects before the appliance has
 * noticed that its old session is dead, and must not wait for that one to
 * time out) or is refused (as ocserv does: two hosts that share a
 * certificate do not take turns throwing each other off).
 *
 * One table for every worker (a client may reconnect to any), with a
 * spinlock: it is touched when a session joins the Client Table and when it
 * leaves, never per packet. Its size is fixed at start: limits.max_clients
 * subjects (each has a session), SUBJECT_SESSIONS_TRACKED sessions each
 * (about 100 bytes a subject). A subject past that many sessions (with no
 * limit or a larger one than the sessions it has) is admitted untracked and
 * counted; so is any session when the table is full, which it cannot be
 * while limits.max_clients holds.
 */

#include <stdint.h>

#include "appliance_limits.h"
#include "client_index.h"

enum {
	/* What a subject tracks: the most limits.sessions_per_subject may be. */
	SUBJECT_SESSIONS_TRACKED = LIMIT_SESSIONS_PER_SUBJECT_MAX,
};

/** Create the table for up to capacity subjects (start-up). @return 0, or -1 (rte_errno set). */
int subject_sessions_create(uint32_t capacity);

/** Destroy it (every worker stopped). */
void subject_sessions_destroy(void);

enum subject_sessions_verdict {
	SUBJECT_SESSIONS_JOINED,    /* counted */
	SUBJECT_SESSIONS_REPLACED,  /* counted in place of the subject's oldest, which its worker must end */
	SUBJECT_SESSIONS_REFUSED,   /* at the limit, and the policy refuses: not counted */
	SUBJECT_SESSIONS_UNTRACKED, /* admitted, not counted (see above): leaving is a no-op */
};

/**
 * Count session ref under subject. limit 0: no limit. At limit sessions (or
 * more, after a reload lowered it), replace_oldest decides: the oldest one's
 * ref is written to *oldest and no longer counted, or the session is refused.
 */
enum subject_sessions_verdict subject_sessions_join(uint64_t subject, const struct client_ref *ref, uint32_t limit,
						    bool replace_oldest, struct client_ref *oldest);

/** Stop counting ref under subject (nothing when it was not counted: replaced, or untracked). */
void subject_sessions_leave(uint64_t subject, const struct client_ref *ref);

/** The sessions counted under subject. */
uint32_t subject_sessions_of(uint64_t subject);

/** Subjects in the table. */
uint32_t subject_sessions_subjects(void);

/** Forget every subject (tests). */
void subject_sessions_clear(void);

#endif
