/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_SESSION_ADMIN_H
#define IPHTTPS_SESSION_ADMIN_H

/*
 * What the control plane asks of the sessions, on every worker: whether new
 * connections are admitted (link disable, drain), a listing of the sessions
 * (`iphttpsctl clients`), and ending the sessions that match a filter
 * (`disconnect`, an authentication-mode change, link disable, shutdown).
 *
 * Called from the main lcore only. Each worker's sessions are read and
 * closed by that worker, through its command ring (worker_command.h): the
 * control plane never touches a session itself. Big shards go in chunks of
 * SESSION_ADMIN_CHUNK, so a listing or a disconnect of everyone never holds
 * a worker off its ports for long; a listing is therefore a snapshot per
 * chunk, not of the whole appliance at one instant.
 */

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "client_index.h"
#include "session.h"
#include "tls_session.h"

/* Sessions a worker lists or closes per command: it polls its ports between two chunks. */
enum { SESSION_ADMIN_CHUNK = 1024 };

/* Whether new connections get in. */
enum session_admission {
	SESSION_ADMISSION_OPEN,
	/* Stopping, draining, or switching authentication modes: SYNs go
	 * unanswered, so the clients' kernels send them again a second later, to
	 * the restarted process, another node, or the new mode (tcp.h
	 * syn_answered); a connection already past its SYN is reset. */
	SESSION_ADMISSION_QUIET,
	/* The link is disabled (§3.2.4.2): every new connection is reset
	 * (session_refused_not_accepting). */
	SESSION_ADMISSION_REFUSE,
};

void session_admission_set(enum session_admission admission);

/** Whether new connections are admitted (every accept reads it: one relaxed load). */
bool session_admission_open(void);

/** Whether a SYN to an IP-HTTPS listener is answered: not when QUIET. */
bool session_admission_answers_syn(void);

/* One session as the operator sees it, copied by its worker. */
struct session_view {
	uint64_t id;
	unsigned int worker;
	enum session_state state;
	struct in6_addr outer_address; /* the TCP peer or the PROXY header's client; IPv4 v4-mapped */
	uint16_t outer_port;
	uint8_t address_count;
	struct in6_addr addresses[CLIENT_INDEX_ADDRESSES_PER_CLIENT]; /* in the client prefix, learned */
	uint64_t age_ms;     /* since the connection was accepted */
	uint64_t link_up_ms; /* time in LinkUp; 0 before */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	struct tls_session_description tls;
	bool tls_session;    /* over TLS (the handshake may still run), not plain HTTP */
};

/* Which sessions a command is about: every criterion given must hold; none given, every session. */
struct session_filter {
	bool by_id;
	uint64_t id;
	bool by_address;         /* its outer address, or one it has bound in the client prefix */
	struct in6_addr address; /* IPv4 v4-mapped */
	bool by_subject;         /* its client certificate's subject, exactly (a stolen laptop's) */
	char subject[256];       /* as `clients` shows it: "CN=laptop-42.corp.example" */
	bool by_state;
	enum session_state state;
	bool by_worker;          /* only this worker's (the walk skips the others) */
	unsigned int worker;
};

/**
 * The sessions of every worker that match f (NULL: all), at most limit of
 * them (0: no limit), in *views (malloc'd; the caller frees). Each worker
 * filters its own, so a lookup among 100,000 copies out one.
 * @return 0, -ENOMEM, or -EAGAIN when a worker did not answer.
 */
int session_admin_list(const struct session_filter *f, uint32_t limit, struct session_view **views, uint32_t *count);

/**
 * End every session that matches f (close_notify and FIN), on every worker,
 * recording why. @return how many were ended, or -EAGAIN when a worker did not answer.
 */
int session_admin_disconnect(const struct session_filter *f, enum session_end_reason reason);

/** End every session on every worker, recording why. @return how many, or -EAGAIN. */
int session_admin_disconnect_all(enum session_end_reason reason);

/** Whether session s matches f (exposed for the unit tests). */
bool session_filter_match(const struct session_filter *f, const struct session *s);

/**
 * Sessions open on every worker (any state); per_worker (NULL or
 * worker_count entries) receives each worker's. @return count, or -EAGAIN.
 */
int session_admin_count(uint32_t *per_worker);

/** Client Table entries (LinkUp sessions) of each worker into per_worker. @return 0, or -EAGAIN. */
int session_admin_client_entries(uint32_t *per_worker);

/** LinkUp sessions on all workers, read from the Client Table's shared count
 * without asking a worker: safe when a worker is stuck (the watchdog). */
uint32_t session_admin_linkup_clients(void);

/** Client addresses bound in the shared index (client_index.h), on all workers. */
uint32_t session_admin_client_addresses(void);

/** Bytes of one session slot (benchmarks: memory per session). */
size_t session_admin_slot_bytes(void);

#endif
