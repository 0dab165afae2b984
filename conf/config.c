/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The appliance's configuration: the schema of the YAML file, its defaults,
 * and the checks that span several keys. docs/CONFIG.md describes every key;
 * keep the two in step.
 */
#include "appliance_config.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_json.h"
#include "config_yaml.h"

#define FIELD_OF(type, member) offsetof(type, member), sizeof(((type *)0)->member)
#define UINT_FIELD(name, type, member, lo, hi)                                    \
	{ .key = name, .kind = FIELD_UINT, .offset = offsetof(type, member),      \
	  .size = sizeof(((type *)0)->member), .min = lo, .max = hi }

static const struct enum_value auth_modes[] = {
	{ "certificates", CONFIG_AUTH_CERTIFICATES },
	{ "none", CONFIG_AUTH_NONE },
	{ NULL, 0 },
};

static const struct enum_value subject_actions[] = {
	{ "replace_oldest", CONFIG_SUBJECT_REPLACE_OLDEST },
	{ "refuse", CONFIG_SUBJECT_REFUSE },
	{ NULL, 0 },
};

static const struct enum_value tls_versions[] = {
	{ "1.0", CONFIG_TLS_1_0 },
	{ "1.1", CONFIG_TLS_1_1 },
	{ "1.2", CONFIG_TLS_1_2 },
	{ "1.3", CONFIG_TLS_1_3 },
	{ NULL, 0 },
};

static const struct enum_value listener_protocols[] = {
	{ "https", CONFIG_LISTENER_HTTPS },
	{ "http", CONFIG_LISTENER_HTTP },
	{ NULL, 0 },
};

static const struct enum_value proxy_protocols[] = {
	{ "none", CONFIG_PROXY_NONE },
	{ "v1", CONFIG_PROXY_V1 },
	{ "v2", CONFIG_PROXY_V2 },
	{ "any", CONFIG_PROXY_ANY },
	{ NULL, 0 },
};

static const struct enum_value log_levels[] = {
	{ "error", CONFIG_LOG_ERROR },
	{ "warning", CONFIG_LOG_WARNING },
	{ "info", CONFIG_LOG_INFO },
	{ "debug", CONFIG_LOG_DEBUG },
	{ NULL, 0 },
};

static const struct field eal_fields[] = {
	UINT_FIELD("main_lcore", struct config_eal, main_lcore, 0, 1023),
	{ .key = "worker_lcores", .kind = FIELD_UINT_LIST, .offset = offsetof(struct config_eal, worker_lcores),
	  .size = sizeof(unsigned int), .min = 0, .max = 1023, .min_items = 1, .max_items = CONFIG_MAX_WORKERS,
	  .count_offset = offsetof(struct config_eal, worker_count) },
	UINT_FIELD("memory_mb", struct config_eal, memory_mb, EAL_MEMORY_MIN_MB, 1024 * 1024),
	{ .key = "hugepages", .kind = FIELD_BOOL, FIELD_OF(struct config_eal, hugepages) },
	{ .key = "file_prefix", .kind = FIELD_STRING, FIELD_OF(struct config_eal, file_prefix) },
	UINT_FIELD("mbufs", struct config_eal, mbufs, MBUF_POOL_MIN_COUNT, 16 * 1024 * 1024),
	{ .key = "extra_args", .kind = FIELD_STRING_LIST, .offset = offsetof(struct config_eal, extra_args),
	  .size = CONFIG_NAME_MAX_BYTES, .max_items = CONFIG_MAX_EAL_ARGS,
	  .count_offset = offsetof(struct config_eal, extra_arg_count) },
	{ 0 },
};

static const struct field worker_fields[] = {
	UINT_FIELD("idle_sleep_us", struct config_workers, idle_sleep_us, 0, WORKER_IDLE_SLEEP_MAX_US),
	{ 0 },
};

static const struct field route_fields[] = {
	{ .key = "prefix", .kind = FIELD_IPV6_NETWORK, FIELD_OF(struct config_route6, prefix), .required = 1 },
	{ .key = "via", .kind = FIELD_IPV6, FIELD_OF(struct config_route6, via), .required = 1 },
	{ 0 },
};

