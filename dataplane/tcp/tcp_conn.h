/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TCP_CONN_H
#define IPHTTPS_TCP_CONN_H

/*
 * The TCP control block and the per-worker TCP state, shared by the tcp_*
 * files only. Sequence-number names follow RFC 9293 3.3.1.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mbuf.h>

#include "tcp.h"
#include "tcp_bufq.h"
#include "tcp_memory.h"
#include "worker.h"

struct iphttps_config; /* TCP reads its limits through a pointer; the header stays out */

enum tcp_state {
	TCP_CLOSED = 0,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSING,
	TCP_TIME_WAIT,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_STATE_COUNT,
};

/* TCP's protocol constants and fixed sizes, all in this one enum, with units
 * in the names (RFC 6298, 9293, 7323). Configurable limits are in
 * include/appliance_limits.h. */
enum tcp_limits {
	TCP_RTO_INITIAL_MS = 1000,      /* RFC 6298 2.1 */
	TCP_RTO_MIN_MS = 200,           /* below RFC 6298's 1 s, as Linux and FreeBSD do: LAN RTTs */
	TCP_RTO_MAX_MS = 60000,         /* RFC 6298 2.5 */
	TCP_SYNACK_RETRIES = 5,
	TCP_DATA_RETRIES = 12,          /* ~ 9 minutes with back-off capped at RTO_MAX */
	TCP_DELACK_MS = 40,
	TCP_MSL_MS = 30000,             /* TIME_WAIT = 2 MSL = 60 s */
	TCP_FIN_WAIT_2_TIMEOUT_MS = 60000,
	TCP_KEEPALIVE_IDLE_MS = 7200000,
	TCP_KEEPALIVE_INTERVAL_MS = 75000,
	TCP_KEEPALIVE_PROBES = 9,
	TCP_CLOSE_TIMEOUT_MS = 60000,   /* from our shutdown to the connection gone, at most (bar TIME-WAIT) */
	TCP_ORPHAN_PROBES = 5,          /* zero-window probes a connection we shut down may send (~32 s) */
	TCP_PERSIST_MIN_MS = 500,
	TCP_TLP_MIN_MS = 10,            /* RFC 8985 7.2: PTO = 2 SRTT, at least this */
	TCP_TLP_DELACK_MS = 50,         /* added when one segment is in flight: the peer may delay its ACK */
	TCP_PERSIST_MAX_MS = 60000,
	TCP_DEFAULT_MSS_IPV4 = 536,     /* RFC 9293 3.7.1: when the peer sends no MSS option */
	TCP_DEFAULT_MSS_IPV6 = 1220,
	TCP_MAX_WSCALE = 14,            /* RFC 7323 2.3 */
	TCP_DUPACK_THRESHOLD = 3,
	TCP_INITIAL_WINDOW_SEGMENTS = 10, /* RFC 6928 */
	TCP_TIMER_WHEEL_SLOTS = 4096,   /* one per ms: a 4 s horizon; later deadlines wait in the last slot */
	TCP_MAX_LISTENERS = 16,
	TCP_MAX_SACK_BLOCKS = 4,
	/* The most out-of-order segments one insertion or one SACK option walks
	 * (tcp_reass.c): what keeps a hostile peer's segments cheap, while the
	 * list itself may hold a grown window's worth (bounded by its mbufs). */
	TCP_OOO_WALK_MAX_SEGMENTS = 256,
	TCP_SCOREBOARD_BLOCKS = 6,      /* SACKed ranges the sender remembers (RFC 6675 scoreboard) */
	TCP_TSO_MAX_BYTES = 65000,      /* payload of one TSO super-segment, under the 64 KiB IP limit */
	TCP_CHALLENGE_ACKS_PER_SECOND = 1000, /* RFC 5961 7: a worker's challenge ACKs a second, on average */
	TCP_CHALLENGE_ACK_INTERVAL_MS = 500,  /* one challenge ACK per connection per this, at most */
	TCP_SYNCOOKIE_PERIOD_MS = 64000, /* a cookie's time counter ticks this often; it lives 1-2 periods */
	TCP_TS_RECENT_MAX_AGE_MS = 24u * 24 * 3600 * 1000, /* RFC 7323 5.5: 24 days */
	TCP_RCV_RTT_MAX_MS = 10000,     /* a longer echo is no RTT (an old or forged TSecr) */
	TCP_TTL = 64,                   /* hop limit of the segments we send */
	TCP_TAKE_MAX_SEGMENTS = 512,    /* mbufs tcp_take hands up in one chain */
	/* What TCP may hold of the mbuf pool (tcp_memory.h). */
	TCP_MEMORY_RESERVE_MBUFS = 512, /* beside the rings and caches: ARP, ND, ICMP, what we originate */
	TCP_MEMORY_MIN_BUDGET_MBUFS = 256, /* per worker, when the pool is too small for its reserve */
	TCP_MEMORY_MIN_SNDQ_MBUFS = 4,  /* a send queue may grow to this past the budget (a handshake flight) */
	TCP_MEMORY_PRUNE_SCAN_SLOTS = 1024, /* connection slots looked at per loop iteration under pressure */
	TCP_BATCH_CONNS = 256, /* connections a receive batch defers (more are served at once) */
};

