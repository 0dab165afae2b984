#!/usr/bin/env python3
"""The dependency rules of DESIGN.md, checked on the source tree.

Layers, lowest first: include/ (shared by all), proto/, then dataplane/core,
net, tcp, tls, session, link, and dataplane/*.[ch] at the top. A file may
include headers of its own layer and the layers below; never a header of a
layer above, never one of control/ or conf/ (the config loader), and never by a path (a path include
would get round the per-layer include directories the Makefile gives each
layer). proto/ is pure: no DPDK or OpenSSL header. The control plane (control/)
reads the datapath only through the headers in CONTROL_VIEWS: each layer's
view of itself (tcp_admin.h, session_admin.h, net_admin.h ...), never a
layer's own structures (tcp_conn.h, nexthop.h, client_index.h).

usage: check_layers.py ROOT     prints one line per violation; exit 1 if any
"""
import os
import re
import sys

LAYERS = ["proto", "dataplane/core", "dataplane/net", "dataplane/tcp", "dataplane/tls",
          "dataplane/session", "dataplane/link", "dataplane"]
# What control/ may include from the datapath, by layer.
CONTROL_VIEWS = {
    "dataplane/core": {"log.h", "log_peer.h", "published_config.h", "worker.h", "worker_command.h"},
    "dataplane/net": {"net_admin.h", "port_stats.h", "port.h"},
    "dataplane/tcp": {"tcp_admin.h"},
    "dataplane/tls": {"tls_context.h", "tls_ticket_keys.h", "tls_ocsp_staple.h", "tls_session.h"},
    "dataplane/session": {"session_admin.h", "session_events.h"},
    "dataplane/link": set(),
    "dataplane": {"datapath.h", "worker_counters.h"},
}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def layer_of(root, path):
    rel = os.path.relpath(os.path.dirname(path), root)
    return LAYERS.index(rel) if rel in LAYERS else None


def header_homes(root):
    """Header name -> the folder it lives in (include, conf, control, or a layer)."""
    homes = {}
    for folder in ["include", "conf", "control"] + LAYERS:
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            if name.endswith(".h"):
                homes.setdefault(name, []).append(folder)
    return homes


def check(root):
    homes = header_homes(root)
    problems = []
    for name, folders in homes.items():
        if len(folders) > 1:
            problems.append(f"{name}: one name in several folders ({', '.join(folders)}): includes are ambiguous")
    for folder in LAYERS:
        d = os.path.join(root, folder)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(d, name)
            mine = layer_of(root, path)
            text = open(path, encoding="utf-8").read()
            for m in INCLUDE_RE.finditer(text):
                kind, target = m.group(1), m.group(2)
                line = text.count("\n", 0, m.start()) + 1
                where = f"{folder}/{name}:{line}"
                if kind == "<":
                    if folder == "proto" and (target.startswith("rte_") or target.startswith("openssl/")):
                        problems.append(f"{where}: proto/ is pure, yet includes <{target}>")
                    continue
                if "/" in target:
                    problems.append(f'{where}: "{target}" is included by a path; name the header alone')
                    continue
                found = homes.get(target)
                if not found:
                    continue  # a system header in quotes, or a generated one: not ours to place
                home = found[0]
                if home == "include":
                    continue
                if home in ("control", "conf"):
                    problems.append(f'{where}: includes "{target}" from {home}/: the datapath never reaches the control plane '
                                    'or its config loader (the typed config is include/appliance_config.h)')
                    continue
                if LAYERS.index(home) > mine:
                    problems.append(f'{where}: includes "{target}" from {home}, a layer above {folder}')
    d = os.path.join(root, "control")
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if not name.endswith((".c", ".h")):
            continue
        text = open(os.path.join(d, name), encoding="utf-8").read()
        for m in INCLUDE_RE.finditer(text):
            found = homes.get(m.group(2))
            if m.group(1) != '"' or not found or found[0] not in CONTROL_VIEWS:
                continue
            if m.group(2) not in CONTROL_VIEWS[found[0]]:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f'control/{name}:{line}: includes "{m.group(2)}" from {found[0]}: the control plane '
                                f'reads a layer through its view ({", ".join(sorted(CONTROL_VIEWS[found[0]])) or "none"})')
    return problems


if __name__ == "__main__":
    found = check(sys.argv[1] if len(sys.argv) > 1 else ".")
    for p in found:
        print(p)
    sys.exit(1 if found else 0)
