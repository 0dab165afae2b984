/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * YAML → typed struct, driven by a schema table (config_yaml.h).
 *
 * The whole file is loaded as a libyaml document first, so every node carries
 * its line and column; the walker then visits the schema and reports every
 * problem it finds (unknown or duplicate keys, wrong types, ranges, addresses,
 * unreadable files) and keeps going, so one run shows all of them.
 */
#include "config_yaml.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

struct walk {
	struct config_yaml_ctx *ctx;
	yaml_document_t *doc;
	char path[256]; /* dotted key path of the value being read */
};

void config_yaml_error(struct config_yaml_ctx *ctx, unsigned int line, unsigned int column,
		       const char *fmt, ...)
{
	struct config_errors *errors = ctx->errors;
	char text[256];
	va_list ap;

	if (errors->count >= CONFIG_MAX_ERRORS) {
		errors->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	errors->error[errors->count].line = line;
	errors->error[errors->count].column = column;
	errors->error[errors->count].order = errors->count;
	snprintf(errors->error[errors->count].message, sizeof(errors->error[0].message), "%s:%u:%u: %s",
		 ctx->file, line, column, text);
	errors->count++;
}

static const struct yaml_mark_record *find_mark(const struct config_yaml_ctx *ctx, const void *field)
{
	for (unsigned int i = 0; i < ctx->mark_count; i++)
		if (ctx->marks[i].field == field)
			return &ctx->marks[i];
	return NULL;
}

void config_yaml_error_at(struct config_yaml_ctx *ctx, const void *field, const char *fmt, ...)
{
	const struct yaml_mark_record *mark = find_mark(ctx, field);
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	config_yaml_error(ctx, mark ? mark->line : 1, mark ? mark->column : 1, "%s", text);
}

int config_yaml_was_set(const struct config_yaml_ctx *ctx, const void *field)
{
	const struct yaml_mark_record *mark = find_mark(ctx, field);

	return mark && mark->valid;
}

int config_yaml_was_given(const struct config_yaml_ctx *ctx, const void *field)
{
	return find_mark(ctx, field) != NULL;
}

static void remember_mark(struct config_yaml_ctx *ctx, const void *field, const yaml_node_t *node, bool valid)
{
	if (ctx->mark_count >= sizeof(ctx->marks) / sizeof(ctx->marks[0]))
		return;
	ctx->marks[ctx->mark_count].field = field;
	ctx->marks[ctx->mark_count].line = (unsigned int)node->start_mark.line + 1;
	ctx->marks[ctx->mark_count].column = (unsigned int)node->start_mark.column + 1;
	ctx->marks[ctx->mark_count].valid = valid;
	ctx->mark_count++;
}

#define node_error(w, node, ...)                                                         \
	config_yaml_error((w)->ctx, (unsigned int)(node)->start_mark.line + 1,            \
			  (unsigned int)(node)->start_mark.column + 1, __VA_ARGS__)

static const char *scalar_text(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

/* Numbers and booleans must be written plainly: `port: "443"` is a string. */
static int is_plain_scalar(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static int is_null_scalar(const yaml_node_t *node)
{
	const char *s;

	if (!is_plain_scalar(node))
		return 0;
	s = scalar_text(node);
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0;
}

static const char *node_kind_name(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a list";
	default: return "a scalar";
	}
}

static int parse_uint(const char *s, uint64_t *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

static void store_uint(void *dst, size_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)dst = (uint8_t)v; break;
	case 2: *(uint16_t *)dst = (uint16_t)v; break;
	case 4: *(uint32_t *)dst = (uint32_t)v; break;
	default: *(uint64_t *)dst = v; break;
	}
}

static int expect_scalar(struct walk *w, const yaml_node_t *node, const char *what)
{
	if (node->type == YAML_SCALAR_NODE)
		return 0;
	node_error(w, node, "'%s' must be %s, got %s", w->path, what, node_kind_name(node));
	return -1;
}

static int read_uint(struct walk *w, const struct field *f, const yaml_node_t *node, uint64_t *v)
{
	if (expect_scalar(w, node, "an integer") < 0)
		return -1;
	if (!is_plain_scalar(node) || parse_uint(scalar_text(node), v) < 0) {
		node_error(w, node, "'%s' must be an integer, got '%s'", w->path, scalar_text(node));
		return -1;
	}
	if (*v < f->min || *v > f->max) {
		node_error(w, node, "'%s' must be between %" PRIu64 " and %" PRIu64 ", got %s", w->path,
			   f->min, f->max, scalar_text(node));
		return -1;
	}
	return 0;
}

static int copy_string(struct walk *w, const yaml_node_t *node, char *dst, size_t size)
{
	const char *s;

	if (expect_scalar(w, node, "a string") < 0)
		return -1;
	s = scalar_text(node);
	if (s[0] == '\0') {
		node_error(w, node, "'%s' must not be empty", w->path);
		return -1;
	}
	if (strlen(s) >= size) {
		node_error(w, node, "'%s' is longer than %zu bytes", w->path, size - 1);
		return -1;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int read_file_field(struct walk *w, const yaml_node_t *node, char *dst, size_t size)
{
	char full[CONFIG_PATH_MAX_BYTES * 2];

	if (copy_string(w, node, dst, size) < 0)
		return -1;
	if (dst[0] != '/' && w->ctx->base_dir[0] != '\0') {
		snprintf(full, sizeof(full), "%s/%s", w->ctx->base_dir, dst);
		if (strlen(full) >= size) {
			node_error(w, node, "'%s' is longer than %zu bytes once made absolute", w->path,
				   size - 1);
			return -1;
		}
		memcpy(dst, full, strlen(full) + 1);
	}
	if (access(dst, R_OK) != 0) {
		node_error(w, node, "cannot read '%s' file '%s': %s", w->path, scalar_text(node),
			   strerror(errno));
		return -1;
	}
	return 0;
}

static int read_enum(struct walk *w, const struct field *f, const yaml_node_t *node, int *dst)
{
	char choices[160] = "";

	if (expect_scalar(w, node, "a string") < 0)
		return -1;
	for (const struct enum_value *e = f->enum_values; e->name; e++) {
		if (strcmp(e->name, scalar_text(node)) == 0) {
			*dst = e->value;
			return 0;
		}
		if (choices[0])
			strncat(choices, ", ", sizeof(choices) - strlen(choices) - 1);
		strncat(choices, e->name, sizeof(choices) - strlen(choices) - 1);
	}
	node_error(w, node, "'%s' must be one of: %s; got '%s'", w->path, choices, scalar_text(node));
	return -1;
}

/* "addr" or "addr/len"; family AF_INET or AF_INET6. Returns -1 if malformed. */
static int parse_address(const char *text, int family, int want_prefix, void *addr, uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned int max_len = family == AF_INET ? 32 : 128;
	char *slash;
	uint64_t l;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if ((slash != NULL) != (want_prefix != 0))
		return -1;
	if (slash) {
		*slash = '\0';
		if (parse_uint(slash + 1, &l) < 0 || l > max_len)
			return -1;
		*len = (uint8_t)l;
	}
	return inet_pton(family, buf, addr) == 1 ? 0 : -1;
}

static int host_bits_zero(const struct in6_addr *a, unsigned int len)
{
	for (unsigned int bit = len; bit < 128; bit++)
		if (a->s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return 0;
	return 1;
}

static int read_address(struct walk *w, const struct field *f, const yaml_node_t *node, void *dst)
{
	int v4 = f->kind == FIELD_IPV4 || f->kind == FIELD_IPV4_PREFIX;
	int prefix = f->kind != FIELD_IPV4 && f->kind != FIELD_IPV6 && f->kind != FIELD_IPV6_LIST;
	int network = f->kind == FIELD_IPV6_NETWORK || f->kind == FIELD_IPV6_NETWORK_LIST;
	static const char *const expected[] = {
		[FIELD_IPV4] = "an IPv4 address",
		[FIELD_IPV4_PREFIX] = "an IPv4 address with prefix length",
		[FIELD_IPV6] = "an IPv6 address",
		[FIELD_IPV6_PREFIX] = "an IPv6 address with prefix length",
		[FIELD_IPV6_NETWORK] = "an IPv6 prefix",
		[FIELD_IPV6_PREFIX_LIST] = "an IPv6 address with prefix length",
		[FIELD_IPV6_LIST] = "an IPv6 address",
		[FIELD_IPV6_NETWORK_LIST] = "an IPv6 prefix",
		[FIELD_IP_NETWORK_LIST] = "an IPv4 or IPv6 prefix",
	};
	uint8_t len = 0;
	int rc;

	if (expect_scalar(w, node, expected[f->kind]) < 0)
		return -1;
	if (f->kind == FIELD_IP_NETWORK_LIST) {
		struct config_ipv6_prefix *p = dst;
		struct in_addr a4;

		rc = parse_address(scalar_text(node), AF_INET6, 1, &p->addr, &len);
		if (rc < 0 && parse_address(scalar_text(node), AF_INET, 1, &a4, &len) == 0) {
			memset(&p->addr, 0, sizeof(p->addr));
			p->addr.s6_addr[10] = p->addr.s6_addr[11] = 0xff;
			memcpy(&p->addr.s6_addr[12], &a4, 4);
			len = (uint8_t)(len + 96);
			rc = 0;
		}
		if (rc == 0)
			p->len = len;
		if (rc == 0 && !host_bits_zero(&p->addr, len)) {
			node_error(w, node, "'%s' has host bits set after its prefix length: '%s'", w->path,
				   scalar_text(node));
			return -1;
		}
	} else if (v4) {
		struct config_ipv4_prefix *p = dst;
		rc = parse_address(scalar_text(node), AF_INET, prefix, prefix ? (void *)&p->addr : dst, &len);
		if (rc == 0 && prefix)
			p->len = len;
	} else {
		struct config_ipv6_prefix *p = dst;
		rc = parse_address(scalar_text(node), AF_INET6, prefix, prefix ? (void *)&p->addr : dst, &len);
		if (rc == 0 && prefix)
			p->len = len;
		if (rc == 0 && network && !host_bits_zero(&p->addr, len)) {
			node_error(w, node, "'%s' has host bits set after /%u: '%s'", w->path, len,
				   scalar_text(node));
			return -1;
		}
	}
	if (rc < 0) {
		node_error(w, node, "'%s' is not %s: '%s'", w->path, expected[f->kind], scalar_text(node));
		return -1;
	}
	return 0;
}

static int walk_mapping(struct walk *w, const yaml_node_t *node, const struct field *fields, void *base);

static size_t push_path(struct walk *w, const char *key)
{
	size_t old = strlen(w->path);

	snprintf(w->path + old, sizeof(w->path) - old, "%s%s", old ? "." : "", key);
	return old;
}

static size_t push_index(struct walk *w, unsigned int index)
{
	size_t old = strlen(w->path);

	snprintf(w->path + old, sizeof(w->path) - old, "[%u]", index);
	return old;
}

static const yaml_node_t *sequence_item(struct walk *w, const yaml_node_t *node, unsigned int i)
{
	return yaml_document_get_node(w->doc, node->data.sequence.items.start[i]);
}

static unsigned int sequence_length(const yaml_node_t *node)
{
	return (unsigned int)(node->data.sequence.items.top - node->data.sequence.items.start);
}

/* Lists: checks the node is a sequence of at most f->max_items; returns count or -1. */
static int list_length(struct walk *w, const struct field *f, const yaml_node_t *node)
{
	unsigned int n;

	if (node->type != YAML_SEQUENCE_NODE) {
		node_error(w, node, "'%s' must be a list, got %s", w->path, node_kind_name(node));
		return -1;
	}
	n = sequence_length(node);
	if (n < f->min_items) {
		node_error(w, node, "'%s' must have at least %u %s", w->path, f->min_items,
			   f->min_items == 1 ? "entry" : "entries");
		return -1;
	}
	if (n > f->max_items) {
		node_error(w, node, "'%s' has %u entries, at most %u are allowed", w->path, n, f->max_items);
		return -1;
	}
	return (int)n;
}

static void read_list(struct walk *w, const struct field *f, const yaml_node_t *node, void *base)
{
	char *items = (char *)base + f->offset;
	int n = list_length(w, f, node);
	unsigned int good = 0;

	if (n < 0)
		return;
	for (unsigned int i = 0; i < (unsigned int)n; i++) {
		const yaml_node_t *item = sequence_item(w, node, i);
		char *dst = items + good * f->size;
		size_t old = push_index(w, i);
		int rc = -1;

		switch (f->kind) {
		case FIELD_SECTION_LIST:
			rc = walk_mapping(w, item, f->children, dst);
			break;
		case FIELD_STRING_LIST:
			rc = copy_string(w, item, dst, f->size);
			break;
		case FIELD_UINT_LIST: {
			uint64_t v;
			rc = read_uint(w, f, item, &v);
			if (rc == 0)
				*(unsigned int *)dst = (unsigned int)v;
			break;
		}
		case FIELD_IPV6_PREFIX_LIST:
		case FIELD_IPV6_LIST:
		case FIELD_IPV6_NETWORK_LIST:
		case FIELD_IP_NETWORK_LIST:
			rc = read_address(w, f, item, dst);
			break;
		default:
			break;
		}
		if (rc == 0) {
			remember_mark(w->ctx, dst, item, true);
			good++;
		}
		w->path[old] = '\0';
	}
	*(unsigned int *)((char *)base + f->count_offset) = good;
}

static void read_field(struct walk *w, const struct field *f, const yaml_node_t *node, void *base)
{
	void *dst = (char *)base + f->offset;
	uint64_t v;
	int rc = -1;

	switch (f->kind) {
	case FIELD_SECTION:
		rc = walk_mapping(w, node, f->children, dst);
		break;
	case FIELD_SECTION_LIST:
	case FIELD_STRING_LIST:
	case FIELD_UINT_LIST:
	case FIELD_IPV6_PREFIX_LIST:
	case FIELD_IPV6_LIST:
	case FIELD_IPV6_NETWORK_LIST:
	case FIELD_IP_NETWORK_LIST:
		read_list(w, f, node, base);
		rc = 0;
		break;
	case FIELD_BOOL:
		if (expect_scalar(w, node, "true or false") < 0)
			break;
		if (is_plain_scalar(node) && strcmp(scalar_text(node), "true") == 0) {
			*(bool *)dst = true;
			rc = 0;
		} else if (is_plain_scalar(node) && strcmp(scalar_text(node), "false") == 0) {
			*(bool *)dst = false;
			rc = 0;
		} else {
			node_error(w, node, "'%s' must be true or false, got '%s'", w->path, scalar_text(node));
		}
		break;
	case FIELD_UINT:
		rc = read_uint(w, f, node, &v);
		if (rc == 0)
			store_uint(dst, f->size, v);
		break;
	case FIELD_OCTAL_MODE: {
		char *end;
		const char *s;
		if (expect_scalar(w, node, "an octal file mode") < 0)
			break;
		s = scalar_text(node);
		v = strtoull(s, &end, 8);
		if (s[0] != '0' || *end != '\0' || v > 0777) {
			node_error(w, node, "'%s' must be an octal file mode such as 0660, got '%s'", w->path, s);
			break;
		}
		store_uint(dst, f->size, v);
		rc = 0;
		break;
	}
	case FIELD_STRING:
		rc = copy_string(w, node, dst, f->size);
		break;
	case FIELD_READABLE_FILE:
		rc = read_file_field(w, node, dst, f->size);
		break;
	case FIELD_ENUM:
		rc = read_enum(w, f, node, dst);
		break;
	case FIELD_IPV4:
	case FIELD_IPV4_PREFIX:
	case FIELD_IPV6:
	case FIELD_IPV6_PREFIX:
	case FIELD_IPV6_NETWORK:
		rc = read_address(w, f, node, dst);
		break;
	}
	if (rc == 0 && f->present_offset)
		*(bool *)((char *)base + f->present_offset) = true;
}

static int walk_mapping(struct walk *w, const yaml_node_t *node, const struct field *fields, void *base)
{
	const struct field *seen[64] = { 0 };
	unsigned int seen_count = 0;
	int rc = 0;

	if (node->type != YAML_MAPPING_NODE) {
		if (w->path[0])
			node_error(w, node, "'%s' must be a mapping, got %s", w->path, node_kind_name(node));
		else
			node_error(w, node, "the file must be a mapping of sections, got %s",
				   node_kind_name(node));
		return -1;
	}
	for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top;
	     pair++) {
		const yaml_node_t *key = yaml_document_get_node(w->doc, pair->key);
		const yaml_node_t *value = yaml_document_get_node(w->doc, pair->value);
		const struct field *f = NULL;
		unsigned int i;
		size_t old;

		if (key->type != YAML_SCALAR_NODE) {
			node_error(w, key, "keys must be plain words%s%s", w->path[0] ? " in " : "", w->path);
			rc = -1;
			continue;
		}
		for (f = fields; f->key; f++)
			if (strcmp(f->key, scalar_text(key)) == 0)
				break;
		if (!f->key) {
			if (w->path[0])
				node_error(w, key, "unknown key '%s' in '%s'", scalar_text(key), w->path);
			else
				node_error(w, key, "unknown key '%s' at top level", scalar_text(key));
			rc = -1;
			continue;
		}
		for (i = 0; i < seen_count; i++)
			if (seen[i] == f)
				break;
		old = push_path(w, f->key);
		if (i < seen_count) {
			node_error(w, key, "duplicate key '%s'", w->path);
			w->path[old] = '\0';
			rc = -1;
			continue;
		}
		if (seen_count < sizeof(seen) / sizeof(seen[0]))
			seen[seen_count++] = f;
		/* An empty value ("tls:") means "all defaults" for a section. */
		{
			unsigned int before = w->ctx->errors->count;

			if (!(f->kind == FIELD_SECTION && is_null_scalar(value)))
				read_field(w, f, value, base);
			/* Only a value that was read counts as set: checks across keys
			 * then never pile onto a value already reported as bad; one
			 * that asks whether the key is there at all sees it given. */
			if (w->ctx->errors->count != before)
				rc = -1;
			remember_mark(w->ctx, (char *)base + f->offset, value, w->ctx->errors->count == before);
		}
		w->path[old] = '\0';
	}
	for (const struct field *f = fields; f->key; f++) {
		unsigned int i;

		if (!f->required)
			continue;
		for (i = 0; i < seen_count; i++)
			if (seen[i] == f)
				break;
		if (i == seen_count) {
			if (w->path[0])
				node_error(w, node, "missing required key '%s' in '%s'", f->key, w->path);
			else
				node_error(w, node, "missing required key '%s'", f->key);
			rc = -1;
		}
	}
	return rc;
}

static void directory_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, size, ".");
		return;
	}
	snprintf(dir, size, "%.*s", (int)(slash - path == 0 ? 1 : slash - path), path);
}