static const struct field port_fields[] = {
	{ .key = "device", .kind = FIELD_STRING, FIELD_OF(struct config_port, device), .required = 1 },
	UINT_FIELD("mtu", struct config_port, mtu, PORT_MTU_MIN_BYTES, PORT_MTU_MAX_BYTES),
	UINT_FIELD("rx_descriptors", struct config_port, rx_descriptors, PORT_DESCRIPTORS_MIN,
		   PORT_DESCRIPTORS_MAX),
	UINT_FIELD("tx_descriptors", struct config_port, tx_descriptors, PORT_DESCRIPTORS_MIN,
		   PORT_DESCRIPTORS_MAX),
	{ .key = "ipv4", .kind = FIELD_IPV4_PREFIX, FIELD_OF(struct config_port, ipv4),
	  .present_offset = offsetof(struct config_port, has_ipv4) },
	{ .key = "ipv4_gateway", .kind = FIELD_IPV4, FIELD_OF(struct config_port, ipv4_gateway),
	  .present_offset = offsetof(struct config_port, has_ipv4_gateway) },
	{ .key = "ipv6", .kind = FIELD_IPV6_PREFIX_LIST, .offset = offsetof(struct config_port, ipv6),
	  .size = sizeof(struct config_ipv6_prefix), .max_items = CONFIG_MAX_ADDRESSES_PER_PORT,
	  .count_offset = offsetof(struct config_port, ipv6_count) },
	{ .key = "ipv6_gateway", .kind = FIELD_IPV6, FIELD_OF(struct config_port, ipv6_gateway),
	  .present_offset = offsetof(struct config_port, has_ipv6_gateway) },
	{ .key = "service_addresses", .kind = FIELD_IP_NETWORK_LIST,
	  .offset = offsetof(struct config_port, service_addresses), .size = sizeof(struct config_ipv6_prefix),
	  .max_items = CONFIG_MAX_SERVICE_ADDRESSES_PER_PORT,
	  .count_offset = offsetof(struct config_port, service_address_count) },
	{ .key = "routes", .kind = FIELD_SECTION_LIST, .offset = offsetof(struct config_port, routes),
	  .size = sizeof(struct config_route6), .children = route_fields, .max_items = CONFIG_MAX_ROUTES_PER_PORT,
	  .count_offset = offsetof(struct config_port, route_count) },
	{ 0 },
};

static const struct field ports_fields[] = {
	{ .key = "external", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, ports[CONFIG_PORT_EXTERNAL]),
	  .children = port_fields, .required = 1,
	  .present_offset = offsetof(struct iphttps_config, ports[CONFIG_PORT_EXTERNAL].present) },
	{ .key = "internal", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, ports[CONFIG_PORT_INTERNAL]),
	  .children = port_fields, .required = 1,
	  .present_offset = offsetof(struct iphttps_config, ports[CONFIG_PORT_INTERNAL].present) },
	{ 0 },
};

static const struct field listener_fields[] = {
	{ .key = "protocol", .kind = FIELD_ENUM, FIELD_OF(struct config_listener, protocol),
	  .enum_values = listener_protocols, .required = 1 },
	{ .key = "port", .kind = FIELD_UINT, FIELD_OF(struct config_listener, port), .min = 1, .max = 65535,
	  .required = 1 },
	{ .key = "proxy_protocol", .kind = FIELD_ENUM, FIELD_OF(struct config_listener, proxy_protocol),
	  .enum_values = proxy_protocols },
	{ .key = "trusted_proxies", .kind = FIELD_IP_NETWORK_LIST,
	  .offset = offsetof(struct config_listener, trusted_proxies), .size = sizeof(struct config_ipv6_prefix),
	  .max_items = CONFIG_MAX_TRUSTED_PROXIES, .count_offset = offsetof(struct config_listener, trusted_proxy_count) },
	{ 0 },
};

