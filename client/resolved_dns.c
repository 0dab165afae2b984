/* SPDX-License-Identifier: BSD-3-Clause */
#include "resolved_dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

static const char resolve1[] = "org.freedesktop.resolve1", path[] = "/org/freedesktop/resolve1",
		  manager[] = "org.freedesktop.resolve1.Manager";

static int set_dns(sd_bus *bus, int ifindex, const struct link_options *lo, sd_bus_error *error)
{
	sd_bus_message *m = NULL;
	int rc = sd_bus_message_new_method_call(bus, &m, resolve1, path, manager, "SetLinkDNS");

	if (rc >= 0)
		rc = sd_bus_message_append(m, "i", ifindex);
	if (rc >= 0)
		rc = sd_bus_message_open_container(m, 'a', "(iay)");
	for (unsigned int i = 0; rc >= 0 && i < lo->dns_count; i++) {
		rc = sd_bus_message_open_container(m, 'r', "iay");
		if (rc >= 0)
			rc = sd_bus_message_append(m, "i", AF_INET6);
		if (rc >= 0)
			rc = sd_bus_message_append_array(m, 'y', &lo->dns[i].addr, 16);
		if (rc >= 0)
			rc = sd_bus_message_close_container(m);
	}
	if (rc >= 0)
		rc = sd_bus_message_close_container(m);
	if (rc >= 0)
		rc = sd_bus_call(bus, m, 0, error, NULL);
	sd_bus_message_unref(m);
	return rc;
}

static int set_domains(sd_bus *bus, int ifindex, const struct link_options *lo, bool routing_only,
		       sd_bus_error *error)
{
	sd_bus_message *m = NULL;
	int rc = sd_bus_message_new_method_call(bus, &m, resolve1, path, manager, "SetLinkDomains");

	if (rc >= 0)
		rc = sd_bus_message_append(m, "i", ifindex);
	if (rc >= 0)
		rc = sd_bus_message_open_container(m, 'a', "(sb)");
	for (unsigned int i = 0; rc >= 0 && i < lo->domain_count; i++)
		rc = sd_bus_message_append(m, "(sb)", lo->domains[i].name, routing_only);
	if (rc >= 0)
		rc = sd_bus_message_close_container(m);
	if (rc >= 0)
		rc = sd_bus_call(bus, m, 0, error, NULL);
	sd_bus_message_unref(m);
	return rc;
}

static int via_resolved(struct resolved_dns *r, const struct link_options *lo, bool default_route, char *why,
			size_t why_len)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus *bus = NULL;
	const char *step = "connecting to the system bus";
	int rc = sd_bus_open_system(&bus);

	if (rc >= 0 && lo->dns_count == 0 && lo->domain_count == 0) {
		step = "RevertLink";
		rc = sd_bus_call_method(bus, resolve1, path, manager, "RevertLink", &error, NULL, "i", r->ifindex);
	} else if (rc >= 0) {
		step = "SetLinkDNS";
		rc = set_dns(bus, r->ifindex, lo, &error);
		if (rc >= 0) {
			step = "SetLinkDomains";
			rc = set_domains(bus, r->ifindex, lo, r->routing_only, &error);
		}
		if (rc >= 0) {
			step = "SetLinkDefaultRoute";
			rc = sd_bus_call_method(bus, resolve1, path, manager, "SetLinkDefaultRoute", &error, NULL, "ib",
						r->ifindex, default_route);
		}
	}
	if (rc < 0)
		snprintf(why, why_len, "systemd-resolved: %s: %s", step,
			 sd_bus_error_is_set(&error) ? error.message : strerror(-rc));
	sd_bus_error_free(&error);
	sd_bus_unref(bus);
	return rc < 0 ? -1 : 0;
}