int config_yaml_load(struct config_yaml_ctx *ctx, const struct field *schema, void *base)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct walk w = { .ctx = ctx, .doc = &doc };
	yaml_node_t *root;
	FILE *fp;
	int rc;

	directory_of(ctx->file, ctx->base_dir, sizeof(ctx->base_dir));
	fp = fopen(ctx->file, "r");
	if (!fp) {
		config_yaml_error(ctx, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(fp);
		config_yaml_error(ctx, 0, 0, "cannot initialise the YAML parser");
		return -1;
	}
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		config_yaml_error(ctx, (unsigned int)parser.problem_mark.line + 1,
				  (unsigned int)parser.problem_mark.column + 1, "YAML syntax error: %s%s%s",
				  parser.problem ? parser.problem : "unknown", parser.context ? " " : "",
				  parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		fclose(fp);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		/* An empty file: every section takes its defaults, required ones are missing. */
		static yaml_node_t empty = { .type = YAML_MAPPING_NODE };
		rc = walk_mapping(&w, &empty, schema, base);
	} else {
		rc = walk_mapping(&w, root, schema, base);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(fp);
	return rc;
}

static int compare_position(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void config_yaml_sort_errors(struct config_errors *errors)
{
	qsort(errors->error, errors->count, sizeof(errors->error[0]), compare_position);
}
