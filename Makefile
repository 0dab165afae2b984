# SPDX-License-Identifier: BSD-3-Clause
# iphttps: `make` builds the appliance and its CLI; `make test` runs every tier.

PKGS        := libdpdk openssl yaml-0.1
CC          ?= cc
BUILD       ?= build
WERROR      ?= -Werror
CFLAGS_BASE := -std=gnu11 -O2 -g -Wall -Wextra $(WERROR) -Wno-address-of-packed-member \
               -D_GNU_SOURCE -Iinclude -Icontrol -Idataplane
# DPDK's headers need the CPU flags of the build machine (vector paths in rte_*).
DPDK_CFLAGS := $(shell pkg-config --cflags libdpdk) -march=native
DPDK_LIBS   := $(shell pkg-config --libs libdpdk)
SSL_LIBS    := $(shell pkg-config --libs openssl)
YAML_LIBS   := $(shell pkg-config --libs yaml-0.1)
CUNIT_LIBS  := $(shell pkg-config --libs cunit)

CONFIG_SRC    := control/config.c control/config_yaml.c
DATAPLANE_SRC := $(wildcard dataplane/*.c)
DAEMON_SRC    := $(DATAPLANE_SRC) $(CONFIG_SRC) control/eal_args.c control/telemetry.c control/iphttpsd.c

all: $(BUILD)/iphttpsd $(BUILD)/iphttpsctl config/pki/server.crt

$(BUILD):
	mkdir -p $@

$(BUILD)/iphttpsd: $(DAEMON_SRC) $(wildcard dataplane/*.h include/*.h control/*.h) | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(DPDK_CFLAGS) $(CFLAGS) -o $@ $(DAEMON_SRC) $(DPDK_LIBS) $(SSL_LIBS) $(YAML_LIBS) $(LDFLAGS)

$(BUILD)/iphttpsctl: control/iphttpsctl.c $(CONFIG_SRC) $(wildcard include/*.h control/*.h) | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -o $@ control/iphttpsctl.c $(CONFIG_SRC) $(YAML_LIBS) $(LDFLAGS)

# The lab's certificates: generated, never committed (config/ examples refer to them).
config/pki/server.crt: tests/lib/make-pki.sh
	tests/lib/make-pki.sh config/pki

# Unit tests (CUnit): one binary per module.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/%,$(wildcard tests/unit/test_*.c))

$(BUILD)/test_config: tests/unit/test_config.c $(CONFIG_SRC) $(wildcard include/*.h control/*.h) | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(CFLAGS) -o $@ tests/unit/test_config.c $(CONFIG_SRC) $(YAML_LIBS) $(CUNIT_LIBS)

# Datapath tests link the whole datapath and the config loader (tests/unit/harness.h).
$(BUILD)/test_%: tests/unit/test_%.c tests/unit/harness.h $(DATAPLANE_SRC) $(CONFIG_SRC) $(wildcard dataplane/*.h include/*.h) | $(BUILD)
	$(CC) $(CFLAGS_BASE) $(DPDK_CFLAGS) $(CFLAGS) -o $@ $< $(DATAPLANE_SRC) $(CONFIG_SRC) $(DPDK_LIBS) -lrte_net_ring $(SSL_LIBS) $(YAML_LIBS) $(CUNIT_LIBS)

unit: $(UNIT_TESTS)

test: all unit
	tests/run.sh $(BUILD)

test-unit: all unit
	tests/run.sh --unit-only $(BUILD)

# Benchmarks: figures beside a baseline measured in the same run (bench/).
$(BUILD)/kernel_echo: bench/kernel_echo.c | $(BUILD)
	$(CC) -O2 -Wall -Wextra $(WERROR) -o $@ $<

$(BUILD)/echo_bench: bench/echo_bench.c | $(BUILD)
	$(CC) -O2 -Wall -Wextra $(WERROR) -o $@ $<

bench-tcp: all $(BUILD)/kernel_echo $(BUILD)/echo_bench
	bench/bench_tcp.sh

bench: bench-tcp

lab: all
	tests/lab.sh up

lab-down:
	tests/lab.sh down

clean:
	rm -rf $(BUILD) config/pki

.PHONY: all unit test test-unit lab lab-down clean bench bench-tcp
