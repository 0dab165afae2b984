# SPDX-License-Identifier: BSD-3-Clause
# iphttps: `make` builds the appliance and its CLI; `make test` runs every tier.

# A bare `make` builds what `make all` builds, whatever rule comes first
# (tests/static/test_make_default.sh).
.DEFAULT_GOAL := all

PKGS        := libdpdk openssl yaml-0.1
CC          ?= cc
BUILD       ?= build
WERROR      ?= -Werror
CFLAGS_BASE := -std=gnu11 -O2 -g -Wall -Wextra $(WERROR) -Wno-address-of-packed-member -D_GNU_SOURCE
# DPDK's headers need the CPU flags of the build machine (vector paths in rte_*).
DPDK_CFLAGS := $(shell pkg-config --cflags libdpdk 2>/dev/null) -march=native
DPDK_LIBS   := $(shell pkg-config --libs libdpdk 2>/dev/null)
SSL_LIBS    := $(shell pkg-config --libs openssl 2>/dev/null)
# jansson: the client's status file (JSON), written by the client and read by `iphttps-client status`.
JSON_LIBS   := $(shell pkg-config --libs jansson 2>/dev/null)
# libmnl: the client's rtnetlink (its address, routes and TUN settings), not `ip` run as a program.
MNL_LIBS    := $(shell pkg-config --libs libmnl 2>/dev/null)
# libmicrohttpd: the appliance's management HTTP (/metrics, /health), polled by the main lcore.
MHD_LIBS    := $(shell pkg-config --libs libmicrohttpd 2>/dev/null)
YAML_LIBS   := $(shell pkg-config --libs yaml-0.1 2>/dev/null)
CUNIT_LIBS  := $(shell pkg-config --libs cunit 2>/dev/null)

# The layers, lowest first (DESIGN.md "Dependency rules", docs/ARCHITECTURE.md).
# Each layer's files are compiled with the include paths of that layer and the
# layers below it only, so an #include that goes up a layer (or into control/)
# does not compile. dataplane/*.c, the top, starts the layers and runs the loop;
# control/ (the main lcore) sits above the whole datapath.
INC_proto            := -Iinclude -Iproto
INC_dataplane/core   := $(INC_proto) -Idataplane/core
INC_dataplane/net    := $(INC_dataplane/core) -Idataplane/net
INC_dataplane/tcp    := $(INC_dataplane/net) -Idataplane/tcp
INC_dataplane/tls    := $(INC_dataplane/tcp) -Idataplane/tls
INC_dataplane/session:= $(INC_dataplane/tls) -Idataplane/session
INC_dataplane/link   := $(INC_dataplane/session) -Idataplane/link
INC_dataplane        := $(INC_dataplane/link) -Idataplane
INC_control          := $(INC_dataplane) -Icontrol
# iphttpsctl never sees the datapath: the shared headers and the config loader only.
INC_ctl              := -Iinclude -Icontrol
# The include flags of the folder a source file is in.
inc_of = $(INC_$(patsubst %/,%,$(dir $(1))))

# The compiler flags of one layer (tests/static/test_layers.sh compiles with them).
print-layer-flags:
	@echo $(CFLAGS_BASE) $(INC_$(LAYER)) $(DPDK_CFLAGS)

