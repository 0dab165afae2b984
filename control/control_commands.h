/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CONTROL_COMMANDS_H
#define IPHTTPS_CONTROL_COMMANDS_H

/*
 * What each control command does (include/control_protocol.h lists them),
 * on the main lcore. Reads ask the workers for copies; actions go through
 * config_reload.h, session_admin.h and appliance_state.h.
 */

#include <stddef.h>

#include <sys/types.h>

#include <jansson.h>

#include "control_protocol.h"

/**
 * Run a parsed request from the user peer_uid (SO_PEERCRED; (uid_t)-1 when
 * unknown). @return the result object, or NULL with the reason in err.
 */
json_t *control_commands_run(const struct control_request *req, uid_t peer_uid, char *err, size_t err_len);

/** Disconnect everyone and stop admitting (shutdown, and SIGTERM): returns once they are closed or after wait_ms. */
void control_disconnect_everyone(unsigned int wait_ms);

#endif
