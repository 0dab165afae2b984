/* SPDX-License-Identifier: BSD-3-Clause */
#include "ticket_key_source.h"

#include <string.h>

#include <openssl/crypto.h>

#include "appliance_config.h"
#include "datapath.h"
#include "file_seen.h"
#include "log.h"
#include "ticket_key_file.h"
#include "tls_ticket_keys.h"

static struct file_seen seen; /* the file as last read */
static uint64_t last_rotation_ms;

static int load(const char *path, char *err, size_t err_len)
{
	struct ticket_key_bytes keys[TICKET_KEY_FILE_KEYS];

	seen.path = path;
	file_seen_look(&seen);
	if (ticket_key_file_read(path, keys, err, err_len) != 0)
		return -1;
	if (seen.exists && (seen.st.st_mode & 0077))
		log_warn("TLS: %s can be read by others than its owner (mode %03o): anyone who reads it can open "
			 "the sessions' tickets", path, (unsigned int)(seen.st.st_mode & 0777));
	tls_ticket_keys_set(keys[TICKET_KEY_PREVIOUS].bytes, keys[TICKET_KEY_CURRENT].bytes,
			    keys[TICKET_KEY_NEXT].bytes);
	OPENSSL_cleanse(keys, sizeof(keys));
	/* Before anyone publishes again, no worker may still read the set replaced. */
	datapath_wait_quiescent();
	return 0;
}

int ticket_key_source_start(const struct iphttps_config *config, char *err, size_t err_len)
{
	const char *path = config->tls.ticket_keys_file;

	last_rotation_ms = 0;
	if (!path[0])
		return 0;
	if (load(path, err, err_len) != 0)
		return -1;
	log_info("TLS: session ticket keys from %s (previous, current, next)", path);
	return 0;
}

void ticket_key_source_tick(const struct iphttps_config *config, uint64_t now_ms)
{
	const char *path = config->tls.ticket_keys_file;
	char err[512];

	if (path[0]) {
		seen.path = path;
		if (!file_seen_changed(&seen))
			return;
		if (load(path, err, sizeof(err)) != 0)
			log_warn("TLS: %s changed but does not read (%s); the ticket keys in use stay", path, err);
		else
			log_info("TLS: session ticket keys read again from %s: the next one seals now", path);
		return;
	}
	if (last_rotation_ms == 0)
		last_rotation_ms = now_ms;
	if (now_ms - last_rotation_ms >= (uint64_t)TLS_TICKET_KEY_ROTATE_S * 1000) {
		if (tls_ticket_keys_rotate() == 0)
			log_info("TLS: session ticket keys rotated");
		datapath_wait_quiescent();
		last_rotation_ms = now_ms;
	}
}

void ticket_key_source_trust_changed(const struct iphttps_config *config)
{
	if (config->tls.ticket_keys_file[0]) {
		log_info("TLS: the client trust changed; tickets sealed before it no longer resume (the session-id "
			 "context changed), and the keys of %s stay", config->tls.ticket_keys_file);
		return;
	}
	tls_ticket_keys_forget();
}
