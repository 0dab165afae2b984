/* SPDX-License-Identifier: BSD-3-Clause */
#include "l4_input.h"

#include "iface.h"
#include "net_counters.h"
#include "worker.h"

/* Written before the workers start, read-only while they run. */
static l4_input_fn handlers[256];

void l4_input_register(uint8_t ip_proto, l4_input_fn fn)
{
	handlers[ip_proto] = fn;
}

void l4_input(struct worker *w, const struct iface *ifc, uint8_t ip_proto, struct rte_mbuf *m)
{
	l4_input_fn fn = handlers[ip_proto];

	if (fn)
		fn(w, ifc, m);
	else
		worker_drop(w, m, drop_l4_no_service);
}