/* resolvconf(8): -a with the lines of a resolv.conf, -d to take them back. */
static int via_resolvconf(struct resolved_dns *r, const struct link_options *lo, char *why, size_t why_len)
{
	char cmd[128], addr[INET6_ADDRSTRLEN];
	FILE *p;

	if (access("/sbin/resolvconf", X_OK) != 0 && access("/usr/sbin/resolvconf", X_OK) != 0) {
		snprintf(why, why_len, "no resolvconf either");
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "resolvconf %s '%s.iphttps'", lo->dns_count || lo->domain_count ? "-a" : "-d",
		 r->ifname);
	p = popen(cmd, "w");
	if (p == NULL) {
		snprintf(why, why_len, "resolvconf: %s", strerror(errno));
		return -1;
	}
	for (unsigned int i = 0; i < lo->dns_count; i++)
		fprintf(p, "nameserver %s\n", inet_ntop(AF_INET6, &lo->dns[i].addr, addr, sizeof(addr)));
	if (lo->domain_count) {
		fputs("search", p);
		for (unsigned int i = 0; i < lo->domain_count; i++)
			fprintf(p, " %s", lo->domains[i].name);
		fputc('\n', p);
	}
	if (pclose(p) != 0) {
		snprintf(why, why_len, "resolvconf failed (%.80s)", cmd);
		return -1;
	}
	return 0;
}

static void describe(struct resolved_dns *r, const struct link_options *lo)
{
	char addr[INET6_ADDRSTRLEN];
	size_t n = 0;

	r->applied[0] = '\0';
	for (unsigned int i = 0; i < lo->dns_count && n < sizeof(r->applied); i++)
		n += (size_t)snprintf(r->applied + n, sizeof(r->applied) - n, "%s%s", n ? " " : "",
				      inet_ntop(AF_INET6, &lo->dns[i].addr, addr, sizeof(addr)));
	for (unsigned int i = 0; i < lo->domain_count && n < sizeof(r->applied); i++)
		n += (size_t)snprintf(r->applied + n, sizeof(r->applied) - n, "%s%s%s", n ? " " : "",
				      r->routing_only ? "~" : "", lo->domains[i].name);
	if (n && n < sizeof(r->applied))
		snprintf(r->applied + n, sizeof(r->applied) - n, " (%s)",
			 r->via == RESOLVED_DNS_RESOLVED ? "systemd-resolved" : r->via == RESOLVED_DNS_RESOLVCONF ? "resolvconf" : "not applied");
}

void resolved_dns_init(struct resolved_dns *r, int ifindex, const char *ifname, bool routing_only)
{
	memset(r, 0, sizeof(*r));
	r->ifindex = ifindex;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->routing_only = routing_only;
}

int resolved_dns_apply(struct resolved_dns *r, const struct link_options *lo, bool default_route, char *why,
		       size_t why_len)
{
	char resolved_why[256] = "not tried", resolvconf_why[128] = "not tried";
	bool undo = lo->dns_count == 0 && lo->domain_count == 0;
	int rc = 0;

	/* An undo goes back the way the set went. */
	if (undo && r->via == RESOLVED_DNS_NONE) {
		r->applied[0] = '\0';
		return 0;
	}
	if ((!undo || r->via == RESOLVED_DNS_RESOLVED) &&
	    via_resolved(r, lo, default_route, resolved_why, sizeof(resolved_why)) == 0) {
		r->via = undo ? RESOLVED_DNS_NONE : RESOLVED_DNS_RESOLVED;
	} else if ((!undo || r->via == RESOLVED_DNS_RESOLVCONF) &&
		   via_resolvconf(r, lo, resolvconf_why, sizeof(resolvconf_why)) == 0) {
		r->via = undo ? RESOLVED_DNS_NONE : RESOLVED_DNS_RESOLVCONF;
	} else {
		r->via = RESOLVED_DNS_NONE;
		snprintf(why, why_len, "the tunnel's DNS settings are not applied: %s; %s", resolved_why,
			 resolvconf_why);
		rc = -1;
	}
	if (r->via == RESOLVED_DNS_NONE && rc != 0 && !r->told_none) {
		fprintf(stderr, "iphttps-client: DNS: %s (install and run systemd-resolved, or resolvconf)\n", why);
		r->told_none = true;
	}
	describe(r, lo);
	return rc;
}
