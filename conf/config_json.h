/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_CONFIG_JSON_H
#define IPHTTPS_CONFIG_JSON_H

/*
 * The other direction of config_yaml.h's walker: a filled struct back into
 * JSON by the same schema, so that `iphttpsctl show config` prints the
 * configuration in force with the file's own keys, defaults included, and
 * no key can be forgotten. Knows nothing of the appliance.
 */

#include <jansson.h>

#include "config_yaml.h"

/** base, described by schema, as a JSON object (NULL when memory runs out). */
json_t *config_json_from_schema(const struct field *schema, const void *base);

/** The appliance's configuration by its schema (conf/config.c), every key with its value. */
json_t *config_to_json(const struct iphttps_config *config);

#endif