static const struct field iphttps_fields[] = {
	{ .key = "uri", .kind = FIELD_STRING, FIELD_OF(struct config_iphttps, uri) },
	{ .key = "authentication", .kind = FIELD_ENUM, FIELD_OF(struct config_iphttps, authentication),
	  .enum_values = auth_modes, .required = 1 },
	{ .key = "client_prefix", .kind = FIELD_IPV6_NETWORK, FIELD_OF(struct config_iphttps, client_prefix),
	  .required = 1 },
	UINT_FIELD("link_mtu", struct config_iphttps, link_mtu, IPHTTPS_LINK_MTU_MIN_BYTES,
		   IPHTTPS_LINK_MTU_MAX_BYTES),
	UINT_FIELD("addresses_per_client", struct config_iphttps, addresses_per_client, 1,
		   IPHTTPS_ADDRESSES_PER_CLIENT_MAX),
	UINT_FIELD("address_idle_timeout_s", struct config_iphttps, address_idle_timeout_s, IPHTTPS_ADDRESS_IDLE_MIN_S,
		   IPHTTPS_ADDRESS_IDLE_MAX_S),
	UINT_FIELD("address_grace_s", struct config_iphttps, address_grace_s, 0, IPHTTPS_ADDRESS_GRACE_MAX_S),
	{ .key = "server_header", .kind = FIELD_STRING, FIELD_OF(struct config_iphttps, server_header) },
	{ .key = "dns_servers", .kind = FIELD_IPV6_LIST, .offset = offsetof(struct config_iphttps, dns_servers),
	  .size = sizeof(struct in6_addr), .max_items = IPHTTPS_MAX_DNS_SERVERS,
	  .count_offset = offsetof(struct config_iphttps, dns_server_count) },
	{ .key = "dns_search", .kind = FIELD_STRING_LIST, .offset = offsetof(struct config_iphttps, dns_search),
	  .size = IPHTTPS_DNS_NAME_MAX_BYTES, .max_items = IPHTTPS_MAX_DNS_SEARCH,
	  .count_offset = offsetof(struct config_iphttps, dns_search_count) },
	{ .key = "client_routes", .kind = FIELD_IPV6_NETWORK_LIST,
	  .offset = offsetof(struct config_iphttps, client_routes), .size = sizeof(struct config_ipv6_prefix),
	  .max_items = IPHTTPS_MAX_CLIENT_ROUTES, .count_offset = offsetof(struct config_iphttps, client_route_count) },
	{ 0 },
};

static const struct field tls_fields[] = {
	{ .key = "certificate", .kind = FIELD_READABLE_FILE, FIELD_OF(struct config_tls, certificate) },
	{ .key = "private_key", .kind = FIELD_READABLE_FILE, FIELD_OF(struct config_tls, private_key) },
	{ .key = "client_ca", .kind = FIELD_READABLE_FILE, FIELD_OF(struct config_tls, client_ca) },
	{ .key = "client_crl", .kind = FIELD_READABLE_FILE, FIELD_OF(struct config_tls, client_crl) },
	{ .key = "ocsp_response", .kind = FIELD_READABLE_FILE, FIELD_OF(struct config_tls, ocsp_response) },
	{ .key = "ticket_keys_file", .kind = FIELD_READABLE_FILE, FIELD_OF(struct config_tls, ticket_keys_file) },
	{ .key = "min_version", .kind = FIELD_ENUM, FIELD_OF(struct config_tls, min_version),
	  .enum_values = tls_versions },
	{ .key = "max_version", .kind = FIELD_ENUM, FIELD_OF(struct config_tls, max_version),
	  .enum_values = tls_versions },
	{ .key = "ciphers", .kind = FIELD_STRING, FIELD_OF(struct config_tls, ciphers) },
	{ .key = "ciphersuites", .kind = FIELD_STRING, FIELD_OF(struct config_tls, ciphersuites) },
	{ .key = "null_encryption", .kind = FIELD_BOOL, FIELD_OF(struct config_tls, null_encryption) },
	{ 0 },
};

static const struct field limits_fields[] = {
	UINT_FIELD("max_clients", struct config_limits, max_clients, 1, LIMIT_MAX_CLIENTS_MAX),
	UINT_FIELD("max_connections_per_worker", struct config_limits, max_connections_per_worker, 16,
		   16 * 1024 * 1024),
	UINT_FIELD("max_connections_per_source", struct config_limits, max_connections_per_source, 1,
		   1024 * 1024),
	UINT_FIELD("tcp_send_queue_bytes", struct config_limits, tcp_send_queue_bytes, LIMIT_QUEUE_BYTES_MIN,
		   LIMIT_QUEUE_BYTES_MAX),
	UINT_FIELD("tcp_send_queue_max_bytes", struct config_limits, tcp_send_queue_max_bytes, LIMIT_QUEUE_BYTES_MIN,
		   LIMIT_QUEUE_BYTES_MAX),
	UINT_FIELD("tcp_recv_queue_bytes", struct config_limits, tcp_recv_queue_bytes, LIMIT_QUEUE_BYTES_MIN,
		   LIMIT_QUEUE_BYTES_MAX),
	UINT_FIELD("tcp_recv_queue_max_bytes", struct config_limits, tcp_recv_queue_max_bytes, LIMIT_QUEUE_BYTES_MIN,
		   LIMIT_QUEUE_BYTES_MAX),
	UINT_FIELD("syn_cookie_threshold", struct config_limits, syn_cookie_threshold, 0, 16 * 1024 * 1024),
	UINT_FIELD("full_handshakes_per_second", struct config_limits, full_handshakes_per_second, 0,
		   LIMIT_FULL_HANDSHAKES_PER_SECOND_MAX),
	UINT_FIELD("session_up_kbit_per_second", struct config_limits, session_up_kbit_per_second, 0,
		   LIMIT_SESSION_KBIT_PER_SECOND_MAX),
	UINT_FIELD("session_down_kbit_per_second", struct config_limits, session_down_kbit_per_second, 0,
		   LIMIT_SESSION_KBIT_PER_SECOND_MAX),
	UINT_FIELD("sessions_per_subject", struct config_limits, sessions_per_subject, 0,
		   LIMIT_SESSIONS_PER_SUBJECT_MAX),
	{ .key = "sessions_per_subject_action", .kind = FIELD_ENUM,
	  FIELD_OF(struct config_limits, sessions_per_subject_action), .enum_values = subject_actions },
	UINT_FIELD("tls_handshake_timeout_ms", struct config_limits, tls_handshake_timeout_ms, TIMEOUT_MIN_MS,
		   TIMEOUT_MAX_MS),
	UINT_FIELD("http_request_timeout_ms", struct config_limits, http_request_timeout_ms, TIMEOUT_MIN_MS,
		   TIMEOUT_MAX_MS),
	UINT_FIELD("idle_session_timeout_s", struct config_limits, idle_session_timeout_s, 0, 7 * 24 * 3600),
	{ 0 },
};

