/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CLIENT_OPTIONS_H
#define IPHTTPS_CLIENT_OPTIONS_H

/*
 * What iphttps-client is asked to do: its command line, over the YAML file
 * it names (client_config.h), with the web proxy the environment names
 * (https_proxy) when none is configured. One struct the rest of the client
 * reads; parsed once at start.
 */

#include "link_liveness.h"
#include "server_connect.h"

struct options {
	const char *server;      /* host name or address to connect to */
	const char *port;
	const char *server_name; /* the name the certificate must carry; default: server */
	const char *ca_file;
	const char *cert_file, *key_file;
	const char *tun_name;
	const char *uri;
	const char *ciphers;     /* TLS 1.2 suites, OpenSSL names */
	int offer_null;          /* offer the NULL suites after the encrypted ones, as Windows 8+ does */
	int plain_http;          /* no TLS: a server behind a TLS-offloading front */
	int check;               /* read the config, set up TLS, say what would be done, and exit */
	int kernel_slaac;        /* leave RAs to the kernel (tests that set accept_ra themselves) */
	const char *first_iid;   /* tests only: the first interface identifier SLAAC tries */
	int no_tun_offload;      /* one packet per TUN read and write (no virtio-net header, no GSO) */
	int dns_routing_only;    /* the RA's domains route names to its servers, are not searched */
	int tls_max_12;
	unsigned int mtu;
	double seconds;          /* 0: until SIGTERM */
	int once;                /* one attempt, no reconnect: exit 1 if the link never came up */
	double schedule_scale;   /* tests only: the reconnect schedule runs this many times faster */
	const char *status_file; /* where `status` finds us: /run/iphttps-client/TUN.json */
	char status_path[256];
	struct server_connect_config reach; /* the ways to the server: direct, web proxy, SOCKS5 */
	unsigned int way;        /* the way that worked last: tried first */
	struct link_liveness_config liveness;
};

/**
 * Fill o from argv (and the --config file). Prints the usage or version and
 * exits for --help and --version. @return 0, or -1 with the problem said on stderr.
 */
int client_options_parse(int argc, char **argv, struct options *o);

#endif
