/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CLIENTS_TABLE_H
#define IPHTTPS_CLIENTS_TABLE_H

/*
 * `iphttpsctl clients` as a table, rendered here rather than in iphttpsctl
 * (as FRR's daemons render vtysh's `show` output): at 100,000 sessions the
 * JSON of every session is 50 MB, and parsing it back into objects took
 * iphttpsctl longer than a second. One string of the rows crosses the socket
 * instead, and the command answers in a fraction of that. `--json` still
 * gives every field, parsed, for scripts.
 */

#include <stddef.h>
#include <stdint.h>

#include "session_admin.h"

/** The header, a row per view (and its certificate line), or "(no sessions)". @return malloc'd text, or NULL. */
char *clients_table_render(const struct session_view *views, uint32_t count);

#endif