enum tcp_flags_internal {
	TCPF_TS_OK = 1 << 0,       /* both sides sent timestamps (RFC 7323) */
	TCPF_SACK_OK = 1 << 1,     /* both sides sent SACK-permitted (RFC 2018) */
	TCPF_WS_OK = 1 << 2,       /* both sides sent window scale */
	TCPF_FIN_QUEUED = 1 << 3,  /* tcp_shutdown: FIN after the send queue */
	TCPF_FIN_SENT = 1 << 4,
	TCPF_ACK_NOW = 1 << 5,     /* send an ACK before leaving input */
	TCPF_DELACK = 1 << 6,      /* one segment's ACK is being delayed */
	TCPF_ACCEPTED = 1 << 7,    /* the layer above has it */
	TCPF_PEER_FIN = 1 << 8,    /* FIN received (rcv_nxt covers it) */
	TCPF_WANT_WRITABLE = 1 << 9,
	TCPF_IN_RECOVERY = 1 << 10, /* fast recovery (RFC 6582 / 6675) */
	TCPF_RTT_TIMING = 1 << 11, /* rtt_seq is being timed (no timestamps) */
	TCPF_TLP_PENDING = 1 << 12, /* t_rexmt is a tail loss probe timeout (RFC 8985 7) */
	/* The receive batch (tcp_input_batch_end): */
	TCPF_BATCHED = 1 << 13,         /* on the worker's list, run at the end of the batch */
	TCPF_READABLE_PENDING = 1 << 14, /* in-order data came: the layer above hears once, at the end */
	TCPF_ACK_BATCH = 1 << 15,       /* a second segment came: one ACK at the end covers the batch */
};

struct tcp_key {
	uint8_t family; /* 4 or 6 */
	uint8_t pad;
	uint16_t local_port;  /* network order */
	uint16_t remote_port; /* network order */
	uint16_t pad2;
	uint8_t local[16];    /* IPv4 in the first 4 bytes */
	uint8_t remote[16];
};

struct tcp_conn {
	struct tcp_key key;
	uint32_t index; /* position in the worker's flow table and conns[] */
	uint8_t state;
	uint8_t role;   /* the port (enum config_port_role) it came in on */
	uint8_t snd_wscale, rcv_wscale;
	uint16_t flags;
	uint16_t mss;   /* most payload bytes per segment we send */
	struct rte_ether_addr peer_mac;

