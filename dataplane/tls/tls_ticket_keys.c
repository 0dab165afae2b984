/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_ticket_keys.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

struct ticket_key {
	unsigned char name[16]; /* sent in the clear in the ticket: which key sealed it */
	unsigned char aes[32];  /* AES-256-CBC */
	unsigned char hmac[32]; /* HMAC-SHA256 */
};

/* keys[0] seals and opens; the others only open. */
struct ticket_key_set {
	struct ticket_key keys[TLS_TICKET_KEYS_MAX];
	unsigned int count;
};

static struct ticket_key_set sets[2];
static uint32_t active; /* __atomic: the set in use */

static int draw(struct ticket_key *k)
{
	return RAND_bytes((unsigned char *)k, sizeof(*k)) == 1 ? 0 : -1;
}

/* The set not in use, to be filled and then published. */
static struct ticket_key_set *spare(void)
{
	return &sets[!__atomic_load_n(&active, __ATOMIC_ACQUIRE)];
}

static void publish(struct ticket_key_set *s)
{
	__atomic_store_n(&active, (uint32_t)(s - sets), __ATOMIC_RELEASE);
}

int tls_ticket_keys_init(void)
{
	struct ticket_key_set *s = spare();

	s->count = 1;
	if (draw(&s->keys[0]) != 0)
		return -1;
	publish(s);
	return 0;
}

int tls_ticket_keys_rotate(void)
{
	const struct ticket_key_set *now = &sets[__atomic_load_n(&active, __ATOMIC_ACQUIRE)];
	struct ticket_key_set *s = spare();

	if (draw(&s->keys[0]) != 0)
		return -1;
	s->keys[1] = now->keys[0]; /* the sealing key of a moment ago still opens what it sealed */
	s->count = 2;
	publish(s);
	return 0;
}

int tls_ticket_keys_forget(void)
{
	struct ticket_key_set *s = spare();

	if (draw(&s->keys[0]) != 0)
		return -1;
	s->count = 1;
	publish(s);
	return 0;
}

int tls_ticket_keys_set(const unsigned char previous[TLS_TICKET_KEY_BYTES],
			const unsigned char current[TLS_TICKET_KEY_BYTES], const unsigned char next[TLS_TICKET_KEY_BYTES])
{
	struct ticket_key_set *s = spare();

	_Static_assert(sizeof(struct ticket_key) == TLS_TICKET_KEY_BYTES, "a key is 80 bytes");
	memcpy(&s->keys[0], current, TLS_TICKET_KEY_BYTES);
	memcpy(&s->keys[1], previous, TLS_TICKET_KEY_BYTES);
	memcpy(&s->keys[2], next, TLS_TICKET_KEY_BYTES);
	s->count = 3;
	publish(s);
	return 0;
}

void tls_ticket_keys_current_name(unsigned char name[16])
{
	memcpy(name, sets[__atomic_load_n(&active, __ATOMIC_ACQUIRE)].keys[0].name, 16);
}

static int set_hmac_key(EVP_MAC_CTX *hctx, unsigned char *key)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key, 32),
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	return EVP_MAC_CTX_set_params(hctx, params);
}

/* OpenSSL's ticket callback: 1 = sealed or opened with the sealing key,
 * 2 = opened with another (issue a fresh ticket), 0 = unknown key (a full
 * handshake), -1 = error. */
static int ticket_cb(SSL *ssl, unsigned char name[16], unsigned char iv[EVP_MAX_IV_LENGTH], EVP_CIPHER_CTX *cctx,
		     EVP_MAC_CTX *hctx, int enc)
{
	struct ticket_key_set *s = &sets[__atomic_load_n(&active, __ATOMIC_ACQUIRE)];
	struct ticket_key *k = &s->keys[0];

	(void)ssl;
	if (enc) {
		if (RAND_bytes(iv, 16) != 1)
			return -1;
		memcpy(name, k->name, 16);
		if (EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1 || set_hmac_key(hctx, k->hmac) != 1)
			return -1;
		return 1;
	}
	for (unsigned int i = 0; i < s->count; i++) {
		k = &s->keys[i];
		if (CRYPTO_memcmp(name, k->name, 16) != 0)
			continue;
		if (set_hmac_key(hctx, k->hmac) != 1 ||
		    EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1)
			return -1;
		return i == 0 ? 1 : 2;
	}
	return 0;
}

int tls_ticket_keys_attach(SSL_CTX *ctx)
{
	return SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb) == 1 ? 0 : -1;
}