CONFIG_SRC    := control/config.c control/config_yaml.c
PROTO_SRC     := $(wildcard proto/*.c)
DATAPLANE_SRC := $(PROTO_SRC) $(wildcard dataplane/*/*.c dataplane/*.c)
HEADERS       := $(wildcard include/*.h proto/*.h dataplane/*.h dataplane/*/*.h control/*.h)

# The datapath is compiled once into objects that the daemon and every datapath
# test link (each object depends on every header: simple, and never stale).
DATAPLANE_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(DATAPLANE_SRC))
CONFIG_OBJ    := $(patsubst %.c,$(BUILD)/obj/%.o,$(CONFIG_SRC))
# The control plane: every control/ file but the two other programs' mains.
CONTROL_SRC   := $(filter-out $(CONFIG_SRC) control/iphttpsctl.c,$(wildcard control/*.c))
DAEMON_OBJ    := $(DATAPLANE_OBJ) $(CONFIG_OBJ) $(patsubst %.c,$(BUILD)/obj/%.o,$(CONTROL_SRC))

all: $(BUILD)/iphttpsd $(BUILD)/iphttpsctl $(BUILD)/iphttps-client config/pki/server.crt

$(BUILD):
	mkdir -p $@

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(call inc_of,$<) $(DPDK_CFLAGS) $(CFLAGS) -c -o $@ $<

# proto/ is pure: compiled without DPDK's include paths, so it cannot use them.
$(BUILD)/obj/proto/%.o: proto/%.c $(wildcard include/*.h proto/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(INC_proto) $(CFLAGS) -c -o $@ $<

$(BUILD)/iphttpsd: $(DAEMON_OBJ) | $(BUILD)
	$(CC) -o $@ $(DAEMON_OBJ) $(DPDK_LIBS) $(SSL_LIBS) $(YAML_LIBS) $(JSON_LIBS) $(MHD_LIBS) $(LDFLAGS)

# iphttpsctl: the config loader (check) and the control protocol, never the datapath.
CTL_SRC := control/iphttpsctl.c control/control_protocol.c $(CONFIG_SRC)
$(BUILD)/iphttpsctl: $(CTL_SRC) $(wildcard include/*.h control/*.h) | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(INC_ctl) $(CFLAGS) -o $@ $(CTL_SRC) $(YAML_LIBS) $(JSON_LIBS) $(LDFLAGS)

# iphttps-client links the pure proto/ code the appliance links, never the datapath.
# It also links the appliance's YAML schema walker, so its config errors read the same.
CLIENT_SRC := $(wildcard client/*.c) proto/framer.c proto/http_status.c proto/client_request.c control/config_yaml.c
$(BUILD)/iphttps-client: $(CLIENT_SRC) $(wildcard client/*.h proto/*.h include/*.h) control/config_yaml.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iclient $(INC_proto) -Icontrol $(CFLAGS) -o $@ $(CLIENT_SRC) $(SSL_LIBS) $(JSON_LIBS) $(YAML_LIBS) $(MNL_LIBS) $(LDFLAGS)

# The lab's certificates: generated, never committed (config/ examples refer to them).
config/pki/server.crt: tests/lib/make-pki.sh
	tests/lib/make-pki.sh config/pki

# Unit tests (CUnit): one binary per module.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/test_config: tests/unit/test_config.c $(CONFIG_SRC) $(wildcard include/*.h control/*.h) | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(INC_ctl) $(CFLAGS) -o $@ tests/unit/test_config.c $(CONFIG_SRC) $(YAML_LIBS) $(CUNIT_LIBS)

# The control plane's pure parts: the protocol, and the reload diff with the config loader.
$(BUILD)/test_control_protocol: tests/unit/test_control_protocol.c control/control_protocol.c include/control_protocol.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(INC_ctl) $(CFLAGS) -o $@ $(filter %.c,$^) $(JSON_LIBS) $(CUNIT_LIBS)

$(BUILD)/test_config_diff: tests/unit/test_config_diff.c control/config_diff.c $(CONFIG_SRC) $(wildcard include/*.h control/*.h) tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(INC_ctl) $(CFLAGS) -o $@ $(filter %.c,$^) $(YAML_LIBS) $(CUNIT_LIBS)

# Tests of the pure parsers link only the module they test.
PURE_CFLAGS = $(CFLAGS_BASE) $(INC_proto) $(CFLAGS)
$(BUILD)/test_http_request: tests/unit/test_http_request.c proto/http_request.c proto/http_response.c proto/http_request.h proto/http_response.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(PURE_CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_framer: tests/unit/test_framer.c proto/framer.c proto/framer.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(PURE_CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_internet_checksum: tests/unit/test_internet_checksum.c proto/internet_checksum.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(PURE_CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_client_request: tests/unit/test_client_request.c proto/client_request.c proto/client_request.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(PURE_CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_http_status: tests/unit/test_http_status.c proto/http_status.c proto/http_status.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(PURE_CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_proxy_protocol: tests/unit/test_proxy_protocol.c proto/proxy_protocol.c proto/proxy_protocol.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(PURE_CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

# The client's pure modules (client/): no DPDK, no network.
$(BUILD)/test_reconnect_timer: tests/unit/test_reconnect_timer.c client/reconnect_timer.c client/reconnect_timer.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient $(CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_link_liveness: tests/unit/test_link_liveness.c client/link_liveness.c client/link_liveness.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient $(CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_proxy_auth: tests/unit/test_proxy_auth.c client/proxy_auth.c client/proxy_auth.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient $(CFLAGS) -o $@ $(filter %.c,$^) $(SSL_LIBS) $(CUNIT_LIBS)

$(BUILD)/test_socks5: tests/unit/test_socks5.c client/socks5.c client/socks5.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient $(CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_client_status: tests/unit/test_client_status.c client/client_status.c client/client_status.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient $(CFLAGS) -o $@ $(filter %.c,$^) $(JSON_LIBS) $(CUNIT_LIBS)

$(BUILD)/test_client_config: tests/unit/test_client_config.c client/client_config.c client/client_config.h client/link_liveness.h client/proxy_url.c control/config_yaml.c control/config_yaml.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient -Icontrol $(CFLAGS) -o $@ $(filter %.c,$^) $(YAML_LIBS) $(CUNIT_LIBS)

$(BUILD)/test_nd_packets: tests/unit/test_nd_packets.c client/nd_packets.c client/nd_packets.h client/ra_policy.c client/ra_policy.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient $(CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_tun_offload: tests/unit/test_tun_offload.c client/tun_offload.c client/tun_offload.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient $(CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

$(BUILD)/test_proxy_url: tests/unit/test_proxy_url.c client/proxy_url.c client/proxy_url.h tests/unit/unit_runner.h | $(BUILD)
	$(CC) $(CFLAGS_BASE) -Iinclude -Iproto -Iclient $(CFLAGS) -o $@ $(filter %.c,$^) $(CUNIT_LIBS)

# Datapath tests link the whole datapath and the config loader (tests/unit/harness.h);
# they may look into any layer.
$(BUILD)/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(DATAPLANE_OBJ) $(CONFIG_OBJ) $(HEADERS) | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(INC_dataplane) $(DPDK_CFLAGS) $(CFLAGS) -o $@ $< $(DATAPLANE_OBJ) $(CONFIG_OBJ) $(DPDK_LIBS) -lrte_net_ring $(SSL_LIBS) $(YAML_LIBS) $(CUNIT_LIBS)

unit: $(UNIT_TESTS)

# The sanitizer tier: the same CUnit tests (the in-process TLS session tests
# among them) built with AddressSanitizer and UndefinedBehaviorSanitizer into
# $(BUILD)/asan; make test runs both builds.
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
unit-asan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/asan CFLAGS="$(SANITIZE)" LDFLAGS="$(SANITIZE)" unit

# libFuzzer harnesses, one per parser (tests/fuzz/): built with clang, ASan and
# UBSan; `make test` runs each for FUZZ_TEST_SECONDS, `make fuzz` for FUZZ_SECONDS.
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -Wall -Wextra $(WERROR) -D_GNU_SOURCE $(INC_proto)
FUZZ_TARGETS := $(BUILD)/fuzz_http_request $(BUILD)/fuzz_framer $(BUILD)/fuzz_proxy_protocol $(BUILD)/fuzz_http_status \
                $(BUILD)/fuzz_client_replies
FUZZ_SECONDS ?= 300

$(BUILD)/fuzz_http_request: tests/fuzz/fuzz_http_request.c proto/http_request.c proto/http_response.c proto/http_request.h | $(BUILD)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^)

$(BUILD)/fuzz_framer: tests/fuzz/fuzz_framer.c proto/framer.c proto/framer.h | $(BUILD)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^)

$(BUILD)/fuzz_proxy_protocol: tests/fuzz/fuzz_proxy_protocol.c proto/proxy_protocol.c proto/proxy_protocol.h | $(BUILD)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^)

$(BUILD)/fuzz_http_status: tests/fuzz/fuzz_http_status.c proto/http_status.c proto/http_status.h | $(BUILD)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^)

$(BUILD)/fuzz_client_replies: tests/fuzz/fuzz_client_replies.c client/socks5.c client/nd_packets.c client/socks5.h client/nd_packets.h | $(BUILD)
	$(FUZZ_CC) $(FUZZ_FLAGS) -Iclient -o $@ $(filter %.c,$^)

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

test: deps
	$(MAKE) all unit unit-asan fuzz-build
	tests/run.sh $(BUILD)

deps:
	tests/lib/install-deps.sh

test-unit: all unit unit-asan fuzz-build
	tests/run.sh --unit-only $(BUILD)

# Benchmarks: figures beside a baseline measured in the same run (bench/).
$(BUILD)/kernel_echo: bench/kernel_echo.c | $(BUILD)
	$(CC) -O2 -Wall -Wextra $(WERROR) -o $@ $<

$(BUILD)/echo_bench: bench/echo_bench.c | $(BUILD)
	$(CC) -O2 -Wall -Wextra $(WERROR) -o $@ $<

bench-tcp: all $(BUILD)/kernel_echo $(BUILD)/echo_bench
	bench/bench_tcp.sh

$(BUILD)/tls_bench: bench/tls_bench.c | $(BUILD)
	$(CC) -O2 -Wall -Wextra $(WERROR) -o $@ $< $(SSL_LIBS)

$(BUILD)/tls_memory_handshake: bench/tls_memory_handshake.c | $(BUILD)
	$(CC) -O2 -Wall -Wextra $(WERROR) -o $@ $< $(SSL_LIBS)

bench-tls: all $(BUILD)/tls_bench $(BUILD)/tls_memory_handshake
	bench/bench_tls.sh

bench-tunnel: all
	bench/bench_tunnel.sh

# The PMDs' knobs on the ceiling and the tunnel alike (~12 minutes; not part of `make bench`).
bench-pmd-options: all
	bench/bench_pmd_options.sh

# A client 40 ms away (a delay line): windows and send queues that grow, beside them fixed.
bench-far-client: all
	bench/bench_far_client.sh

bench-setup: all
	bench/bench_setup.sh

bench-control: all
	bench/bench_control.sh

# Every benchmark, then each ratio beside its record in bench/ratios.tsv:
# one more than a third worse is flagged and fails the target.
BENCH_ALL := tcp tls tunnel far-client setup control
bench: all
	bench/bench_all.sh $(BUILD)/bench-logs $(BENCH_ALL)

# The lab installs what it needs itself (a fresh Debian 12 machine has no DPDK).
lab:
	tests/lib/install-deps.sh
	$(MAKE) all
	tests/lab.sh up

lab-down:
	tests/lab.sh down

clean:
	rm -rf $(BUILD) config/pki

.PHONY: deps print-layer-flags all unit unit-asan fuzz fuzz-build test test-unit lab lab-down clean bench bench-tcp bench-tls bench-tunnel bench-pmd-options bench-far-client bench-setup bench-control
