/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_ADDRESS_HOLD_H
#define IPHTTPS_ADDRESS_HOLD_H

/*
 * Addresses kept for their previous owner. When a session ends, the
 * addresses its client held (in the prefix: link-local ones are not held)
 * leave the client index at once (RFC 4861's
 * router forgets a neighbor whose link went), but a client that reconnects
 * a few seconds later (its prompt retry, [MS-IPHTTPS] 3.1.5.4) keeps using
 * them: its TCP connections to the intranet live on. So each is held for
 * iphttps.address_grace_s: during that time only the same owner may bind it
 * again; anyone else's DAD is answered as for a taken address, and its
 * packets from it are dropped as spoofed.
 *
 * The owner is what the appliance knows of a client across connections:
 * its certificate's subject (session_owner_key, 64 bits of SHA-256). So
 * holds are made in certificates mode only: in mode none nothing identifies
 * a client across connections (a laptop that roams comes back from another
 * outer address), and a hold by outer address would take exactly a roaming
 * client's address away from it.
 *
 * One table for every worker (a client may reconnect to any), with a
 * spinlock: it is touched when a session ends and when a client binds an
 * address it does not have yet, never per packet. Bounded: a hold is a
 * courtesy, so when the table is full the address is simply not held
 * (counted); expired holds are swept a chunk at a time by worker 0.
 */

#include <stdint.h>
#include <netinet/in.h>

/** Create the table for up to capacity holds (start-up). @return 0, or -1 (rte_errno set). */
int address_hold_create(uint32_t capacity);

/** Destroy it (every worker stopped). */
void address_hold_destroy(void);

/** Hold addr for owner until until_ms (worker clock). @return 0, or -1 when the table is full. */
int address_hold_put(const struct in6_addr *addr, uint64_t owner, uint64_t until_ms);

enum address_hold_verdict {
	ADDRESS_HOLD_NONE,     /* not held (or the hold ran out): anyone may bind it */
	ADDRESS_HOLD_RETURNED, /* held for this owner: the hold ends, the owner binds it again */
	ADDRESS_HOLD_OTHER,    /* held for another owner: refuse */
};

/** Whether owner may bind addr at now_ms. */
enum address_hold_verdict address_hold_claim(const struct in6_addr *addr, uint64_t owner, uint64_t now_ms);

/** Drop up to budget expired holds, resuming where the last call stopped. @return holds dropped. */
unsigned int address_hold_sweep(uint64_t now_ms, unsigned int budget);

/** Drop every hold (tests; none is in use elsewhere). */
void address_hold_clear(void);

/** Holds in the table. */
uint32_t address_hold_count(void);

#endif
