/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_APPLIANCE_STATE_H
#define IPHTTPS_APPLIANCE_STATE_H

/*
 * The control plane's own state, on the main lcore only: the config in
 * force, what the operator has switched (link, drain, stop), and when. The
 * datapath sees none of it directly: the config through published_config.h,
 * admission through session_admission_set (appliance_update_admission).
 */

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "appliance_config.h"

struct appliance_state {
	struct iphttps_config *config; /* in force (published); malloc'd, replaced by a reload */
	char config_path[CONFIG_PATH_MAX_BYTES];
	/* Command-line settings every loaded file gets (a reload keeps them). */
	char control_socket_override[CONFIG_PATH_MAX_BYTES];
	bool link_enabled;          /* `link disable` (§3.2.4.2) clears it */
	bool draining;              /* `shutdown --drain`: no new clients, stop when the last goes */
	uint64_t drain_deadline_ms; /* monotonic */
	bool stop;                  /* leave the main loop */
	uint64_t started_ms;        /* monotonic */
	time_t started_at;
	bool log_level_overridden;  /* `iphttpsctl log-level` set one the file does not say; a reload ends it */
	uint64_t reloads;
	time_t last_reload_at;
};

extern struct appliance_state appliance;

/** Give a loaded config the command line's settings (at start and on every reload). */
void appliance_apply_overrides(struct iphttps_config *config);

/** The monotonic clock in ms. */
uint64_t appliance_now_ms(void);

/** Admit new connections exactly when the link is enabled and the appliance neither drains nor stops. */
void appliance_update_admission(void);

/** What `show` calls the state: "running", "link disabled", "draining" or "stopping". */
const char *appliance_state_name(void);

#endif
