/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CLIENT_CONFIG_H
#define IPHTTPS_CLIENT_CONFIG_H

/*
 * iphttps-client's YAML file (deploy/iphttps-client.yaml shows every key),
 * read with the appliance's own schema walker (conf/config_yaml.c), so
 * errors read the same: file:line:col and what is wrong, all of them in one
 * run. Paths in it are relative to the file. Command-line options override
 * what the file says (iphttps_client.c applies the file first).
 */

#include <stdbool.h>
#include <stdint.h>

#include "appliance_config.h" /* CONFIG_PATH_MAX_BYTES, struct config_errors */

enum client_tls_version { CLIENT_TLS_1_2 = 12, CLIENT_TLS_1_3 = 13 };

struct client_config {
	char server[256];
	uint16_t port;
	char server_name[256];
	char uri[256];
	char ca[CONFIG_PATH_MAX_BYTES];
	char certificate[CONFIG_PATH_MAX_BYTES];
	char private_key[CONFIG_PATH_MAX_BYTES];
	char tun[16];
	uint32_t mtu;
	uint32_t connect_timeout_ms;
	char status_file[CONFIG_PATH_MAX_BYTES];
	bool dns_routing_only; /* the RA's domains only route names to its servers (client/resolved_dns.h) */
	struct {
		int max_version; /* enum client_tls_version */
		char ciphers[512];
		bool offer_null;
		bool plain_http;
	} tls;
	struct {
		uint32_t idle_s;     /* 0: no liveness probes (client/link_liveness.h) */
		uint32_t interval_s;
		uint32_t probes;
	} liveness;
	struct {
		bool direct;
		char http[512];   /* http://[user:password@]host[:port] */
		char socks5[512]; /* socks5://[user:password@]host[:port] */
	} proxies;
};

/** The defaults: what an empty file (or no file) means. */
void client_config_defaults(struct client_config *c);

/**
 * Load path into *c over the defaults. @return 0, or -1 with every problem
 * in *errors, in file order ("file:line:col: message").
 */
int client_config_load(const char *path, struct client_config *c, struct config_errors *errors);

#endif
