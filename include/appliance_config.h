/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CONFIG_H
#define IPHTTPS_CONFIG_H

/*
 * The appliance's typed configuration: one flat struct (no pointers) that the
 * loader fills from YAML and the control plane publishes read-only to the
 * workers. Shared by iphttpsd and iphttpsctl (which validates with `check`).
 */

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "appliance_limits.h"

struct config_ipv4_prefix {
	struct in_addr addr;
	uint8_t len;
};

struct config_ipv6_prefix {
	struct in6_addr addr;
	uint8_t len;
};

struct config_route6 {
	struct config_ipv6_prefix prefix;
	struct in6_addr via;
};

enum config_port_role { CONFIG_PORT_EXTERNAL, CONFIG_PORT_INTERNAL, CONFIG_PORT_COUNT };

struct config_port {
	bool present;
	/* A DPDK vdev string ("net_af_xdp0,iface=gw-ext") or a PCI address. */
	char device[CONFIG_DEVICE_MAX_BYTES];
	uint32_t mtu;
	uint32_t rx_descriptors;
	uint32_t tx_descriptors;
	bool has_ipv4;
	struct config_ipv4_prefix ipv4;
	bool has_ipv4_gateway;
	struct in_addr ipv4_gateway;
	unsigned int ipv6_count;
	struct config_ipv6_prefix ipv6[CONFIG_MAX_ADDRESSES_PER_PORT];
	bool has_ipv6_gateway;
	struct in6_addr ipv6_gateway;
	unsigned int route_count;
	struct config_route6 routes[CONFIG_MAX_ROUTES_PER_PORT];
	/* Addresses served here that routers route to the port (an anycast
	 * service address announced by BGP from several appliances): accepted
	 * as a destination, never claimed on the segment by ARP or ND. Each a
	 * whole address, IPv4 held v4-mapped (/128). */
	unsigned int service_address_count;
	struct config_ipv6_prefix service_addresses[CONFIG_MAX_SERVICE_ADDRESSES_PER_PORT];
};

enum config_listener_protocol { CONFIG_LISTENER_HTTPS, CONFIG_LISTENER_HTTP };
enum config_proxy_protocol {
	CONFIG_PROXY_NONE,
	CONFIG_PROXY_V1,
	CONFIG_PROXY_V2,
	CONFIG_PROXY_ANY, /* v1 or v2, detected from the first bytes */
};

struct config_listener {
	enum config_listener_protocol protocol;
	uint16_t port;
	enum config_proxy_protocol proxy_protocol;
	/* Who may send the PROXY header: the balancers' prefixes (IPv4 held
	 * v4-mapped), required with proxy_protocol. Anyone else is refused. */
	unsigned int trusted_proxy_count;
	struct config_ipv6_prefix trusted_proxies[CONFIG_MAX_TRUSTED_PROXIES];
};

/* [MS-IPHTTPS] §3.2.1 Authentication Mode. */
enum config_auth_mode { CONFIG_AUTH_CERTIFICATES, CONFIG_AUTH_NONE };

enum config_tls_version {
	CONFIG_TLS_1_0 = 0x0301,
	CONFIG_TLS_1_1 = 0x0302,
	CONFIG_TLS_1_2 = 0x0303,
	CONFIG_TLS_1_3 = 0x0304,
};

struct config_tls {
	char certificate[CONFIG_PATH_MAX_BYTES];
	char private_key[CONFIG_PATH_MAX_BYTES];
	char client_ca[CONFIG_PATH_MAX_BYTES]; /* required in certificates mode */
	char client_crl[CONFIG_PATH_MAX_BYTES]; /* optional */
	char ocsp_response[CONFIG_PATH_MAX_BYTES]; /* optional: DER, stapled (tls_ocsp_staple.h) */
	char ticket_keys_file[CONFIG_PATH_MAX_BYTES]; /* optional: the operator's ticket keys (conf/ticket_key_file.h) */
	enum config_tls_version min_version;
	enum config_tls_version max_version;
	char ciphers[CONFIG_CIPHERS_MAX_BYTES];      /* TLS <= 1.2, OpenSSL syntax */
	char ciphersuites[CONFIG_CIPHERS_MAX_BYTES]; /* TLS 1.3 */
	/* Admit TLS_RSA_WITH_NULL_SHA256/_SHA (Windows 8+ DirectAccess, inner
	 * traffic already IPsec-protected). Off unless the operator says so. */
	bool null_encryption;
};

