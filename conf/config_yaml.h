/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CONFIG_YAML_H
#define IPHTTPS_CONFIG_YAML_H

/*
 * A schema-driven walker from a libyaml document into a flat C struct.
 * config.c holds the schema (which keys exist, their types and ranges);
 * this file knows YAML, types and error positions, nothing of the appliance.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "appliance_config.h"

enum field_kind {
	FIELD_SECTION,      /* mapping, described by .children */
	FIELD_SECTION_LIST, /* sequence of mappings, each described by .children */
	FIELD_BOOL,
	FIELD_UINT,         /* .size is 1, 2, 4 or 8 bytes; range .min..max */
	FIELD_OCTAL_MODE,   /* file permissions written as 0660 */
	FIELD_STRING,       /* char[.size] */
	FIELD_STRING_LIST,  /* char[.max_items][.size] */
	FIELD_READABLE_FILE,/* char[.size], must name a readable file */
	FIELD_ENUM,         /* int, values from .enum_values */
	FIELD_UINT_LIST,    /* unsigned int[.max_items] */
	FIELD_IPV4,
	FIELD_IPV4_PREFIX,  /* address/len; host bits allowed (an interface address) */
	FIELD_IPV6,
	FIELD_IPV6_PREFIX,  /* address/len; host bits allowed (an interface address) */
	FIELD_IPV6_NETWORK, /* address/len; host bits must be zero */
	FIELD_IPV6_PREFIX_LIST,
	FIELD_IPV6_LIST,         /* struct in6_addr[.max_items] */
	FIELD_IPV6_NETWORK_LIST, /* struct config_ipv6_prefix[.max_items], host bits zero */
	FIELD_IP_NETWORK_LIST, /* IPv4 or IPv6 prefixes, host bits zero; IPv4 held v4-mapped (::ffff:a.b.c.d/96+n) */
};

struct enum_value {
	const char *name;
	int value;
};

struct field {
	const char *key;
	enum field_kind kind;
	size_t offset;           /* of the value inside the enclosing struct */
	size_t size;             /* of a scalar or string buffer, or of one list item */
	uint64_t min, max;       /* FIELD_UINT(_LIST) range, inclusive */
	const struct enum_value *enum_values; /* NULL-terminated */
	const struct field *children;         /* NULL-key terminated */
	unsigned int min_items, max_items; /* lists */
	size_t count_offset;     /* lists: unsigned int count inside the enclosing struct */
	size_t present_offset;   /* if non-zero: bool set when the key is given */
	int required;
};

struct yaml_mark_record {
	const void *field; /* address inside the config being filled */
	unsigned int line, column;
	bool valid;        /* the value was read without error (else it was reported where it stands) */
};

/* State of one load: where errors go and where each value came from. */
struct config_yaml_ctx {
	const char *file;
	char base_dir[CONFIG_PATH_MAX_BYTES];
	struct config_errors *errors;
	unsigned int mark_count;
	struct yaml_mark_record marks[1024];
};

/** Parse the YAML file into base following the schema; errors go to ctx. */
int config_yaml_load(struct config_yaml_ctx *ctx, const struct field *schema, void *base);

/** Record an error at line/column (1-based) of the file. printf-style. */
void config_yaml_error(struct config_yaml_ctx *ctx, unsigned int line, unsigned int column,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Record an error at the place the value at `field` was read from (or 1:1). */
void config_yaml_error_at(struct config_yaml_ctx *ctx, const void *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Whether the value at `field` was given in the file and read without error. */
int config_yaml_was_set(const struct config_yaml_ctx *ctx, const void *field);

/**
 * Whether the key of `field` was written in the file at all, its value good
 * or bad. A check that a key is present asks this: a key that is there with
 * a bad value (a file that cannot be read) was reported once at its own
 * line, and "needs the key" at 1:1 would send a person to the wrong place.
 */
int config_yaml_was_given(const struct config_yaml_ctx *ctx, const void *field);

/** Put the errors in file order (line, column, then the order found): cross-key checks run after the walk. */
void config_yaml_sort_errors(struct config_errors *errors);

#endif
