/* SPDX-License-Identifier: BSD-3-Clause */
#include "client_config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config_yaml.h"
#include "link_liveness.h"
#include "proxy_url.h"

#define FIELD_OF(type, member) offsetof(type, member), sizeof(((type *)0)->member)

static const struct enum_value tls_versions[] = {
	{ "1.2", CLIENT_TLS_1_2 },
	{ "1.3", CLIENT_TLS_1_3 },
	{ NULL, 0 },
};

static const struct field tls_fields[] = {
	{ .key = "max_version", .kind = FIELD_ENUM, FIELD_OF(struct client_config, tls.max_version),
	  .enum_values = tls_versions },
	{ .key = "ciphers", .kind = FIELD_STRING, FIELD_OF(struct client_config, tls.ciphers) },
	{ .key = "offer_null", .kind = FIELD_BOOL, FIELD_OF(struct client_config, tls.offer_null) },
	{ .key = "plain_http", .kind = FIELD_BOOL, FIELD_OF(struct client_config, tls.plain_http) },
	{ 0 },
};

static const struct field liveness_fields[] = {
	{ .key = "idle_s", .kind = FIELD_UINT, FIELD_OF(struct client_config, liveness.idle_s), .min = 0, .max = 3600 },
	{ .key = "interval_s", .kind = FIELD_UINT, FIELD_OF(struct client_config, liveness.interval_s), .min = 1,
	  .max = 600 },
	{ .key = "probes", .kind = FIELD_UINT, FIELD_OF(struct client_config, liveness.probes), .min = 1, .max = 100 },
	{ 0 },
};

static const struct field proxy_fields[] = {
	{ .key = "direct", .kind = FIELD_BOOL, FIELD_OF(struct client_config, proxies.direct) },
	{ .key = "http", .kind = FIELD_STRING, FIELD_OF(struct client_config, proxies.http) },
	{ .key = "socks5", .kind = FIELD_STRING, FIELD_OF(struct client_config, proxies.socks5) },
	{ 0 },
};

static const struct field root_fields[] = {
	{ .key = "server", .kind = FIELD_STRING, FIELD_OF(struct client_config, server), .required = 1 },
	{ .key = "port", .kind = FIELD_UINT, FIELD_OF(struct client_config, port), .min = 1, .max = 65535 },
	{ .key = "server_name", .kind = FIELD_STRING, FIELD_OF(struct client_config, server_name) },
	{ .key = "uri", .kind = FIELD_STRING, FIELD_OF(struct client_config, uri) },
	{ .key = "ca", .kind = FIELD_READABLE_FILE, FIELD_OF(struct client_config, ca), .required = 1 },
	{ .key = "certificate", .kind = FIELD_READABLE_FILE, FIELD_OF(struct client_config, certificate) },
	{ .key = "private_key", .kind = FIELD_READABLE_FILE, FIELD_OF(struct client_config, private_key) },
	{ .key = "tun", .kind = FIELD_STRING, FIELD_OF(struct client_config, tun) },
	{ .key = "mtu", .kind = FIELD_UINT, FIELD_OF(struct client_config, mtu), .min = 1280, .max = 65535 },
	{ .key = "connect_timeout_ms", .kind = FIELD_UINT, FIELD_OF(struct client_config, connect_timeout_ms),
	  .min = 100, .max = 300000 },
	{ .key = "status_file", .kind = FIELD_STRING, FIELD_OF(struct client_config, status_file) },
	{ .key = "dns_routing_only", .kind = FIELD_BOOL, FIELD_OF(struct client_config, dns_routing_only) },
	{ .key = "tls", .kind = FIELD_SECTION, .offset = 0, .children = tls_fields },
	{ .key = "proxies", .kind = FIELD_SECTION, .offset = 0, .children = proxy_fields },
	{ .key = "liveness", .kind = FIELD_SECTION, .offset = 0, .children = liveness_fields },
	{ 0 },
};

void client_config_defaults(struct client_config *c)
{
	memset(c, 0, sizeof(*c));
	c->port = 443;
	snprintf(c->uri, sizeof(c->uri), "/IPHTTPS");
	snprintf(c->tun, sizeof(c->tun), "iphttps0");
	c->mtu = 1280;
	c->connect_timeout_ms = 10000;
	c->tls.max_version = CLIENT_TLS_1_3;
	c->proxies.direct = true;
	c->liveness.idle_s = LIVENESS_DEFAULT_IDLE_S;
	c->liveness.interval_s = LIVENESS_DEFAULT_INTERVAL_S;
	c->liveness.probes = LIVENESS_DEFAULT_PROBES;
}

/* A proxy URL must parse, and be of the kind its key says. */
static void check_proxy(struct config_yaml_ctx *ctx, const char *text, enum proxy_kind kind, const char *key)
{
	struct proxy_url u;
	const char *err;

	if (text[0] == '\0')
		return;
	err = proxy_url_parse(text, &u);
	if (err != NULL)
		config_yaml_error_at(ctx, text, "'proxies.%s': %s", key, err);
	else if (u.kind != kind)
		config_yaml_error_at(ctx, text, "'proxies.%s' must be %s, got '%s'", key,
				     kind == PROXY_HTTP ? "a web proxy URL (http://...)" : "a SOCKS5 URL (socks5://...)",
				     text);
}

int client_config_load(const char *path, struct client_config *c, struct config_errors *errors)
{
	static struct config_yaml_ctx ctx;

	memset(errors, 0, sizeof(*errors));
	memset(&ctx, 0, sizeof(ctx));
	client_config_defaults(c);
	ctx.file = path;
	ctx.errors = errors;
	config_yaml_load(&ctx, root_fields, c);
	check_proxy(&ctx, c->proxies.http, PROXY_HTTP, "http");
	check_proxy(&ctx, c->proxies.socks5, PROXY_SOCKS5, "socks5");
	if (!c->proxies.direct && !c->proxies.http[0] && !c->proxies.socks5[0])
		config_yaml_error(&ctx, 1, 1, "'proxies.direct' is false and no proxy is given: no way to the server");
	if (c->private_key[0] && !c->certificate[0])
		config_yaml_error_at(&ctx, c->private_key, "'private_key' without 'certificate'");
	config_yaml_sort_errors(errors);
	return errors->count == 0 ? 0 : -1;
}
