/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_LIMITS_H
#define IPHTTPS_LIMITS_H

/*
 * The configurable limits: the sizes of the typed config, every setting's
 * range and default, with the unit in the name. The config schema
 * (conf/config.c) refers to these names so a limit is changed in one
 * place. Each datapath layer's fixed constants are in one enum in its own
 * main header (docs/ARCHITECTURE.md, "Limits and timeouts").
 */
enum iphttps_limits {
	/* Strings and tables inside the typed config (fixed so the config is one
	 * flat block that the datapath can read through one published pointer). */
	CONFIG_PATH_MAX_BYTES = 256,
	CONFIG_NAME_MAX_BYTES = 128,
	CONFIG_DEVICE_MAX_BYTES = 256,
	CONFIG_URI_MAX_BYTES = 128,
	CONFIG_CIPHERS_MAX_BYTES = 512,
	CONFIG_MAX_LISTENERS = 8,
	CONFIG_MAX_TRUSTED_PROXIES = 16,   /* prefixes per listener */
	CONFIG_MAX_ADDRESSES_PER_PORT = 4,
	CONFIG_MAX_SERVICE_ADDRESSES_PER_PORT = 4, /* anycast addresses routed to the port (ports.*.service_addresses) */
	CONFIG_MAX_ROUTES_PER_PORT = 16,
	CONFIG_MAX_EAL_ARGS = 16,
	CONFIG_MAX_WORKERS = 64,
	CONFIG_MAX_ERRORS = 256,

	/* [MS-IPHTTPS] §3.2.1: the link MTU is 1280 (IPv6 minimum); a larger link
	 * MTU may be configured for clients known to cope. */
	IPHTTPS_LINK_MTU_MIN_BYTES = 1280,
	IPHTTPS_LINK_MTU_MAX_BYTES = 65535,
	/* The Neighbor Cache: addresses one client may hold. A Windows host keeps
	 * a link-local, a stable address and a new temporary one each day, each
	 * valid for a week (RFC 8981): 16 covers that with room; the index is
	 * sized for every client holding all of them, so no client can fill it
	 * for the others. Unused ones age out (address_idle_timeout_s), and a
	 * client at its cap gives up its least recently used for a new one. */
	IPHTTPS_ADDRESSES_PER_CLIENT_MAX = 16,
	IPHTTPS_ADDRESSES_PER_CLIENT_DEFAULT = 16,
	IPHTTPS_ADDRESS_IDLE_MIN_S = 1,
	IPHTTPS_ADDRESS_IDLE_MAX_S = 30 * 24 * 3600,
	IPHTTPS_ADDRESS_IDLE_DEFAULT_S = 24 * 3600, /* a temporary address's preferred lifetime (RFC 8981) */
	/* A client's addresses are held for it after a disconnect: long enough
	 * for its prompt retry and the reconnect timer's first two attempts
	 * (30 s, 30 s: [MS-IPHTTPS] 3.1.2.1). The table holds this many per
	 * max_clients (a courtesy: when it is full, an address is not held). */
	IPHTTPS_ADDRESS_GRACE_DEFAULT_S = 120,
	IPHTTPS_ADDRESS_GRACE_MAX_S = 3600,
	IPHTTPS_ADDRESS_HOLDS_PER_CLIENT = 4,
	/* What the link's Router Advertisement tells the clients besides their
	 * prefix: DNS servers (RFC 8106 RDNSS: three, as a resolv.conf holds),
	 * search domains (DNSSL) and, for a split tunnel, the routes through the
	 * tunnel (RFC 4191 2.3: a router SHOULD NOT send more than 17 Route
	 * Information options). The whole RA must fit the IPv6 minimum MTU
	 * (IPHTTPS_RA_MAX_BYTES, checked when the file is loaded): every client
	 * takes 1,280-byte packets. */
	IPHTTPS_MAX_DNS_SERVERS = 3,
	IPHTTPS_MAX_DNS_SEARCH = 6,
	IPHTTPS_DNS_NAME_MAX_BYTES = 254, /* 253 characters and the NUL */
	IPHTTPS_MAX_CLIENT_ROUTES = 16,
	IPHTTPS_RA_MAX_BYTES = 1280 - 40, /* the ICMPv6 message: header and options */
	IPHTTPS_ADDRESS_HOLDS_MIN = 1024,

