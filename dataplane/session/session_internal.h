/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SESSION_INTERNAL_H
#define IPHTTPS_SESSION_INTERNAL_H

/*
 * What the session_*.c files share, and nothing outside the session layer
 * uses: the layer's interface is session.h.
 *
 *   session.c          the state machine, TCP upcalls, close and free
 *   session_timers.c   every deadline and list a session sits on
 *   session_request.c  the PROXY header and the HTTP request, up to LinkUp
 *   session_packets.c  IPv6 packets in (framer → mbufs → handler) and out
 */

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

/* session.c */
bool session_write(struct session *s, const void *buf, uint32_t len);
void session_free(struct worker *w, struct session *s);
void session_abort(struct worker *w, struct session *s);
void session_on_handshake_expired(struct worker *w, struct session *s);
void session_on_async_resume(struct worker *w, struct session *s);
/* A held full handshake's turn has come (session_timers.c): take it a step further. */
void session_on_admission_turn(struct worker *w, struct session *s);

/* session_request.c */
int session_request_begin(struct worker *w, struct session *s, enum session_state state);
uint32_t session_request_input(struct worker *w, struct session *s, const uint8_t *data, uint32_t len);
void session_request_free(struct session *s);
void session_refuse(struct worker *w, struct session *s, unsigned int status);

/* session.c: the request body, up to Content-Length, to the framer */
void session_body_input(struct worker *w, struct session *s, const uint8_t *data, uint32_t len);

/* session_packets.c */
void session_packets_input(struct worker *w, struct session *s, const uint8_t *data, uint32_t len);
void session_packets_reset(struct session *s);

/* Drop the packets session_send_packet holds for s, if any (counted): s is closing. */
void session_packets_forget_sends(struct worker *w, struct session *s);

#endif
