/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_ACCOUNTING_H
#define IPHTTPS_ACCOUNTING_H

/*
 * The accounting file (control.accounting_file): one JSON line per session
 * that was a Client Table entry, written when the entry ends: client
 * addresses, outer address and port, certificate subject, TLS version and
 * suite, start, end, bytes and packets each way, and the reason it ended
 * (session.h SESSION_END_REASONS). Appended to, flushed per record, and
 * reopened on every reload so that logrotate's SIGHUP starts a new file.
 */

#include <jansson.h>

/** Open (or reopen) path for appending; "" closes. @return 0, or -1 (logged; records are then not written). */
int accounting_open(const char *path);

/** Append one record (a JSON object) as one line. */
void accounting_write(json_t *record);

void accounting_close(void);

#endif
