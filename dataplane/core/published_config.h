/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_PUBLISHED_CONFIG_H
#define IPHTTPS_PUBLISHED_CONFIG_H

/*
 * The one way configuration reaches the datapath: a single published,
 * read-only `const struct iphttps_config *`. No layer copies a setting into
 * state of its own (a reload would have to chase the copies); each reads
 * w->config, which its worker takes from here once per loop iteration.
 *
 * Reload (the control-plane issue) publishes a new struct here and frees the
 * old one only after every worker has passed a quiescent state, so a worker
 * never sees a struct change under it within one iteration.
 */

struct iphttps_config;

/** Publish config (start-up, reload); the caller keeps it alive while workers may read it. */
void published_config_set(const struct iphttps_config *config);

/** The configuration in force. */
const struct iphttps_config *published_config_get(void);

#endif
