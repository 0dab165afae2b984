/* SPDX-License-Identifier: BSD-3-Clause */
#include "client_options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_config.h"
#include "proxy_url.h"
#include "version.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: iphttps-client [SERVER] [options]       bring up the link (docs/CLIENT.md)\n"
		"       iphttps-client status [--tun NAME | --status-file PATH] [--json]\n"
		"\n"
		"  --config FILE         YAML (deploy/iphttps-client.yaml); the options below override it\n"
		"  --check               read the configuration and TLS files, say what would be done, exit\n"
		"server:\n"
		"  SERVER                the IP-HTTPS server's name or address (or `server:` in the file)\n"
		"  --port N              443\n"
		"  --server-name NAME    the name its certificate must carry (default: SERVER)\n"
		"  --uri PATH            /IPHTTPS\n"
		"  --ca FILE             the CA that signed its certificate (required)\n"
		"  --cert FILE [--key FILE]   a client certificate, when the server asks for one\n"
		"transport:\n"
		"  --tls-max 1.2|1.3     1.3;  --ciphers LIST   TLS 1.2 suites, OpenSSL names\n"
		"  --offer-null          offer the NULL suites after the encrypted ones, as Windows 8+ does\n"
		"  --plain-http          no TLS: only for a server behind a TLS-offloading front\n"
		"ways to the server (tried in this order, from the one that worked last):\n"
		"  direct                unless --no-direct\n"
		"  --proxy http://[user:password@]host[:port]     a web proxy (CONNECT; Basic or Digest);\n"
		"                        without it, https_proxy (or HTTPS_PROXY) names one\n"
		"  --proxy socks5://[user:password@]host[:port]   SOCKS5\n"
		"  --connect-timeout S   each connect and each proxy's answer (10)\n"
		"link:\n"
		"  --tun NAME            iphttps0;  --mtu N   1280\n"
		"  --kernel-slaac        leave RAs to the kernel instead of configuring the address itself\n"
		"  --no-tun-offload      one packet per TUN read and write (no TSO split, no GSO joining)\n"
		"  --dns-routing-only    the RA's search domains only send names under them to its DNS\n"
		"                        servers (systemd-resolved's ~domain), and are not searched\n"
		"  --liveness IDLE:INTERVAL:PROBES | off   probe the router after IDLE s of silence, every\n"
		"                        INTERVAL s; the link is lost after PROBES unanswered (10:5:3)\n"
		"  --status-file PATH    /run/iphttps-client/TUN.json, what `status` reads\n"
		"  --seconds S           stop after S seconds;  --once   one attempt, exit 1 if it failed\n"
		"  --version             print the version and exit\n");
}

/* The proxies named so far: at most one web proxy and one SOCKS5 server, the later naming winning. */
struct proxies_named {
	struct proxy_url http, socks;
	int have_http, have_socks;
};

/* A proxy URL from source (--proxy, https_proxy, the file) into the slot its scheme says. @return 0 or -1 (said). */
static int name_proxy(struct proxies_named *p, const char *source, const char *text)
{
	struct proxy_url u;
	const char *err = proxy_url_parse(text, &u);

	if (err != NULL) {
		fprintf(stderr, "iphttps-client: %s \"%s\": %s\n", source, text, err);
		return -1;
	}
	if (u.kind == PROXY_SOCKS5)
		p->socks = u, p->have_socks = 1;
	else
		p->http = u, p->have_http = 1;
	return 0;
}

