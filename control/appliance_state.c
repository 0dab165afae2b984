/* SPDX-License-Identifier: BSD-3-Clause */
#include "appliance_state.h"

#include <stdio.h>

#include "session_admin.h"

struct appliance_state appliance = { .link_enabled = true };

void appliance_apply_overrides(struct iphttps_config *config)
{
	if (appliance.control_socket_override[0])
		snprintf(config->control.socket, sizeof(config->control.socket), "%s",
			 appliance.control_socket_override);
}

uint64_t appliance_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

void appliance_update_admission(void)
{
	if (!appliance.link_enabled)
		session_admission_set(SESSION_ADMISSION_REFUSE);
	else if (appliance.draining || appliance.stop)
		session_admission_set(SESSION_ADMISSION_QUIET);
	else
		session_admission_set(SESSION_ADMISSION_OPEN);
}

const char *appliance_state_name(void)
{
	if (appliance.stop)
		return "stopping";
	if (appliance.draining)
		return "draining";
	return appliance.link_enabled ? "running" : "link disabled";
}
