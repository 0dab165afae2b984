/* SPDX-License-Identifier: BSD-3-Clause */
#include "config_json.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static uint64_t load_uint(const void *p, size_t size)
{
	switch (size) {
	case 1: return *(const uint8_t *)p;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

/* An address or prefix as the file writes it; IPv4 held v4-mapped comes back as IPv4. */
static json_t *address_json(const struct field *f, const void *p)
{
	char text[INET6_ADDRSTRLEN + 8], addr[INET6_ADDRSTRLEN];

	switch (f->kind) {
	case FIELD_IPV4:
		inet_ntop(AF_INET, p, addr, sizeof(addr));
		return json_string(addr);
	case FIELD_IPV4_PREFIX: {
		const struct config_ipv4_prefix *v = p;

		inet_ntop(AF_INET, &v->addr, addr, sizeof(addr));
		snprintf(text, sizeof(text), "%s/%u", addr, v->len);
		return json_string(text);
	}
	case FIELD_IPV6:
	case FIELD_IPV6_LIST:
		inet_ntop(AF_INET6, p, addr, sizeof(addr));
		return json_string(addr);
	default: {
		const struct config_ipv6_prefix *v = p;
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

		if (f->kind == FIELD_IP_NETWORK_LIST && memcmp(v->addr.s6_addr, mapped, 12) == 0 && v->len >= 96) {
			inet_ntop(AF_INET, &v->addr.s6_addr[12], addr, sizeof(addr));
			snprintf(text, sizeof(text), "%s/%u", addr, v->len - 96);
		} else {
			inet_ntop(AF_INET6, &v->addr, addr, sizeof(addr));
			snprintf(text, sizeof(text), "%s/%u", addr, v->len);
		}
		return json_string(text);
	}
	}
}

static json_t *enum_json(const struct field *f, const void *p)
{
	int v = *(const int *)p;

	for (const struct enum_value *e = f->enum_values; e && e->name; e++)
		if (e->value == v)
			return json_string(e->name);
	return json_integer(v);
}

static json_t *item_json(const struct field *f, const void *p)
{
	char mode[8];

	switch (f->kind) {
	case FIELD_SECTION:
	case FIELD_SECTION_LIST: return config_json_from_schema(f->children, p);
	case FIELD_BOOL: return json_boolean(*(const bool *)p);
	case FIELD_UINT: return json_integer((json_int_t)load_uint(p, f->size));
	case FIELD_UINT_LIST: return json_integer(*(const unsigned int *)p);
	case FIELD_OCTAL_MODE:
		snprintf(mode, sizeof(mode), "%04o", (unsigned int)*(const uint32_t *)p & 07777);
		return json_string(mode);
	case FIELD_STRING:
	case FIELD_STRING_LIST:
	case FIELD_READABLE_FILE: return json_stringn((const char *)p, strnlen((const char *)p, f->size));
	case FIELD_ENUM: return enum_json(f, p);
	default: return address_json(f, p);
	}
}

static bool is_list(enum field_kind kind)
{
	return kind == FIELD_SECTION_LIST || kind == FIELD_STRING_LIST || kind == FIELD_UINT_LIST ||
	       kind == FIELD_IPV6_PREFIX_LIST || kind == FIELD_IPV6_LIST || kind == FIELD_IPV6_NETWORK_LIST ||
	       kind == FIELD_IP_NETWORK_LIST;
}

json_t *config_json_from_schema(const struct field *schema, const void *base)
{
	json_t *obj = json_object();

	for (const struct field *f = schema; obj && f->key; f++) {
		const char *p = (const char *)base + f->offset;
		json_t *v;

		/* A key whose presence is recorded and that the file did not give has no value to show. */
		if (f->present_offset && !*(const bool *)((const char *)base + f->present_offset))
			continue;
		if (is_list(f->kind)) {
			unsigned int n = *(const unsigned int *)((const char *)base + f->count_offset);

			v = json_array();
			for (unsigned int i = 0; v && i < n; i++)
				json_array_append_new(v, item_json(f, p + i * f->size));
		} else {
			v = item_json(f, p);
		}
		json_object_set_new(obj, f->key, v);
	}
	return obj;
}
