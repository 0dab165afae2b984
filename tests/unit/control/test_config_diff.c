/* SPDX-License-Identifier: BSD-3-Clause */
/* What a reload may change live and what needs a restart (control/config_diff.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appliance_config.h"
#include "config_diff.h"
#include "unit_runner.h"

static struct iphttps_config now, next;
static struct config_errors errors;
static struct config_diff diff;

static bool named(const char *const *list, unsigned int count, const char *name)
{
	for (unsigned int i = 0; i < count; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static void load_both(void)
{
	CU_ASSERT_EQUAL_FATAL(config_load("config/lab.yaml", &now, &errors), 0);
	CU_ASSERT_EQUAL_FATAL(config_load("config/lab.yaml", &next, &errors), 0);
}

static void test_the_same_file_changes_nothing(void)
{
	load_both();
	config_diff(&now, &next, &diff);
	CU_ASSERT_EQUAL(diff.changed_count, 0);
	CU_ASSERT_EQUAL(diff.restart_count, 0);
	CU_ASSERT_FALSE(diff.auth_mode);
	CU_ASSERT_FALSE(diff.client_trust);
	CU_ASSERT_FALSE(diff.log_level);
}

/* Each live change: named in changed, not in restart. */
static void test_live_changes(void)
{
	load_both();
	next.limits.idle_session_timeout_s = 60;
	next.limits.tcp_send_queue_bytes *= 2;
	snprintf(next.iphttps.server_header, sizeof(next.iphttps.server_header), "gw");
	snprintf(next.tls.certificate, sizeof(next.tls.certificate), "/etc/iphttps/new.crt");
	next.log_level = CONFIG_LOG_DEBUG;
	next.iphttps.link_mtu = 1400;
	next.workers.idle_sleep_us = 50;
	next.control.stop_drain_s = 30; /* read when the stop comes */
	next.iphttps.dns_server_count = 1; /* the RAs' options: every client gets a fresh RA */
	next.iphttps.dns_servers[0].s6_addr[15] = 0x53;
	next.iphttps.dns_search_count = 1;
	snprintf(next.iphttps.dns_search[0], sizeof(next.iphttps.dns_search[0]), "corp.example");
	next.iphttps.client_route_count = 1;
	next.iphttps.client_routes[0].len = 48;
	config_diff(&now, &next, &diff);
	CU_ASSERT_EQUAL(diff.restart_count, 0);
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "control.stop_drain_s"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "limits"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "iphttps.server_header"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "tls"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "log_level"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "iphttps.link_mtu"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "workers"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "iphttps.dns_servers"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "iphttps.dns_search"));
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "iphttps.client_routes"));
	CU_ASSERT_EQUAL(diff.changed_count, 10);
	CU_ASSERT_TRUE(diff.log_level);
	CU_ASSERT_FALSE(diff.auth_mode);
	CU_ASSERT_FALSE(diff.client_trust); /* the server's certificate is not the clients' trust */
}

static void test_auth_mode_and_client_trust(void)
{
	load_both();
	next.iphttps.authentication =
		now.iphttps.authentication == CONFIG_AUTH_NONE ? CONFIG_AUTH_CERTIFICATES : CONFIG_AUTH_NONE;
	config_diff(&now, &next, &diff);
	CU_ASSERT_TRUE(diff.auth_mode);
	CU_ASSERT_TRUE(diff.client_trust);
	CU_ASSERT_EQUAL(diff.restart_count, 0);
	CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, "iphttps.authentication"));

	load_both();
	snprintf(next.tls.client_crl, sizeof(next.tls.client_crl), "/etc/iphttps/new.crl");
	config_diff(&now, &next, &diff);
	CU_ASSERT_FALSE(diff.auth_mode);
	CU_ASSERT_TRUE(diff.client_trust);
}

/* Each change that needs a restart is named in both lists. */
static void test_restart_changes(void)
{
	static const char *const names[] = { "eal", "ports", "listeners", "tcp_services", "control",
					     "iphttps.client_prefix", "limits.max_clients",
					     "limits.max_connections_per_worker" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		load_both();
		switch (i) {
		case 0: next.eal.worker_count++; break;
		case 1: next.ports[CONFIG_PORT_EXTERNAL].mtu = 9000; break;
		case 2: next.listeners[0].port = 8443; break;
		case 3: next.tcp_services.echo_port = 7777; break;
		case 4: snprintf(next.control.socket, sizeof(next.control.socket), "/run/other.sock"); break;
		case 5: next.iphttps.client_prefix.addr.s6_addr[7] ^= 1; break;
		case 6: next.limits.max_clients++; break;
		case 7: next.limits.max_connections_per_worker++; break;
		}
		config_diff(&now, &next, &diff);
		CU_ASSERT_EQUAL(diff.restart_count, 1);
		CU_ASSERT_TRUE(named(diff.restart, diff.restart_count, names[i]));
		CU_ASSERT_TRUE(named(diff.changed, diff.changed_count, names[i]));
		/* A table size is not "limits", which would say it applies live. */
		CU_ASSERT_FALSE(named(diff.changed, diff.changed_count, "limits"));
	}
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the same file twice: no change", test_the_same_file_changes_nothing },
		{ "limits, TLS, header, MTU, sleep and log level change live", test_live_changes },
		{ "an auth-mode change disconnects; a CA or CRL change forgets tickets", test_auth_mode_and_client_trust },
		{ "EAL, ports, listeners, services, socket, prefix and table sizes need a restart", test_restart_changes },
	};

	return unit_run("config diff", tests, sizeof(tests) / sizeof(tests[0]));
}
