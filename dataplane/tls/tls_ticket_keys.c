/* SPDX-License-Identifier: BSD-3-Clause */
#include "tls_ticket_keys.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

struct ticket_key {
	unsigned char name[16]; /* sent in the clear in the ticket: which key sealed it */
	unsigned char aes[32];  /* AES-256-CBC */
	unsigned char hmac[32]; /* HMAC-SHA256 */
};

static struct ticket_key keys[3];
static uint32_t current;        /* __atomic: index of the sealing key */
static bool have_previous;      /* __atomic: keys[(current + 2) % 3] still opens tickets */

static int draw(struct ticket_key *k)
{
	return RAND_bytes(k->name, sizeof(k->name)) == 1 && RAND_bytes(k->aes, sizeof(k->aes)) == 1 &&
			       RAND_bytes(k->hmac, sizeof(k->hmac)) == 1
		       ? 0
		       : -1;
}

int tls_ticket_keys_init(void)
{
	__atomic_store_n(&have_previous, false, __ATOMIC_RELEASE);
	__atomic_store_n(&current, 0, __ATOMIC_RELEASE);
	return draw(&keys[0]);
}

int tls_ticket_keys_rotate(void)
{
	uint32_t next = (__atomic_load_n(&current, __ATOMIC_ACQUIRE) + 1) % 3;

	if (draw(&keys[next]) != 0)
		return -1;
	__atomic_store_n(&current, next, __ATOMIC_RELEASE);
	__atomic_store_n(&have_previous, true, __ATOMIC_RELEASE);
	return 0;
}

int tls_ticket_keys_forget(void)
{
	/* Two new keys: the one in use until now is neither current nor previous. */
	return tls_ticket_keys_rotate() == 0 && tls_ticket_keys_rotate() == 0 ? 0 : -1;
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

/* OpenSSL's ticket callback: 1 = sealed or opened with the current key,
 * 2 = opened with the previous one (issue a fresh ticket), 0 = unknown key
 * (a full handshake), -1 = error. */
static int ticket_cb(SSL *ssl, unsigned char name[16], unsigned char iv[EVP_MAX_IV_LENGTH], EVP_CIPHER_CTX *cctx,
		     EVP_MAC_CTX *hctx, int enc)
{
	uint32_t now = __atomic_load_n(&current, __ATOMIC_ACQUIRE);
	struct ticket_key *k = &keys[now];

	(void)ssl;
	if (enc) {
		if (RAND_bytes(iv, 16) != 1)
			return -1;
		memcpy(name, k->name, 16);
		if (EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1 || set_hmac_key(hctx, k->hmac) != 1)
			return -1;
		return 1;
	}
	if (memcmp(name, k->name, 16) != 0) {
		k = &keys[(now + 2) % 3];
		if (!__atomic_load_n(&have_previous, __ATOMIC_ACQUIRE) || memcmp(name, k->name, 16) != 0)
			return 0;
	}
	if (set_hmac_key(hctx, k->hmac) != 1 || EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1)
		return -1;
	return k == &keys[now] ? 1 : 2;
}

int tls_ticket_keys_attach(SSL_CTX *ctx)
{
	return SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb) == 1 ? 0 : -1;
}