	/* Send sequence space. */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t max_snd_wnd; /* the largest window the peer offered: RFC 5961 5.2's ACK range */
	/* Receive sequence space. */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: the right edge we last advertised */
	uint32_t rcvq_grown;            /* what the receive window's cap grew to (tcp_memory.c) */
	uint32_t rcv_epoch_seq, rcv_epoch_us; /* where and when the current RTT's measure began */
	uint32_t rcv_rtt_us;            /* the receiver's RTT, from our echoed TSvals (0: none yet) */

	/* RFC 7323 timestamps. */
	uint32_t ts_recent, ts_recent_age_ms, last_ack_sent;
	uint32_t last_challenge_ms; /* when we last sent this connection a challenge ACK (0: never) */

	/* RFC 6298 RTT estimation, in microseconds; RTO in milliseconds. */
	uint32_t srtt_us, rttvar_us, rto_ms;
	uint32_t rtt_seq;
	uint64_t rtt_start_us;
	uint8_t backoff, retries, dupacks, keep_probes;

	/* Congestion control (NewReno, RFC 5681 / 6582) and SACK recovery (RFC 6675). */
	uint32_t cwnd, ssthresh, recover;
	uint32_t sndq_grown; /* twice the largest cwnd so far: what the send queue may grow to (tcp_memory.c) */
	uint32_t high_rxt;  /* RFC 6675 HighRxt: end of the highest retransmission in this recovery */
	uint8_t sacked_count;
	uint32_t sacked[TCP_SCOREBOARD_BLOCKS][2]; /* SACKed ranges above snd_una, sorted, disjoint */

	/* Queues. */
	struct tcp_bufq sndq; /* from snd_una: unacknowledged, then unsent */
	struct tcp_bufq rcvq; /* in-order bytes not yet taken by the layer above */
	struct rte_mbuf *ooo;  /* out-of-order segments, sorted, linked by ->next, seq in ->hash.usr */
	struct rte_mbuf *ooo_tail; /* the last of them: where the rest of a window after a hole goes */
	uint32_t ooo_tail_run; /* where the contiguous run ending at ooo_tail begins (or a later point of it) */
	uint16_t ooo_count;
	uint32_t ooo_last_seq; /* seq of the latest out-of-order arrival: the first SACK block (RFC 2018 4) */

	/* Timers: absolute ms deadlines, 0 when off; one wheel entry at the earliest. */
	uint64_t t_rexmt, t_persist, t_delack, t_keep, t_2msl;
	uint64_t wheel_at;
	uint32_t wheel_prev, wheel_next;
	uint16_t wheel_slot; /* TCP_TIMER_WHEEL_SLOTS: on the list being run */

	/* The layer above. */
	const struct tcp_listener *listener;
	const struct tcp_upcalls *up;
	void *ctx;
};

struct tcp_listener {
	uint16_t port; /* network order */
	const struct tcp_upcalls *up;
	void *ctx;
};

/* Per-worker TCP state: owned by its worker. */
struct tcp_source_key {
	uint8_t family;
	uint8_t pad[3];
	uint8_t addr[16];
};

/* TCP's per-worker state: in tcp_workers[], indexed by the worker id, and
 * touched only by that worker (the control plane asks it: worker_command.h). */
struct tcp_worker {
	struct rte_hash *flows;
	struct tcp_conn *conns;
	struct rte_hash *sources;  /* remote address → position in source_count */
	uint32_t *source_count;    /* connections per remote address (limits.max_connections_per_source) */
	uint32_t capacity;
	uint32_t half_open;
	uint64_t syncookies_used_ms; /* when a cookie was last sent: ACKs may carry one */
	struct rate_budget challenge_acks; /* challenge ACKs sent this second (RFC 5961 7) */
	uint32_t challenge_limit;          /* this second's budget, drawn at random */
	uint64_t wheel_tick; /* last ms processed */
	uint32_t wheel[TCP_TIMER_WHEEL_SLOTS + 1]; /* the extra list: connections being run */
	uint64_t table_bytes; /* flow table + connection slots, as allocated at start-up */
	/* Mbufs held in this worker's TCP queues, and what they may reach (tcp_memory.c). */
	uint32_t queued_mbufs;
	uint32_t mbuf_high_water, mbuf_budget, mbuf_hard_limit;
	uint32_t mbuf_truesize; /* what one mbuf costs: buffer and header */
	uint32_t prune_cursor;
	/* Connections that took segments in this receive batch (slots in conns). */
	uint32_t batch[TCP_BATCH_CONNS];
	uint32_t batch_count;
} __rte_cache_aligned;