static const struct field tcp_service_fields[] = {
	UINT_FIELD("echo_port", struct config_tcp_services, echo_port, 0, 65535),
	UINT_FIELD("discard_port", struct config_tcp_services, discard_port, 0, 65535),
	{ 0 },
};

static const struct field control_fields[] = {
	{ .key = "socket", .kind = FIELD_STRING, FIELD_OF(struct config_control, socket) },
	{ .key = "socket_mode", .kind = FIELD_OCTAL_MODE, FIELD_OF(struct config_control, socket_mode) },
	{ .key = "socket_group", .kind = FIELD_STRING, FIELD_OF(struct config_control, socket_group) },
	{ .key = "http_listen", .kind = FIELD_STRING, FIELD_OF(struct config_control, http_listen) },
	{ .key = "accounting_file", .kind = FIELD_STRING, FIELD_OF(struct config_control, accounting_file) },
	UINT_FIELD("stop_drain_s", struct config_control, stop_drain_s, 0, CONTROL_STOP_DRAIN_MAX_S),
	{ 0 },
};

static const struct field root_fields[] = {
	{ .key = "eal", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, eal), .children = eal_fields },
	{ .key = "workers", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, workers),
	  .children = worker_fields },
	{ .key = "ports", .kind = FIELD_SECTION, .offset = 0, .size = 0, .children = ports_fields,
	  .required = 1 },
	{ .key = "listeners", .kind = FIELD_SECTION_LIST, .offset = offsetof(struct iphttps_config, listeners),
	  .size = sizeof(struct config_listener), .children = listener_fields,
	  .min_items = 1, .max_items = CONFIG_MAX_LISTENERS, .count_offset = offsetof(struct iphttps_config, listener_count),
	  .required = 1 },
	{ .key = "iphttps", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, iphttps),
	  .children = iphttps_fields, .required = 1 },
	{ .key = "tls", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, tls), .children = tls_fields },
	{ .key = "limits", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, limits),
	  .children = limits_fields },
	{ .key = "tcp_services", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, tcp_services),
	  .children = tcp_service_fields },
	{ .key = "control", .kind = FIELD_SECTION, FIELD_OF(struct iphttps_config, control),
	  .children = control_fields },
	{ .key = "log_level", .kind = FIELD_ENUM, FIELD_OF(struct iphttps_config, log_level),
	  .enum_values = log_levels },
	{ 0 },
};

const char *config_warning(const struct iphttps_config *c)
{
	if (c->tls.min_version < CONFIG_TLS_1_2)
		return "'tls.min_version' below \"1.2\" is for legacy clients (Windows 7 speaks TLS 1.0 by default): "
		       "TLS 1.0 and 1.1 are admitted with CBC-SHA suites and SHA-1 signatures, on those connections only";
	return NULL;
}

