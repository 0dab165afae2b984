/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_HUMAN_UNITS_H
#define IPHTTPS_HUMAN_UNITS_H

/*
 * Durations and byte counts as an operator reads them ("2h 05m 10s",
 * "1.5 KiB"): iphttpsctl prints them, and iphttpsd renders the clients
 * table with them (control/clients_table.c).
 */

#include <stdio.h>

static inline void human_duration(char *out, size_t size, long long s)
{
	if (s >= 86400)
		snprintf(out, size, "%lldd %02lldh %02lldm", s / 86400, s % 86400 / 3600, s % 3600 / 60);
	else if (s >= 3600)
		snprintf(out, size, "%lldh %02lldm %02llds", s / 3600, s % 3600 / 60, s % 60);
	else if (s >= 60)
		snprintf(out, size, "%lldm %02llds", s / 60, s % 60);
	else
		snprintf(out, size, "%llds", s);
}

static inline void human_bytes(char *out, size_t size, long long b)
{
	if (b >= 1LL << 30)
		snprintf(out, size, "%.2f GiB", (double)b / (1LL << 30));
	else if (b >= 1LL << 20)
		snprintf(out, size, "%.2f MiB", (double)b / (1LL << 20));
	else if (b >= 1LL << 10)
		snprintf(out, size, "%.1f KiB", (double)b / (1LL << 10));
	else
		snprintf(out, size, "%lld B", b);
}

#endif