struct config_iphttps {
	char uri[CONFIG_URI_MAX_BYTES]; /* path, matched without regard to case */
	enum config_auth_mode authentication;
	struct config_ipv6_prefix client_prefix; /* a /64 */
	uint32_t link_mtu;
	uint32_t addresses_per_client; /* the Neighbor Cache's cap per client (a restart: it sizes the index) */
	uint32_t address_idle_timeout_s; /* a client address unused this long leaves the Neighbor Cache */
	uint32_t address_grace_s; /* a gone client's addresses are held for it this long (0: not held) */
	char server_header[CONFIG_NAME_MAX_BYTES];
	/* What the RAs carry (link_ra_options.h); live on reload. */
	unsigned int dns_server_count;
	struct in6_addr dns_servers[IPHTTPS_MAX_DNS_SERVERS];
	unsigned int dns_search_count;
	char dns_search[IPHTTPS_MAX_DNS_SEARCH][IPHTTPS_DNS_NAME_MAX_BYTES]; /* no trailing dot */
	/* A split tunnel: none (the default) makes the appliance the clients'
	 * default router; any makes the router lifetime 0 and advertises each. */
	unsigned int client_route_count;
	struct config_ipv6_prefix client_routes[IPHTTPS_MAX_CLIENT_ROUTES];
};

/* limits.sessions_per_subject_action: a subject's session beyond its limit. */
enum config_subject_action {
	CONFIG_SUBJECT_REPLACE_OLDEST, /* ends the subject's oldest session (the default) */
	CONFIG_SUBJECT_REFUSE,         /* is refused (503) */
};

struct config_limits {
	uint32_t max_clients;
	uint32_t max_connections_per_worker;
	uint32_t max_connections_per_source;
	uint32_t tcp_send_queue_bytes;     /* a send queue's cap to start with */
	uint32_t tcp_send_queue_max_bytes; /* what it may grow to with the congestion window */
	uint32_t tcp_recv_queue_bytes;     /* the receive window's cap to start with */
	uint32_t tcp_recv_queue_max_bytes; /* what it may grow to while the peer fills it */
	uint32_t syn_cookie_threshold; /* half-open connections per worker */
	uint32_t full_handshakes_per_second; /* per worker; 0 = unbounded (tls_admission.h) */
	uint32_t session_up_kbit_per_second;   /* each session's packets from the client; 0 = unlimited (link_rate.h) */
	uint32_t session_down_kbit_per_second; /* and forwarded to it */
	uint32_t sessions_per_subject; /* a client certificate subject's sessions at once; 0 = no limit (subject_sessions.h) */
	enum config_subject_action sessions_per_subject_action; /* what a session beyond it does */
	uint32_t tls_handshake_timeout_ms;
	uint32_t http_request_timeout_ms;
	uint32_t idle_session_timeout_s;
};

struct config_eal {
	unsigned int main_lcore;
	unsigned int worker_count;
	unsigned int worker_lcores[CONFIG_MAX_WORKERS];
	uint32_t memory_mb;
	bool hugepages;
	char file_prefix[CONFIG_NAME_MAX_BYTES];
	uint32_t mbufs;
	unsigned int extra_arg_count;
	char extra_args[CONFIG_MAX_EAL_ARGS][CONFIG_NAME_MAX_BYTES];
};

struct config_workers {
	uint32_t idle_sleep_us;
};

struct config_tcp_services {
	uint16_t echo_port;    /* 0 = off */
	uint16_t discard_port; /* 0 = off */
};

enum config_log_level { CONFIG_LOG_ERROR, CONFIG_LOG_WARNING, CONFIG_LOG_INFO, CONFIG_LOG_DEBUG };

struct config_control {
	char socket[CONFIG_PATH_MAX_BYTES];
	uint32_t socket_mode;
	char socket_group[CONFIG_NAME_MAX_BYTES];
	/* The management HTTP endpoint, "ADDR:PORT" or "[ADDR]:PORT" (empty: off):
	 * /metrics (Prometheus text) and /health (for load balancers). On the
	 * host's own stack, served by the main lcore. */
	char http_listen[CONFIG_NAME_MAX_BYTES];
	/* One JSON line per ended session (empty: off); reopened on every reload (log rotation). */
	char accounting_file[CONFIG_PATH_MAX_BYTES];
	/* A stop (SIGTERM, systemctl stop) drains first for this long (0: not):
	 * /health says draining and no new client is taken, so a balancer's
	 * health check sends them elsewhere before anyone is disconnected. */
	uint32_t stop_drain_s;
};