void config_set_defaults(struct iphttps_config *c)
{
	memset(c, 0, sizeof(*c));
	c->eal.main_lcore = 0;
	c->eal.worker_count = 1;
	c->eal.worker_lcores[0] = 1;
	c->eal.memory_mb = EAL_MEMORY_DEFAULT_MB;
	c->eal.hugepages = true;
	snprintf(c->eal.file_prefix, sizeof(c->eal.file_prefix), "iphttps");
	c->eal.mbufs = MBUF_POOL_DEFAULT_COUNT;
	c->workers.idle_sleep_us = WORKER_IDLE_SLEEP_DEFAULT_US;
	for (int role = 0; role < CONFIG_PORT_COUNT; role++) {
		c->ports[role].mtu = 1500;
		c->ports[role].rx_descriptors = PORT_DESCRIPTORS_DEFAULT;
		c->ports[role].tx_descriptors = PORT_DESCRIPTORS_DEFAULT;
	}
	snprintf(c->iphttps.uri, sizeof(c->iphttps.uri), "/IPHTTPS");
	c->iphttps.link_mtu = IPHTTPS_LINK_MTU_MIN_BYTES;
	c->iphttps.addresses_per_client = IPHTTPS_ADDRESSES_PER_CLIENT_DEFAULT;
	c->iphttps.address_idle_timeout_s = IPHTTPS_ADDRESS_IDLE_DEFAULT_S;
	c->iphttps.address_grace_s = IPHTTPS_ADDRESS_GRACE_DEFAULT_S;
	snprintf(c->iphttps.server_header, sizeof(c->iphttps.server_header), "iphttps");
	c->tls.min_version = CONFIG_TLS_1_2;
	c->tls.max_version = CONFIG_TLS_1_3;
	snprintf(c->tls.ciphers, sizeof(c->tls.ciphers), "ECDHE+AESGCM:ECDHE+CHACHA20:AES128-GCM-SHA256");
	snprintf(c->tls.ciphersuites, sizeof(c->tls.ciphersuites),
		 "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
	c->limits.max_clients = LIMIT_MAX_CLIENTS_DEFAULT;
	c->limits.max_connections_per_worker = LIMIT_CONNECTIONS_PER_WORKER_DEFAULT;
	c->limits.max_connections_per_source = LIMIT_CONNECTIONS_PER_SOURCE_DEFAULT;
	c->limits.tcp_send_queue_bytes = LIMIT_SEND_QUEUE_DEFAULT_BYTES;
	c->limits.tcp_send_queue_max_bytes = LIMIT_SEND_QUEUE_MAX_DEFAULT_BYTES;
	c->limits.tcp_recv_queue_bytes = LIMIT_RECV_QUEUE_DEFAULT_BYTES;
	c->limits.tcp_recv_queue_max_bytes = LIMIT_RECV_QUEUE_MAX_DEFAULT_BYTES;
	c->limits.syn_cookie_threshold = LIMIT_SYN_COOKIE_THRESHOLD_DEFAULT;
	c->limits.full_handshakes_per_second = LIMIT_FULL_HANDSHAKES_PER_SECOND_DEFAULT;
	c->limits.tls_handshake_timeout_ms = TIMEOUT_TLS_HANDSHAKE_DEFAULT_MS;
	c->limits.http_request_timeout_ms = TIMEOUT_HTTP_REQUEST_DEFAULT_MS;
	c->limits.idle_session_timeout_s = TIMEOUT_IDLE_SESSION_DEFAULT_S;
	snprintf(c->control.socket, sizeof(c->control.socket), "/run/iphttps/iphttpsd.sock");
	c->control.socket_mode = 0660;
	c->log_level = CONFIG_LOG_INFO;
}

int config_parse_listen(const char *text, struct sockaddr_storage *addr)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *port_text;
	char *end;
	unsigned long port;
	size_t host_len;

	memset(addr, 0, sizeof(*addr));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || close[1] != ':')
			return -1;
		host_len = (size_t)(close - text - 1);
		if (host_len >= sizeof(host))
			return -1;
		memcpy(host, text + 1, host_len);
		port_text = close + 2;
	} else {
		colon = strrchr(text, ':');
		if (!colon || (size_t)(colon - text) >= sizeof(host))
			return -1;
		host_len = (size_t)(colon - text);
		memcpy(host, text, host_len);
		port_text = colon + 1;
	}
	host[host_len] = '\0';
	port = strtoul(port_text, &end, 10);
	if (!*port_text || *end || port == 0 || port > 65535)
		return -1;
	if (text[0] == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;

		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host, &a6->sin6_addr) == 1 ? 0 : -1;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)addr;

		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
	}
}

static int ipv4_same_subnet(struct in_addr a, struct config_ipv4_prefix p)
{
	uint32_t mask = p.len == 0 ? 0 : htonl(~0u << (32 - p.len));

	return (a.s_addr & mask) == (p.addr.s_addr & mask);
}