extern struct tcp_worker tcp_workers[CONFIG_MAX_WORKERS];

static inline struct tcp_worker *tcp_worker_of(const struct worker *w)
{
	return &tcp_workers[w->id];
}

/* Our window-scale shift: the smallest that fits the largest window we may offer in 16 bits. */
uint8_t tcp_rcv_wscale(const struct worker *w);

#define TCP_NO_INDEX UINT32_MAX

/* Sequence arithmetic (RFC 9293 3.4). */
static inline bool tcp_seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool tcp_seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool tcp_seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool tcp_seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
static inline uint32_t tcp_seq_max(uint32_t a, uint32_t b) { return tcp_seq_gt(a, b) ? a : b; }
static inline uint32_t tcp_seq_min(uint32_t a, uint32_t b) { return tcp_seq_lt(a, b) ? a : b; }

const char *tcp_state_name(enum tcp_state state);

struct worker;
struct iface;

/* TCP options of one segment (tcp_options.c). */
struct tcp_opts {
	bool has_mss, has_wscale, sack_permitted, has_ts;
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval, tsecr;
	uint8_t sack_count;
	uint32_t sack[TCP_MAX_SACK_BLOCKS][2];
};
int tcp_options_parse(const uint8_t *p, uint32_t len, struct tcp_opts *o);

/* tcp_flow.c: the per-worker flow table, connection slots, listeners. */
int tcp_worker_init(struct worker *w, const struct iphttps_config *config);
void tcp_worker_free(struct worker *w);
struct tcp_conn *tcp_flow_lookup(struct worker *w, const struct tcp_key *key);
struct tcp_conn *tcp_flow_create(struct worker *w, const struct tcp_key *key);
bool tcp_source_over_limit(struct worker *w, const struct tcp_key *key);
void tcp_conn_destroy(struct worker *w, struct tcp_conn *c);
void tcp_conn_finish(struct worker *w, struct tcp_conn *c, enum tcp_event event);
const struct tcp_listener *tcp_listener_find(uint16_t port_be);
uint32_t tcp_flow_count(const struct worker *w);

/* tcp_timer.c: the timer wheel, RTO (RFC 6298), the timer handlers. */
void tcp_timer_update(struct worker *w, struct tcp_conn *c);
void tcp_timer_remove(struct worker *w, struct tcp_conn *c);
void tcp_timer_run(struct worker *w);
void tcp_rtt_sample(struct tcp_conn *c, uint32_t rtt_us);
/*
 * The receiver's RTT (rcv_rtt_us), from the TSval of ours that a data
 * segment echoes, as Linux's tcp_rcv_rtt_measure_ts: a peer that only sends
 * gives the sender's estimate (srtt_us) no samples after the handshake.
 */
void tcp_rcv_rtt_sample(struct worker *w, struct tcp_conn *c, uint32_t tsecr);
void tcp_rexmt_restart(struct worker *w, struct tcp_conn *c);
void tcp_rexmt_arm(struct worker *w, struct tcp_conn *c);