struct iphttps_config {
	char source_file[CONFIG_PATH_MAX_BYTES];
	struct config_eal eal;
	struct config_workers workers;
	struct config_port ports[CONFIG_PORT_COUNT];
	unsigned int listener_count;
	struct config_listener listeners[CONFIG_MAX_LISTENERS];
	struct config_iphttps iphttps;
	struct config_tls tls;
	struct config_limits limits;
	struct config_tcp_services tcp_services;
	struct config_control control;
	enum config_log_level log_level;
};

/* One error: where it is (1-based) and "file:line:col: message". */
struct config_error {
	unsigned int line, column;
	unsigned int order; /* found n-th: keeps errors at one position in schema order */
	char message[320];
};

/* Errors from one load, sorted by position in the file. */
struct config_errors {
	unsigned int count;
	unsigned int dropped; /* errors past CONFIG_MAX_ERRORS, counted only */
	struct config_error error[CONFIG_MAX_ERRORS];
};

/**
 * Load and validate a YAML config file.
 *
 * Every problem in the file is reported, not just the first: the loader goes
 * on after an error so an operator fixes a file in one round.
 *
 * @param path   the file to read; relative paths inside it (TLS files) are
 *               taken relative to the file's own directory.
 * @param config filled with defaults, then with the file's values.
 * @param errors receives every error; count is 0 on success.
 * @return 0 when the file is valid, -1 otherwise.
 */
int config_load(const char *path, struct iphttps_config *config, struct config_errors *errors);

/**
 * A warning about a valid config that an operator should still know of, or
 * NULL: tls.min_version below "1.2", which is for legacy clients (Windows 7)
 * only. `iphttpsctl check` prints it; iphttpsd logs it when it starts.
 */
const char *config_warning(const struct iphttps_config *config);

/** Fill a config with every default (what an empty file yields). */
void config_set_defaults(struct iphttps_config *config);

/**
 * Parse "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6) into *addr.
 * @return 0, or -1 when it is not one.
 */
struct sockaddr_storage;
int config_parse_listen(const char *text, struct sockaddr_storage *addr);

/* Names both the datapath and the control plane print: here, so the datapath
 * links no control/ object. */
static inline const char *config_auth_mode_name(enum config_auth_mode mode)
{
	return mode == CONFIG_AUTH_CERTIFICATES ? "certificates" : "none";
}

/* Whether any listener is https: then a TLS context is built (start-up and reload). */
static inline bool config_has_https_listener(const struct iphttps_config *config)
{
	for (unsigned int i = 0; i < config->listener_count; i++)
		if (config->listeners[i].protocol == CONFIG_LISTENER_HTTPS)
			return true;
	return false;
}

/* A search domain's length in DNS wire format (RFC 1035 3.1: a length byte
 * before each label, a zero byte after the last), as the DNSSL carries it. */
static inline unsigned int config_dns_name_wire_bytes(const char *name)
{
	unsigned int n = 0;

	while (name[n])
		n++;
	return n + 2;
}

/* A Route Information option's bytes (RFC 4191 2.3): 8, and the prefix in 0, 8 or 16 bytes as its length needs. */
static inline unsigned int config_route_information_bytes(const struct config_ipv6_prefix *route)
{
	return 8 + (route->len + 63u) / 64 * 8;
}

/* The bytes of the link's Router Advertisement (ICMPv6 header and options,
 * without the IPv6 header): the RA header, Prefix Information, MTU, then an
 * RDNSS, a DNSSL and a Route Information option per route when the config
 * has them (dataplane/link/link_ra_options.c writes exactly this). */
static inline unsigned int config_ra_bytes(const struct config_iphttps *link)
{
	unsigned int bytes = 16 + 32 + 8, dnssl = 0;

	if (link->dns_server_count)
		bytes += 8 + 16 * link->dns_server_count;
	for (unsigned int i = 0; i < link->dns_search_count; i++)
		dnssl += config_dns_name_wire_bytes(link->dns_search[i]);
	if (dnssl)
		bytes += 8 + (dnssl + 7) / 8 * 8;
	for (unsigned int i = 0; i < link->client_route_count; i++)
		bytes += config_route_information_bytes(&link->client_routes[i]);
	return bytes;
}

static inline const char *config_port_role_name(enum config_port_role role)
{
	return role == CONFIG_PORT_EXTERNAL ? "external" : "internal";
}

#endif
