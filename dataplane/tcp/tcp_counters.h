/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TCP_COUNTERS_H
#define IPHTTPS_TCP_COUNTERS_H

/*
 * The TCP layer's counters: segments, connections, their drops and their
 * defences (SYN cookies, challenge ACKs, memory).
 * Each X(name, help) is one per-worker counter: counter(w, name)++ counts it,
 * the control plane exports it under its name with its help. A layer declares
 * the counters it counts; its slots follow those of the layer below, so that
 * a file can count only what its own layer and the ones below declare
 * (dataplane/core/counters.h; dataplane/worker_counters.h collects them all).
 */

#include "net_counters.h"

#define TCP_COUNTERS(X) \
	X(drop_tcp_truncated, "TCP shorter than its header") \
	X(drop_tcp_bad_header_length, "TCP data offset under 5 or beyond the segment") \
	X(drop_tcp_bad_checksum, "TCP checksum wrong") \
	X(drop_tcp_bad_flags, "TCP flag combination no stack sends (SYN+FIN, SYN+RST, none)") \
	X(drop_tcp_multicast_destination, "TCP to a multicast or broadcast address (never answered)") \
	X(drop_tcp_no_listener, "segment for no connection and no listener (RST sent)") \
	X(drop_tcp_syn_unanswered, "SYNs to a listener not answering now (stopping or draining): left to the peer's retry") \
	X(drop_tcp_no_connection, "non-SYN segment for no connection (RST sent unless RST)") \
	X(drop_tcp_conn_limit, "SYN refused: the worker's connection table is full") \
	X(drop_tcp_source_limit, "SYN refused: too many connections from this address") \
	X(drop_tcp_paws, "segment with an old timestamp (RFC 7323 PAWS)") \
	X(drop_tcp_out_of_window, "segment outside the receive window (ACK sent)") \
	X(drop_tcp_ack_unsent, "ACK for data not yet sent (RFC 5961 5.2)") \
	X(drop_tcp_ack_too_old, "ACK older than the send window allows (RFC 5961 5.2)") \
	X(drop_tcp_no_ack, "segment without ACK in a synchronized state") \
	X(drop_tcp_rst_out_of_window, "RST outside the window") \
	X(drop_tcp_bad_syn_ack_ack, "ACK completing a handshake with the wrong number") \
	X(drop_tcp_rcvq_full, "payload beyond the receive queue (window violated)") \
	X(drop_tcp_ooo_full, "out-of-order segment whose place lies too far into the list of those waiting") \
	X(drop_tcp_ooo_pressure, "out-of-order segment refused: the worker's TCP mbufs past the high-water mark") \
	X(drop_tcp_rcv_memory, "segment refused: the connection's receive mbufs at their cap (2 x the queue)") \
	X(drop_tcp_rcv_pressure, "in-order segment refused: the worker's TCP mbufs at their budget") \
	X(tcp_ooo_pruned, "out-of-order mbufs freed under pool pressure (the peer sends them again)") \
	X(tcp_recv_window_grown, "connections whose receive window outgrew limits.tcp_recv_queue_bytes as the peer filled it") \
	X(tcp_send_queue_grown, "connections whose send queue outgrew limits.tcp_send_queue_bytes with their cwnd") \
	X(drop_tcp_bad_syncookie, "ACK with an invalid or expired SYN cookie") \
	X(tcp_rx_segments, "TCP segments received for the appliance") \
	X(tcp_segments_handed_over, "segments for no connection here, handed to the next worker") \
	X(tcp_segments_received_from_worker, "segments another worker handed over to this one") \
	X(drop_tcp_handover_full, "segments not handed over: the next worker's inbox was full") \
	X(tcp_tx_segments, "TCP segments sent") \
	X(tcp_tso_frames, "frames of several segments handed to a port to cut (TSO)") \
	X(tcp_tso_segments, "segments in those frames, cut by the port (counted in tcp_tx_segments too)") \
	X(tcp_rx_checksum_verified_by_port, "TCP checksums the port verified (RX offload): not summed again here") \
	X(tcp_rx_checksum_bad_by_port, "TCP checksums the port found wrong (RX offload); counted in drop_tcp_bad_checksum too") \
	X(tcp_tx_bytes, "TCP payload bytes sent, retransmissions included") \
	X(tcp_rx_bytes, "TCP payload bytes delivered in order") \
	X(tcp_retransmits, "segments retransmitted") \
	X(tcp_rto_expired, "retransmission timeouts") \
	X(tcp_fast_retransmits, "fast retransmits (3 duplicate ACKs)") \
	X(tcp_tail_loss_probes, "tail loss probes sent (RFC 8985)") \
	X(tcp_ooo_segments, "segments queued out of order") \
	X(tcp_passive_opens, "SYNs accepted (SYN-ACK sent)") \
	X(tcp_established, "connections established") \
	X(tcp_closed, "connections closed in order") \
	X(tcp_resets_received, "connections reset by the peer") \
	X(tcp_resets_sent, "RST segments sent") \
	X(tcp_timeouts, "connections dropped after retransmission or keepalive timeouts") \
	X(tcp_close_timeouts, "connections we shut down, reset past the close deadline or probe limit") \
	X(tcp_challenge_acks, "challenge ACKs sent (RFC 5961)") \
	X(drop_tcp_challenge_ack_limit, "challenge ACKs not sent: over the worker's per-second budget") \
	X(drop_tcp_challenge_ack_conn_limit, "challenge ACKs not sent: one went to this connection lately") \
	X(tcp_syncookies_sent, "SYN-ACKs carrying a SYN cookie (RFC 4987)") \
	X(tcp_syncookies_accepted, "connections created from a valid SYN cookie") \
	X(tcp_persist_probes, "zero-window probes sent") \
	X(tcp_keepalive_probes, "keepalive probes sent") \
	X(tcp_time_wait_reused, "TIME_WAIT connections replaced by a new SYN (RFC 6191)")

enum tcp_counter {
	TCP_COUNTER_BEFORE = NET_COUNTER_END - 1,
	TCP_COUNTERS(COUNTER_ENUM)
	TCP_COUNTER_END
};

#endif
