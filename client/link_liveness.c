/* SPDX-License-Identifier: BSD-3-Clause */
#include "link_liveness.h"

#include <string.h>

void link_liveness_start(struct link_liveness *l, const struct link_liveness_config *c, double now)
{
	memset(l, 0, sizeof(*l));
	l->config = *c;
	link_liveness_heard(l, now);
}

void link_liveness_heard(struct link_liveness *l, double now)
{
	l->unanswered = 0;
	l->next_probe = now + l->config.idle_s;
}

enum link_liveness_verdict link_liveness_poll(struct link_liveness *l, double now)
{
	if (l->config.idle_s == 0 || now < l->next_probe)
		return LIVENESS_QUIET;
	if (l->unanswered >= l->config.probes)
		return LIVENESS_LOST;
	l->unanswered++;
	l->probes_sent++;
	l->next_probe = now + l->config.interval_s;
	return LIVENESS_PROBE;
}

unsigned int link_liveness_deadline_s(const struct link_liveness_config *c)
{
	return c->idle_s == 0 ? 0 : c->idle_s + c->probes * c->interval_s;
}