int client_options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{"ca", required_argument, NULL, 'a'},      {"port", required_argument, NULL, 'p'},
		{"server-name", required_argument, NULL, 'n'}, {"tun", required_argument, NULL, 't'},
		{"uri", required_argument, NULL, 'u'},     {"cert", required_argument, NULL, 'c'},
		{"key", required_argument, NULL, 'k'},     {"tls-max", required_argument, NULL, 'x'},
		{"ciphers", required_argument, NULL, 'C'}, {"mtu", required_argument, NULL, 'm'},
		{"seconds", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
		{"once", no_argument, NULL, 'o'},          {"schedule-scale", required_argument, NULL, 'S'},
		{"proxy", required_argument, NULL, 'P'},   {"no-direct", no_argument, NULL, 'D'},
		{"connect-timeout", required_argument, NULL, 'T'}, {"status-file", required_argument, NULL, 'F'},
		{"offer-null", no_argument, NULL, 'N'},    {"plain-http", no_argument, NULL, 'H'},
		{"liveness", required_argument, NULL, 'V'},  {"version", no_argument, NULL, 'v'},
		{"config", required_argument, NULL, 'f'},  {"check", no_argument, NULL, 'K'},
		{"kernel-slaac", no_argument, NULL, 'L'},  {"first-interface-id", required_argument, NULL, 'I'},
		{"no-tun-offload", no_argument, NULL, 'G'}, {"dns-routing-only", no_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	static struct client_config file;
	static struct config_errors errors;
	static char port_text[8];
	struct proxies_named proxies = {0};
	int c, direct = 1;
	double connect_timeout = 10;
	const char *env, *config_path = NULL;

	*o = (struct options){.port = "443", .tun_name = "iphttps0", .uri = "/IPHTTPS", .mtu = 1280, .schedule_scale = 1,
			      .liveness = {LIVENESS_DEFAULT_IDLE_S, LIVENESS_DEFAULT_INTERVAL_S, LIVENESS_DEFAULT_PROBES}};
	/* The file first, the command line over it: find --config before the rest. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_path = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			config_path = argv[i] + 9;
	}
	if (config_path != NULL) {
		if (client_config_load(config_path, &file, &errors) != 0) {
			for (unsigned int i = 0; i < errors.count; i++)
				fprintf(stderr, "iphttps-client: %s\n", errors.error[i].message);
			if (errors.dropped)
				fprintf(stderr, "iphttps-client: and %u more\n", errors.dropped);
			return -1;
		}
		snprintf(port_text, sizeof(port_text), "%u", file.port);
		o->server = file.server;
		o->port = port_text;
		o->server_name = file.server_name[0] ? file.server_name : NULL;
		o->uri = file.uri;
		o->ca_file = file.ca;
		o->cert_file = file.certificate[0] ? file.certificate : NULL;
		o->key_file = file.private_key[0] ? file.private_key : NULL;
		o->tun_name = file.tun;
		o->mtu = file.mtu;
		o->dns_routing_only = file.dns_routing_only;
		o->status_file = file.status_file[0] ? file.status_file : NULL;
		o->tls_max_12 = file.tls.max_version == CLIENT_TLS_1_2;
		o->ciphers = file.tls.ciphers[0] ? file.tls.ciphers : NULL;
		o->offer_null = file.tls.offer_null;
		o->plain_http = file.tls.plain_http;
		connect_timeout = file.connect_timeout_ms / 1000.0;
		direct = file.proxies.direct;
		o->liveness = (struct link_liveness_config){file.liveness.idle_s, file.liveness.interval_s,
							    file.liveness.probes};
		/* Checked by the loader: each is of the kind its key says. */
		if ((file.proxies.http[0] && name_proxy(&proxies, "proxies.http", file.proxies.http) != 0) ||
		    (file.proxies.socks5[0] && name_proxy(&proxies, "proxies.socks5", file.proxies.socks5) != 0))
			return -1;
	}
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'a': o->ca_file = optarg; break;
		case 'p': o->port = optarg; break;
		case 'n': o->server_name = optarg; break;
		case 't': o->tun_name = optarg; break;
		case 'u': o->uri = optarg; break;
		case 'c': o->cert_file = optarg; break;
		case 'k': o->key_file = optarg; break;
		case 'C': o->ciphers = optarg; break;
		case 'x':
			if (strcmp(optarg, "1.2") != 0 && strcmp(optarg, "1.3") != 0) {
				fprintf(stderr, "iphttps-client: --tls-max is 1.2 or 1.3, not \"%s\"\n", optarg);
				return -1;
			}
			o->tls_max_12 = strcmp(optarg, "1.2") == 0;
			break;
		case 'm': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (*end != '\0' || v < 1280 || v > 65535) {
				fprintf(stderr, "iphttps-client: --mtu is 1280..65535, not \"%s\"\n", optarg);
				return -1;
			}
			o->mtu = (unsigned int)v;
			break;
		}
		case 's': {
			char *end;

			o->seconds = strtod(optarg, &end);
			if (*end != '\0' || o->seconds < 0) {
				fprintf(stderr, "iphttps-client: --seconds is a number of seconds, not \"%s\"\n", optarg);
				return -1;
			}
			break;
		}
		case 'o': o->once = 1; break;
		case 'V': {
			unsigned int idle, interval, probes;
			char tail;

			if (strcmp(optarg, "off") == 0) {
				o->liveness.idle_s = 0;
				break;
			}
			if (sscanf(optarg, "%u:%u:%u%c", &idle, &interval, &probes, &tail) != 3 || idle > 3600 ||
			    interval < 1 || interval > 600 || probes < 1 || probes > 100) {
				fprintf(stderr, "iphttps-client: --liveness is IDLE:INTERVAL:PROBES (0..3600:1..600:1..100) "
						"or off, not \"%s\"\n", optarg);
				return -1;
			}
			o->liveness = (struct link_liveness_config){idle, interval, probes};
			break;
		}
		case 'D': direct = 0; break;
		case 'F': o->status_file = optarg; break;
		case 'N': o->offer_null = 1; break;
		case 'H': o->plain_http = 1; break;
		case 'f': break; /* read above */
		case 'K': o->check = 1; break;
		case 'L': o->kernel_slaac = 1; break;
		case 'R': o->dns_routing_only = 1; break;
		case 'I': o->first_iid = optarg; break;
		case 'G': o->no_tun_offload = 1; break;
		case 'P':
			if (name_proxy(&proxies, "--proxy", optarg) != 0)
				return -1;
			break;
		case 'T': {
			char *end;

			connect_timeout = strtod(optarg, &end);
			if (*end != '\0' || connect_timeout < 0.1 || connect_timeout > 300) {
				fprintf(stderr, "iphttps-client: --connect-timeout is 0.1..300 seconds, not \"%s\"\n", optarg);
				return -1;
			}
			break;
		}
		case 'S': {
			char *end;

			o->schedule_scale = strtod(optarg, &end);
			if (*end != '\0' || o->schedule_scale < 1 || o->schedule_scale > 10000) {
				fprintf(stderr, "iphttps-client: --schedule-scale is 1..10000, not \"%s\"\n", optarg);
				return -1;
			}
			break;
		}
		case 'h': usage(stdout); exit(0);
		case 'v': printf("iphttps-client %s\n", iphttps_version); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc - 1 || (optind == argc && o->server == NULL) || o->ca_file == NULL) {
		usage(stderr);
		return -1;
	}
	if (optind == argc - 1)
		o->server = argv[optind];
	if (o->server_name == NULL)
		o->server_name = o->server;
	/* The web proxy the environment names, as curl and most tools take it. */
	if (!proxies.have_http && ((env = getenv("https_proxy")) != NULL || (env = getenv("HTTPS_PROXY")) != NULL) &&
	    *env && name_proxy(&proxies, "https_proxy", env) != 0)
		return -1;
	o->reach = (struct server_connect_config){.host = o->server, .port = o->port,
						  .timeout_ms = (unsigned int)(connect_timeout * 1000)};
	if (direct)
		o->reach.ways[o->reach.way_count++] = (struct server_way){.kind = WAY_DIRECT};
	if (proxies.have_http)
		o->reach.ways[o->reach.way_count++] = (struct server_way){.kind = WAY_HTTP_PROXY, .proxy = proxies.http};
	if (proxies.have_socks)
		o->reach.ways[o->reach.way_count++] = (struct server_way){.kind = WAY_SOCKS5, .proxy = proxies.socks};
	if (o->reach.way_count == 0) {
		fprintf(stderr, "iphttps-client: --no-direct and no proxy: no way to the server\n");
		return -1;
	}
	return 0;
}

