/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A baseline for `make bench-tls`: OpenSSL's own TLS 1.3 server handshake
 * with no network at all. Client and server run in this process over a BIO
 * pair; only the server's time inside SSL_do_handshake is counted (thread
 * CPU time), with the same certificate, suite, group and ticket count as the
 * appliance. The appliance's CPU per handshake against this figure is what
 * the appliance adds around OpenSSL; against `openssl speed` it is what
 * OpenSSL's TLS machinery adds around the primitives.
 *
 * usage: tls_memory_handshake CERT KEY COUNT  → one JSON line
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	SSL_CTX *sctx, *cctx;
	int count;
	double server_s = 0;

	if (argc != 4)
		return 2;
	count = atoi(argv[3]);
	sctx = SSL_CTX_new(TLS_server_method());
	cctx = SSL_CTX_new(TLS_client_method());
	if (SSL_CTX_use_certificate_chain_file(sctx, argv[1]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(sctx, argv[2], SSL_FILETYPE_PEM) != 1)
		return 1;
	SSL_CTX_set_mode(sctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(sctx, 1);
	SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION);
	SSL_CTX_set_ciphersuites(cctx, "TLS_AES_128_GCM_SHA256");
	SSL_CTX_set1_groups_list(cctx, "X25519");
	SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
	for (int i = 0; i < count; i++) {
		SSL *s = SSL_new(sctx), *c = SSL_new(cctx);
		BIO *sb, *cb;
		int s_done = 0, c_done = 0;
		double t0;

		BIO_new_bio_pair(&sb, 0, &cb, 0);
		SSL_set_bio(s, sb, sb);
		SSL_set_bio(c, cb, cb);
		SSL_set_accept_state(s);
		SSL_set_connect_state(c);
		for (int round = 0; round < 20 && !(s_done && c_done); round++) {
			if (!c_done)
				c_done = SSL_do_handshake(c) == 1;
			t0 = thread_cpu_s();
			if (!s_done)
				s_done = SSL_do_handshake(s) == 1;
			server_s += thread_cpu_s() - t0;
		}
		if (!s_done || !c_done) {
			fprintf(stderr, "handshake %d failed\n", i);
			ERR_print_errors_fp(stderr);
			return 1;
		}
		t0 = thread_cpu_s();
		SSL_free(s); /* freeing is part of a connection's cost on the server */
		server_s += thread_cpu_s() - t0;
		SSL_free(c);
	}
	printf("{\"handshakes\": %d, \"server_us_per_handshake\": %.1f}\n", count, server_s / count * 1e6);
	return 0;
}