static int ipv6_in_prefix(const struct in6_addr *a, const struct config_ipv6_prefix *p)
{
	for (unsigned int bit = 0; bit < p->len; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));
		if ((a->s6_addr[bit / 8] & m) != (p->addr.s6_addr[bit / 8] & m))
			return 0;
	}
	return 1;
}

static int ipv6_on_link(const struct in6_addr *a, const struct config_port *port)
{
	if (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80)
		return 1; /* link-local: always on the link */
	for (unsigned int i = 0; i < port->ipv6_count; i++)
		if (ipv6_in_prefix(a, &port->ipv6[i]))
			return 1;
	return 0;
}

static void validate_port(struct config_yaml_ctx *ctx, const struct config_port *port, const char *name)
{
	char text[INET6_ADDRSTRLEN];

	/* A port with a bad value is not present: its errors stand alone. */
	if (!port->present)
		return;
	if (port->has_ipv4_gateway && !port->has_ipv4)
		config_yaml_error_at(ctx, &port->ipv4_gateway, "'ports.%s.ipv4_gateway' needs 'ports.%s.ipv4'",
				     name, name);
	else if (port->has_ipv4_gateway && !ipv4_same_subnet(port->ipv4_gateway, port->ipv4))
		config_yaml_error_at(ctx, &port->ipv4_gateway,
				     "'ports.%s.ipv4_gateway' %s is not on the port's subnet", name,
				     inet_ntop(AF_INET, &port->ipv4_gateway, text, sizeof(text)));
	if (port->has_ipv6_gateway && !ipv6_on_link(&port->ipv6_gateway, port))
		config_yaml_error_at(ctx, &port->ipv6_gateway,
				     "'ports.%s.ipv6_gateway' %s is not on any of the port's prefixes", name,
				     inet_ntop(AF_INET6, &port->ipv6_gateway, text, sizeof(text)));
	for (unsigned int i = 0; i < port->route_count; i++)
		if (!ipv6_on_link(&port->routes[i].via, port))
			config_yaml_error_at(ctx, &port->routes[i].via,
					     "'ports.%s.routes[%u].via' %s is not on any of the port's prefixes",
					     name, i,
					     inet_ntop(AF_INET6, &port->routes[i].via, text, sizeof(text)));
	if (!port->has_ipv4 && port->ipv6_count == 0)
		config_yaml_error_at(ctx, port, "'ports.%s' needs an 'ipv4' or 'ipv6' address", name);
	for (unsigned int i = 0; i < port->service_address_count; i++)
		if (port->service_addresses[i].len != 128)
			config_yaml_error_at(ctx, &port->service_addresses[i],
					     "'ports.%s.service_addresses[%u]' must be one address (/32 or /128): a "
					     "router routes it here, the appliance serves it", name, i);
	if (port->mtu > PORT_MTU_ONE_MBUF_BYTES)
		config_yaml_error_at(ctx, &port->mtu,
				     "'ports.%s.mtu' %u is more than one %u-byte mbuf holds: at most %u (jumbo frames "
				     "are not supported)", name, port->mtu, PORT_MBUF_DATA_ROOM_BYTES,
				     PORT_MTU_ONE_MBUF_BYTES);
}

static void validate_eal(struct config_yaml_ctx *ctx, const struct config_eal *eal)
{
	for (unsigned int i = 0; i < eal->worker_count; i++) {
		if (eal->worker_lcores[i] == eal->main_lcore)
			config_yaml_error_at(ctx, &eal->worker_lcores[i],
					     "'eal.worker_lcores' contains the main lcore %u", eal->main_lcore);
		for (unsigned int j = 0; j < i; j++)
			if (eal->worker_lcores[j] == eal->worker_lcores[i])
				config_yaml_error_at(ctx, &eal->worker_lcores[i],
						     "'eal.worker_lcores' lists lcore %u twice", eal->worker_lcores[i]);
	}
}

