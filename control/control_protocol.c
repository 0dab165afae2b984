/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control protocol's requests (include/control_protocol.h), read and
 * written with jansson. Linked by iphttpsd and iphttpsctl alike, so the two
 * cannot disagree on a name or a type.
 */
#include "control_protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static const char *const command_names[CONTROL_COMMAND_COUNT] = {
#define CONTROL_NAME(id, name, help) [id] = name,
	CONTROL_COMMANDS(CONTROL_NAME)
#undef CONTROL_NAME
};

/* The keys each command takes besides "command" (NULL-terminated). */
static const char *const command_keys[CONTROL_COMMAND_COUNT][6] = {
	[CONTROL_SHOW] = { "section", NULL },
	[CONTROL_CLIENTS] = { "address", "subject", "state", "limit", "format", NULL },
	[CONTROL_DISCONNECT] = { "target", "subject", NULL },
	[CONTROL_LOG_LEVEL] = { "level", NULL },
	[CONTROL_RELOAD] = { "file", NULL },
	[CONTROL_AUTH_MODE] = { "mode", NULL },
	[CONTROL_LINK] = { "enable", NULL },
	[CONTROL_SHUTDOWN] = { "drain_seconds", NULL },
};

const char *control_command_name(enum control_command command)
{
	return command < CONTROL_COMMAND_COUNT ? command_names[command] : "?";
}

static bool takes_key(enum control_command command, const char *key)
{
	if (strcmp(key, "command") == 0)
		return true;
	for (const char *const *k = command_keys[command]; *k; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

/* A string argument that fits in size bytes (with its terminator) and holds no control characters. */
static int string_arg(json_t *obj, const char *key, bool required, char *out, size_t size, char *err, size_t err_len)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	out[0] = '\0';
	if (!v) {
		if (required)
			snprintf(err, err_len, "'%s' needs \"%s\"", json_string_value(json_object_get(obj, "command")),
				 key);
		return required ? -1 : 0;
	}
	if (!json_is_string(v)) {
		snprintf(err, err_len, "\"%s\" must be a string", key);
		return -1;
	}
	s = json_string_value(v);
	if (json_string_length(v) == 0 || json_string_length(v) >= size) {
		snprintf(err, err_len, "\"%s\" must be 1 to %zu bytes, not %zu", key, size - 1, json_string_length(v));
		return -1;
	}
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(err, err_len, "\"%s\" holds a control character", key);
			return -1;
		}
	if (strlen(s) != json_string_length(v)) {
		snprintf(err, err_len, "\"%s\" holds a NUL byte", key);
		return -1;
	}
	memcpy(out, s, json_string_length(v) + 1);
	return 0;
}

static int parse_arguments(json_t *obj, struct control_request *req, char *err, size_t err_len)
{
	json_t *v;

	switch (req->command) {
	case CONTROL_SHOW: {
		char section[16];

		if (string_arg(obj, "section", false, section, sizeof(section), err, err_len) != 0)
			return -1;
		if (section[0] && strcmp(section, "config") != 0) {
			snprintf(err, err_len, "\"section\" is '%s'; the one section is 'config'", section);
			return -1;
		}
		req->show_config = section[0] != 0;
		return 0;
	}
	case CONTROL_CLIENTS:
		if (string_arg(obj, "address", false, req->address, sizeof(req->address), err, err_len) != 0 ||
		    string_arg(obj, "subject", false, req->subject, sizeof(req->subject), err, err_len) != 0 ||
		    string_arg(obj, "state", false, req->state, sizeof(req->state), err, err_len) != 0)
			return -1;
		v = json_object_get(obj, "limit");
		if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
			  json_integer_value(v) > CONTROL_CLIENTS_LIMIT_MAX)) {
			snprintf(err, err_len, "\"limit\" must be an integer from 1 to %d", CONTROL_CLIENTS_LIMIT_MAX);
			return -1;
		}
		req->limit = v ? (uint32_t)json_integer_value(v) : 0;
		v = json_object_get(obj, "format");
		if (v && (!json_is_string(v) || (strcmp(json_string_value(v), "table") != 0 &&
						 strcmp(json_string_value(v), "json") != 0))) {
			snprintf(err, err_len, "\"format\" must be \"json\" or \"table\"");
			return -1;
		}
		req->table = v && strcmp(json_string_value(v), "table") == 0;
		return 0;
	case CONTROL_DISCONNECT:
		if (string_arg(obj, "target", false, req->target, sizeof(req->target), err, err_len) != 0 ||
		    string_arg(obj, "subject", false, req->subject, sizeof(req->subject), err, err_len) != 0)
			return -1;
		if (!req->target[0] == !req->subject[0]) {
			snprintf(err, err_len, "'disconnect' needs \"target\" (an address or id) or \"subject\", one of them");
			return -1;
		}
		return 0;
	case CONTROL_LOG_LEVEL:
		if (string_arg(obj, "level", false, req->level, sizeof(req->level), err, err_len) != 0)
			return -1;
		if (req->level[0] && strcmp(req->level, "error") != 0 && strcmp(req->level, "warning") != 0 &&
		    strcmp(req->level, "info") != 0 && strcmp(req->level, "debug") != 0) {
			snprintf(err, err_len, "\"level\" is '%s'; it must be error, warning, info or debug", req->level);
			return -1;
		}
		return 0;
	case CONTROL_RELOAD:
		return string_arg(obj, "file", false, req->file, sizeof(req->file), err, err_len);
	case CONTROL_AUTH_MODE: {
		char mode[16];

		if (string_arg(obj, "mode", true, mode, sizeof(mode), err, err_len) != 0)
			return -1;
		if (strcmp(mode, "certificates") != 0 && strcmp(mode, "none") != 0) {
			snprintf(err, err_len, "\"mode\" is '%s'; it must be 'certificates' or 'none'", mode);
			return -1;
		}
		req->auth_certificates = strcmp(mode, "certificates") == 0;
		return 0;
	}
	case CONTROL_LINK:
		v = json_object_get(obj, "enable");
		if (!json_is_boolean(v)) {
			snprintf(err, err_len, "'link' needs \"enable\": true or false");
			return -1;
		}
		req->enable = json_is_true(v);
		return 0;
	case CONTROL_SHUTDOWN:
		v = json_object_get(obj, "drain_seconds");
		if (!v)
			return 0;
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > CONTROL_DRAIN_MAX_SECONDS) {
			snprintf(err, err_len, "\"drain_seconds\" must be an integer from 0 to %d",
				 CONTROL_DRAIN_MAX_SECONDS);
			return -1;
		}
		req->drain_seconds = (uint32_t)json_integer_value(v);
		return 0;
	default:
		return 0;
	}
}

