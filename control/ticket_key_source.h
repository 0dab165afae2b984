/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TICKET_KEY_SOURCE_H
#define IPHTTPS_TICKET_KEY_SOURCE_H

/*
 * Where the session-ticket keys come from (tls_ticket_keys.h): drawn by the
 * process and rotated every TLS_TICKET_KEY_ROTATE_S, or, with
 * tls.ticket_keys_file, the operator's file (conf/ticket_key_file.h), read at
 * start, at a reload, and again whenever it changes (looked at every second
 * by tls_watch), so that a cluster given one file, and a restarted process,
 * resume each other's tickets. A file that does not read is refused at start
 * and at a reload (nothing applied), and later, when it changes, logged with
 * the keys in use kept.
 */

#include <stddef.h>
#include <stdint.h>

struct iphttps_config;

/** Start-up and reload: use the file, if config names one. @return 0, or -1 with err (file:line: what). */
int ticket_key_source_start(const struct iphttps_config *config, char *err, size_t err_len);

/** Every tls_watch tick: rotate drawn keys when due, or read the file again if it changed. */
void ticket_key_source_tick(const struct iphttps_config *config, uint64_t now_ms);

/**
 * The client CA, CRL or mode changed: drawn keys are forgotten; the file's
 * are kept (the other nodes use them), the session-id context being what
 * keeps a ticket sealed under the old trust from resuming.
 */
void ticket_key_source_trust_changed(const struct iphttps_config *config);

#endif