static void validate_listeners(struct config_yaml_ctx *ctx, const struct iphttps_config *c)
{
	int https = 0;

	for (unsigned int i = 0; i < c->listener_count; i++) {
		const struct config_listener *l = &c->listeners[i];

		if (l->protocol == CONFIG_LISTENER_HTTPS)
			https = 1;
		/* As HAProxy and nginx do: the header is believed only from the balancers. */
		if (l->proxy_protocol != CONFIG_PROXY_NONE && l->trusted_proxy_count == 0)
			config_yaml_error_at(ctx, &l->proxy_protocol,
					     "'listeners[%u].proxy_protocol' needs 'trusted_proxies': the prefixes of "
					     "the balancers allowed to name the client", i);
		if (l->proxy_protocol == CONFIG_PROXY_NONE && l->trusted_proxy_count > 0)
			config_yaml_error_at(ctx, &l->trusted_proxies[0],
					     "'listeners[%u].trusted_proxies' without 'proxy_protocol' has no effect", i);
		/* Behind an offloader the appliance sees no certificate: only PROXY
		 * v2 carries the offloader's verdict (PP2_TYPE_SSL). */
		if (c->iphttps.authentication == CONFIG_AUTH_CERTIFICATES && l->protocol == CONFIG_LISTENER_HTTP &&
		    l->proxy_protocol != CONFIG_PROXY_V2 && l->proxy_protocol != CONFIG_PROXY_ANY &&
		    config_yaml_was_set(ctx, &c->iphttps.authentication))
			config_yaml_error_at(ctx, &l->protocol,
					     "'listeners[%u]': authentication 'certificates' on an http listener needs "
					     "'proxy_protocol: v2' from an offloader that sends its verdict on the client "
					     "certificate (PP2_TYPE_SSL); without it anyone is admitted", i);
		for (unsigned int j = 0; j < i; j++)
			if (c->listeners[j].port == l->port && l->port != 0)
				config_yaml_error_at(ctx, &l->port, "'listeners[%u].port' %u is already used by listeners[%u]",
						     i, l->port, j);
		if (l->port != 0 && (l->port == c->tcp_services.echo_port || l->port == c->tcp_services.discard_port))
			config_yaml_error_at(ctx, &l->port, "'listeners[%u].port' %u is also a tcp_services port", i,
					     l->port);
	}
	/* Given is enough here: a key whose file cannot be read was reported at its own line. */
	if (https && !config_yaml_was_given(ctx, c->tls.certificate))
		config_yaml_error_at(ctx, &c->tls, "an https listener needs 'tls.certificate'");
	if (https && !config_yaml_was_given(ctx, c->tls.private_key))
		config_yaml_error_at(ctx, &c->tls, "an https listener needs 'tls.private_key'");
}

/* A limit that grows (limits.*_max_bytes) may not start above where it may grow to. */
static void check_grows_from(struct config_yaml_ctx *ctx, const uint32_t *max, uint32_t start, const char *what,
			     const char *key)
{
	if (config_yaml_was_set(ctx, max) && *max < start)
		config_yaml_error_at(ctx, max, "'limits.%s_max_bytes' (%u) is below 'limits.%s_bytes' (%u), where a %s starts",
				     key, *max, key, start, what);
}

/* A search domain as a DNS name: dot-separated labels of 1 to 63 letters,
 * digits, hyphens or underscores, not starting or ending with a hyphen. */
static const char *dns_name_problem(const char *name)
{
	size_t label = 0;

	if (name[strlen(name) - 1] == '.')
		return "is written without the trailing dot";
	for (const char *p = name;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0)
				return "has an empty label";
			if (label > 63)
				return "has a label longer than 63 characters";
			if (p[-1] == '-' || p[-(ptrdiff_t)label] == '-')
				return "has a label that starts or ends with '-'";
			if (*p == '\0')
				return NULL;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			   *p == '-' || *p == '_') {
			label++;
		} else {
			return "may hold only letters, digits, '-', '_' and dots";
		}
	}
}

static void validate_link_options(struct config_yaml_ctx *ctx, const struct config_iphttps *link)
{
	unsigned int ra_bytes = config_ra_bytes(link);

	for (unsigned int i = 0; i < link->dns_search_count; i++) {
		const char *problem = dns_name_problem(link->dns_search[i]);

		if (problem)
			config_yaml_error_at(ctx, link->dns_search[i], "'iphttps.dns_search[%u]' %s: '%s'", i, problem,
					     link->dns_search[i]);
		else if (strlen(link->dns_search[i]) > 253)
			config_yaml_error_at(ctx, link->dns_search[i],
					     "'iphttps.dns_search[%u]' is longer than a DNS name's 253 characters", i);
	}
	for (unsigned int i = 0; i < link->dns_server_count; i++) {
		const struct in6_addr *a = &link->dns_servers[i];

		if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LOOPBACK(a))
			config_yaml_error_at(ctx, a, "'iphttps.dns_servers[%u]' must be a unicast address the clients "
					     "reach through the tunnel", i);
	}
	if (ra_bytes > IPHTTPS_RA_MAX_BYTES)
		config_yaml_error_at(ctx, link->client_route_count ? (const void *)link->client_routes
								   : (const void *)link->dns_search,
				     "the Router Advertisement of 'iphttps' would be %u bytes, more than the %u an "
				     "IPv6 packet of 1280 carries: fewer or shorter 'dns_search' or 'client_routes'",
				     ra_bytes, IPHTTPS_RA_MAX_BYTES);
}