int control_request_parse(const char *text, size_t len, struct control_request *req, char *err, size_t err_len)
{
	json_error_t jerr;
	json_t *obj, *cmd;
	const char *key, *name;
	json_t *value;
	int rc = -1;

	memset(req, 0, sizeof(*req));
	if (len > CONTROL_REQUEST_MAX_BYTES) {
		snprintf(err, err_len, "request of %zu bytes; at most %d", len, CONTROL_REQUEST_MAX_BYTES);
		return -1;
	}
	obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj) {
		snprintf(err, err_len, "request is not JSON: %s at column %d", jerr.text, jerr.column);
		return -1;
	}
	if (!json_is_object(obj)) {
		snprintf(err, err_len, "request must be a JSON object");
		goto out;
	}
	cmd = json_object_get(obj, "command");
	if (!json_is_string(cmd)) {
		snprintf(err, err_len, "request needs \"command\" as a string");
		goto out;
	}
	name = json_string_value(cmd);
	for (req->command = 0; req->command < CONTROL_COMMAND_COUNT; req->command++)
		if (strcmp(command_names[req->command], name) == 0)
			break;
	if (req->command == CONTROL_COMMAND_COUNT) {
		snprintf(err, err_len, "unknown command '%.64s'", name);
		goto out;
	}
	json_object_foreach(obj, key, value) {
		if (!takes_key(req->command, key)) {
			snprintf(err, err_len, "'%s' takes no \"%.64s\"", name, key);
			goto out;
		}
	}
	rc = parse_arguments(obj, req, err, err_len);
out:
	json_decref(obj);
	return rc;
}

char *control_request_format(const struct control_request *req)
{
	json_t *obj = json_pack("{ss}", "command", control_command_name(req->command));
	char *line = NULL, *text;

	if (!obj)
		return NULL;
	switch (req->command) {
	case CONTROL_SHOW:
		if (req->show_config)
			json_object_set_new(obj, "section", json_string("config"));
		break;
	case CONTROL_CLIENTS:
		if (req->address[0])
			json_object_set_new(obj, "address", json_string(req->address));
		if (req->subject[0])
			json_object_set_new(obj, "subject", json_string(req->subject));
		if (req->state[0])
			json_object_set_new(obj, "state", json_string(req->state));
		if (req->limit)
			json_object_set_new(obj, "limit", json_integer(req->limit));
		if (req->table)
			json_object_set_new(obj, "format", json_string("table"));
		break;
	case CONTROL_DISCONNECT:
		if (req->target[0])
			json_object_set_new(obj, "target", json_string(req->target));
		else
			json_object_set_new(obj, "subject", json_string(req->subject));
		break;
	case CONTROL_LOG_LEVEL:
		if (req->level[0])
			json_object_set_new(obj, "level", json_string(req->level));
		break;
	case CONTROL_RELOAD:
		if (req->file[0])
			json_object_set_new(obj, "file", json_string(req->file));
		break;
	case CONTROL_AUTH_MODE:
		json_object_set_new(obj, "mode", json_string(req->auth_certificates ? "certificates" : "none"));
		break;
	case CONTROL_LINK:
		json_object_set_new(obj, "enable", json_boolean(req->enable));
		break;
	case CONTROL_SHUTDOWN:
		if (req->drain_seconds)
			json_object_set_new(obj, "drain_seconds", json_integer(req->drain_seconds));
		break;
	default:
		break;
	}
	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (text && asprintf(&line, "%s\n", text) < 0)
		line = NULL;
	free(text);
	return line;
}