	PORT_MTU_MIN_BYTES = 1280,
	PORT_MTU_MAX_BYTES = 9000, /* what the schema parses; PORT_MTU_ONE_MBUF_BYTES is what works */
	/* A received frame must fit one mbuf of DPDK's default 2,048-byte data
	 * room (the datapath reads every header from the first segment and the
	 * ports do not scatter): Ethernet header 14 + a VLAN tag 4 + the MTU. */
	PORT_MBUF_DATA_ROOM_BYTES = 2048,
	PORT_MTU_ONE_MBUF_BYTES = PORT_MBUF_DATA_ROOM_BYTES - 14 - 4,
	PORT_DESCRIPTORS_MIN = 64,
	PORT_DESCRIPTORS_MAX = 16384,
	PORT_DESCRIPTORS_DEFAULT = 1024,

	MBUF_POOL_MIN_COUNT = 4096,
	MBUF_POOL_DEFAULT_COUNT = 16384,

	EAL_MEMORY_MIN_MB = 64,
	EAL_MEMORY_DEFAULT_MB = 512,

	WORKER_IDLE_SLEEP_MAX_US = 10000,
	CONTROL_STOP_DRAIN_MAX_S = 3600,   /* control.stop_drain_s; the unit's TimeoutStopSec must exceed it */
	WORKER_IDLE_SLEEP_DEFAULT_US = 100,

	LIMIT_MAX_CLIENTS_DEFAULT = 100000,
	LIMIT_MAX_CLIENTS_MAX = 4000000,
	LIMIT_CONNECTIONS_PER_WORKER_DEFAULT = 131072,
	LIMIT_CONNECTIONS_PER_SOURCE_DEFAULT = 1024, /* a hotel NAT hides many clients behind one address */
	LIMIT_QUEUE_BYTES_MIN = 4096,
	LIMIT_QUEUE_BYTES_MAX = 16 * 1024 * 1024,
	LIMIT_SEND_QUEUE_DEFAULT_BYTES = 256 * 1024,
	LIMIT_SEND_QUEUE_MAX_DEFAULT_BYTES = 4 * 1024 * 1024, /* Linux's tcp_wmem max */
	LIMIT_RECV_QUEUE_DEFAULT_BYTES = 256 * 1024,
	LIMIT_RECV_QUEUE_MAX_DEFAULT_BYTES = 4 * 1024 * 1024, /* as the send side; Linux's tcp_rmem max is 6 MiB */
	LIMIT_SYN_COOKIE_THRESHOLD_DEFAULT = 1024,
	/* About half a core of RSA-2048 signatures (openssl speed: 2,000 a
	 * second on this lab's cores): a storm leaves the worker the other half. */
	LIMIT_FULL_HANDSHAKES_PER_SECOND_DEFAULT = 500,
	LIMIT_FULL_HANDSHAKES_PER_SECOND_MAX = 1000000,
	LIMIT_SESSION_KBIT_PER_SECOND_MAX = 100 * 1000 * 1000, /* 100 Gbit/s */
	/* A machine certificate is one machine: more than a few sessions of one
	 * subject at once is a copied certificate, not a use to size for. */
	LIMIT_SESSIONS_PER_SUBJECT_MAX = 8,
	TIMEOUT_TLS_HANDSHAKE_DEFAULT_MS = 10000,
	TIMEOUT_HTTP_REQUEST_DEFAULT_MS = 10000,
	TIMEOUT_IDLE_SESSION_DEFAULT_S = 3600,
	TIMEOUT_MIN_MS = 100,
	TIMEOUT_MAX_MS = 3600 * 1000,
};

#endif