/* tcp_output.c: segments out. */
void tcp_output(struct worker *w, struct tcp_conn *c);
void tcp_send_ack(struct worker *w, struct tcp_conn *c);
void tcp_send_synack(struct worker *w, struct tcp_conn *c);
void tcp_send_rst_conn(struct worker *w, struct tcp_conn *c);
void tcp_send_probe(struct worker *w, struct tcp_conn *c);
bool tcp_send_tail_probe(struct worker *w, struct tcp_conn *c);
void tcp_retransmit_first(struct worker *w, struct tcp_conn *c);
void tcp_send_reply(struct worker *w, uint8_t role, const struct tcp_key *key, const struct rte_ether_addr *mac,
		    uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window, const uint8_t *options,
		    uint8_t options_len);
uint32_t tcp_tsval(const struct worker *w);
uint8_t tcp_synack_options(uint8_t *buf, uint16_t mss, bool sack, bool ts, uint32_t tsval, uint32_t tsecr,
			   int wscale);

/* tcp_reass.c: out-of-order segments and the SACK blocks that describe them. */
void tcp_reass_insert(struct worker *w, struct tcp_conn *c, struct rte_mbuf *m, uint32_t seq);
void tcp_reass_pull(struct worker *w, struct tcp_conn *c);
unsigned int tcp_reass_sack_blocks(const struct tcp_conn *c, uint32_t blocks[][2], unsigned int max);
void tcp_reass_free(struct worker *w, struct tcp_conn *c);

/* tcp_isn.c: RFC 6528 initial sequence numbers and RFC 4987 SYN cookies. */
int tcp_secrets_init(void);
uint32_t tcp_isn(const struct tcp_key *key, uint64_t now_us);
uint32_t tcp_syncookie_make(const struct tcp_key *key, uint32_t peer_isn, unsigned int mss_index, uint64_t now_ms);
int tcp_syncookie_check(const struct tcp_key *key, uint32_t peer_isn, uint32_t cookie, uint64_t now_ms,
			unsigned int *mss_index);
extern const uint16_t tcp_syncookie_mss[8];

/* tcp_sack.c: the sender's scoreboard and RFC 6675 loss recovery. */
void tcp_sack_update(struct tcp_conn *c, const struct tcp_opts *o);
void tcp_sack_clear(struct tcp_conn *c);
uint32_t tcp_sack_pipe(const struct tcp_conn *c);
uint32_t tcp_sack_bytes(const struct tcp_conn *c);
bool tcp_sack_is_lost(const struct tcp_conn *c, uint32_t seq);
bool tcp_sack_next_hole(const struct tcp_conn *c, uint32_t room, uint32_t *seq, uint32_t *len);
static inline bool tcp_sack_recovery(const struct tcp_conn *c)
{
	return (c->flags & (TCPF_IN_RECOVERY | TCPF_SACK_OK)) == (TCPF_IN_RECOVERY | TCPF_SACK_OK);
}

/* tcp_cc.c: NewReno congestion control (RFC 5681, RFC 6582). */
void tcp_cc_init(struct tcp_conn *c);
void tcp_cc_ack(struct tcp_conn *c, uint32_t acked, uint32_t flight_before);
void tcp_cc_dupack(struct worker *w, struct tcp_conn *c);
bool tcp_cc_recovery_ack(struct worker *w, struct tcp_conn *c, uint32_t acked);
void tcp_cc_timeout(struct tcp_conn *c);

/* tcp_user.c: the upcalls, as the tcp_* files make them. */
void tcp_notify_readable(struct worker *w, struct tcp_conn *c);
void tcp_notify_writable(struct worker *w, struct tcp_conn *c);

/* The receive window we can offer now, in bytes. */
static inline uint32_t tcp_rcv_space(const struct worker *w, const struct tcp_conn *c)
{
	uint32_t used = c->rcvq.bytes, cap = tcp_memory_rcv_cap(w, c);

	return used >= cap ? 0 : cap - used;
}

/* Bytes in flight: sent and not yet acknowledged. */
static inline uint32_t tcp_flight(const struct tcp_conn *c)
{
	return c->snd_max - c->snd_una;
}

#endif
