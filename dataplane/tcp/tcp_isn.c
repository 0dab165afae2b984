/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Keyed sequence numbers.
 *
 * ISNs follow RFC 6528: ISN = M + F(4-tuple, secret), M a 4 µs clock and F
 * SipHash-2-4 (OpenSSL's EVP_MAC), so an off-path attacker cannot predict
 * them and a reused 4-tuple still gets a larger ISN than before.
 *
 * SYN cookies (RFC 4987 3.6) let a worker answer a SYN without keeping
 * state when too many connections are half-open. The cookie is the ISN:
 *   bits 31-27  t, a 64-second counter (mod 32): a cookie lives 64-128 s
 *   bits 26-24  index of the MSS in tcp_syncookie_mss
 *   bits 23-0   F'(4-tuple, peer ISN, t, MSS index) under a second secret:
 *               the MSS bits are covered too, so a forged ACK cannot pick them
 * Window scale and SACK ride in the low bits of our TSval when the peer
 * uses timestamps (tcp_input.c), as Linux does; without, they are lost.
 *
 * The secrets are drawn once at start-up and shared read-only by the
 * workers; each lcore has its own MAC context (no lock, no allocation per
 * SYN after the first).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <rte_lcore.h>

#include "log.h"
#include "tcp_conn.h"

const uint16_t tcp_syncookie_mss[8] = { 536, 1220, 1300, 1360, 1400, 1440, 1452, 1460 };

static uint8_t isn_secret[16], cookie_secret[16];
static EVP_MAC *siphash;
static EVP_MAC_CTX *isn_ctx[RTE_MAX_LCORE], *cookie_ctx[RTE_MAX_LCORE];

static EVP_MAC_CTX *mac_new(const uint8_t *secret)
{
	size_t size = 8;
	OSSL_PARAM params[] = { OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size), OSSL_PARAM_END };
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(siphash);

	if (ctx && EVP_MAC_init(ctx, secret, 16, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* Every context is made here, at start-up, for every lcore: a SYN never
 * allocates, and nothing a packet does can fail to find its context. */
int tcp_secrets_init(void)
{
	unsigned int lcore;

	if (RAND_bytes(isn_secret, sizeof(isn_secret)) != 1 || RAND_bytes(cookie_secret, sizeof(cookie_secret)) != 1) {
		log_error("cannot draw TCP secrets from OpenSSL's RAND");
		return -1;
	}
	if (!siphash)
		siphash = EVP_MAC_fetch(NULL, "SIPHASH", NULL);
	if (!siphash) {
		log_error("OpenSSL has no SIPHASH MAC");
		return -1;
	}
	RTE_LCORE_FOREACH(lcore) {
		EVP_MAC_CTX_free(isn_ctx[lcore]);
		EVP_MAC_CTX_free(cookie_ctx[lcore]);
		isn_ctx[lcore] = mac_new(isn_secret);
		cookie_ctx[lcore] = mac_new(cookie_secret);
		if (!isn_ctx[lcore] || !cookie_ctx[lcore]) {
			log_error("cannot set up SipHash for lcore %u", lcore);
			return -1;
		}
	}
	return 0;
}

static EVP_MAC_CTX *context(EVP_MAC_CTX **slot)
{
	unsigned int lcore = rte_lcore_id() == LCORE_ID_ANY ? 0 : rte_lcore_id();

	return slot[lcore];
}

static uint64_t keyed_hash(EVP_MAC_CTX **slot, const struct tcp_key *key, uint32_t extra1, uint32_t extra2)
{
	EVP_MAC_CTX *ctx = context(slot);
	uint8_t out[8];
	size_t out_len = 0;
	uint64_t v;
	uint32_t extra[2] = { extra1, extra2 };

	/* init with no key keeps the key set at start-up and restarts the MAC.
	 * SipHash over memory cannot fail once its context exists; if it ever
	 * did, the ISN falls back to the clock alone: weaker, never an exit. */
	if (!ctx || EVP_MAC_init(ctx, NULL, 0, NULL) != 1 || EVP_MAC_update(ctx, (const uint8_t *)key, sizeof(*key)) != 1 ||
	    EVP_MAC_update(ctx, (const uint8_t *)extra, sizeof(extra)) != 1 ||
	    EVP_MAC_final(ctx, out, &out_len, sizeof(out)) != 1)
		return 0;
	memcpy(&v, out, sizeof(v));
	return v;
}

uint32_t tcp_isn(const struct tcp_key *key, uint64_t now_us)
{
	return (uint32_t)(now_us / 4) + (uint32_t)keyed_hash(isn_ctx, key, 0, 0);
}

static uint32_t cookie_hash(const struct tcp_key *key, uint32_t peer_isn, uint32_t t, unsigned int mss_index)
{
	return (uint32_t)keyed_hash(cookie_ctx, key, peer_isn, t << 3 | (mss_index & 7)) & 0xffffff;
}

uint32_t tcp_syncookie_make(const struct tcp_key *key, uint32_t peer_isn, unsigned int mss_index, uint64_t now_ms)
{
	uint32_t t = (uint32_t)(now_ms / TCP_SYNCOOKIE_PERIOD_MS);

	return (t & 31) << 27 | (mss_index & 7) << 24 | cookie_hash(key, peer_isn, t, mss_index);
}

int tcp_syncookie_check(const struct tcp_key *key, uint32_t peer_isn, uint32_t cookie, uint64_t now_ms,
			unsigned int *mss_index)
{
	uint32_t now_t = (uint32_t)(now_ms / TCP_SYNCOOKIE_PERIOD_MS);

	for (uint32_t age = 0; age < 2; age++) {
		uint32_t t = now_t - age;

		if ((cookie >> 27) != (t & 31))
			continue;
		if ((cookie & 0xffffff) != cookie_hash(key, peer_isn, t, (cookie >> 24) & 7))
			return -1;
		*mss_index = (cookie >> 24) & 7;
		return 0;
	}
	return -1;
}