static void validate(struct config_yaml_ctx *ctx, const struct iphttps_config *c)
{
	struct sockaddr_storage listen;

	validate_eal(ctx, &c->eal);
	validate_port(ctx, &c->ports[CONFIG_PORT_EXTERNAL], "external");
	validate_port(ctx, &c->ports[CONFIG_PORT_INTERNAL], "internal");
	validate_listeners(ctx, c);
	if (config_yaml_was_set(ctx, &c->iphttps.client_prefix) && c->iphttps.client_prefix.len != 64)
		config_yaml_error_at(ctx, &c->iphttps.client_prefix,
				     "'iphttps.client_prefix' must be a /64 (clients form addresses by SLAAC), got /%u",
				     c->iphttps.client_prefix.len);
	validate_link_options(ctx, &c->iphttps);
	if (config_yaml_was_set(ctx, c->iphttps.uri) && c->iphttps.uri[0] != '/')
		config_yaml_error_at(ctx, c->iphttps.uri, "'iphttps.uri' must start with '/', got '%s'",
				     c->iphttps.uri);
	for (const char *p = c->iphttps.uri; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '?' || *p == '#') {
			config_yaml_error_at(ctx, c->iphttps.uri,
					     "'iphttps.uri' may hold only a path without spaces, '?' or '#'");
			break;
		}
	if (c->iphttps.authentication == CONFIG_AUTH_CERTIFICATES &&
	    config_yaml_was_set(ctx, &c->iphttps.authentication) && !config_yaml_was_given(ctx, c->tls.client_ca))
		config_yaml_error_at(ctx, &c->iphttps.authentication,
				     "authentication 'certificates' needs 'tls.client_ca'");
	check_grows_from(ctx, &c->limits.tcp_send_queue_max_bytes, c->limits.tcp_send_queue_bytes, "send queue",
			 "tcp_send_queue");
	check_grows_from(ctx, &c->limits.tcp_recv_queue_max_bytes, c->limits.tcp_recv_queue_bytes, "receive window",
			 "tcp_recv_queue");
	if (c->tls.min_version > c->tls.max_version)
		config_yaml_error_at(ctx, &c->tls.max_version, "'tls.max_version' is lower than 'tls.min_version'");
	/* Also when max_version is left at its default: a client able to do 1.3
	 * would negotiate it and never get a NULL suite. */
	if (c->tls.null_encryption && c->tls.max_version == CONFIG_TLS_1_3)
		config_yaml_error_at(ctx, &c->tls.null_encryption,
				     "'tls.null_encryption' needs 'tls.max_version: \"1.2\"': the NULL suites do not "
				     "exist in TLS 1.3");
	if (config_yaml_was_set(ctx, c->control.socket) && c->control.socket[0] != '/')
		config_yaml_error_at(ctx, c->control.socket, "'control.socket' must be an absolute path");
	if (strlen(c->control.socket) >= 108)
		config_yaml_error_at(ctx, c->control.socket, "'control.socket' is longer than 107 bytes");
	if (c->control.http_listen[0] && config_parse_listen(c->control.http_listen, &listen) != 0)
		config_yaml_error_at(ctx, c->control.http_listen,
				     "'control.http_listen' must be ADDR:PORT or [ADDR]:PORT with a port from 1 to 65535; got '%s'",
				     c->control.http_listen);
	if (config_yaml_was_set(ctx, c->control.accounting_file) && c->control.accounting_file[0] != '/')
		config_yaml_error_at(ctx, c->control.accounting_file, "'control.accounting_file' must be an absolute path");
}

json_t *config_to_json(const struct iphttps_config *config)
{
	return config_json_from_schema(root_fields, config);
}

int config_load(const char *path, struct iphttps_config *config, struct config_errors *errors)
{
	struct config_yaml_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	memset(errors, 0, sizeof(*errors));
	config_set_defaults(config);
	snprintf(config->source_file, sizeof(config->source_file), "%s", path);
	ctx.file = path;
	ctx.errors = errors;
	config_yaml_load(&ctx, root_fields, config);
	if (errors->count == 0 || ctx.mark_count > 0)
		validate(&ctx, config);
	config_yaml_sort_errors(errors);
	return errors->count == 0 ? 0 : -1;
}

