#!/usr/bin/env bash
# The man pages: each renders with no troff warning; iphttpsctl(8) documents
# every command iphttpsctl has (its own help lists them); iphttpsd.yaml(5) is
# what man/config_man.py makes of docs/CONFIG.md, and that table names every
# key the loader's schema has (conf/config.c).
# usage: tests/static/test_man.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
source tests/lib/check.sh

for page in man/man8/iphttpsd.8 man/man8/iphttpsctl.8 man/man8/iphttps-client.8 man/man5/iphttpsd.yaml.5; do
	out=$(groff -man -ww -z "$page" 2>&1)
	[ -n "$out" ] && echo "$out" | sed 's/^/    /'
	check "$page renders without a troff warning" test -z "$out"
	check "and man finds it by name" bash -c 'MANPATH=$PWD/man man -w "$(basename "${1%.*}")" >/dev/null' _ "$page"
done
commands=$("$build/iphttpsctl" help | awk '/^commands:/ {on = 1; next} on && NF {print $1}')
missing=""
for c in $commands; do
	grep -q "^\.B[RI]* *\"*${c//-/\\\\-}" man/man8/iphttpsctl.8 || missing+=" $c"
done
check "iphttpsctl(8) documents each of iphttpsctl's $(wc -w <<<"$commands") commands (missing:${missing:- none})" test -z "$missing"
options=$("$build/iphttps-client" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u)
missing=""
for o in $options; do
	grep -qF -- "${o//-/\\-}" man/man8/iphttps-client.8 || missing+=" $o"
done
check "iphttps-client(8) documents each of its $(wc -w <<<"$options") options (missing:${missing:- none})" test -z "$missing"
check "iphttpsd.yaml(5) is up to date with docs/CONFIG.md" python3 man/config_man.py --check
# Every leaf key of the schema, as "section.key", is in the CONFIG.md table.
keys=$(python3 - <<'PY'
import re
src = open("conf/config.c").read()
tables = dict(re.findall(r"static const struct field (\w+)\[\] = \{(.*?)\n\};", src, re.S))
def keys_of(table, prefix):
    out = []
    for m in re.finditer(r'(?:\.key = |UINT_FIELD\()"(\w+)"(.*?)(?=\n\t(?:\{|UINT_FIELD)|\Z)', tables[table], re.S):
        key, rest = m.group(1), m.group(2)
        child = re.search(r"\.children = (\w+)", rest)
        name = f"{prefix}{key}"
        if child and child.group(1) in tables and key not in ("listeners",):
            sub = "ports.*." if child.group(1) == "port_fields" else name + "."
            if child.group(1) == "ports_fields":
                continue
            out += keys_of(child.group(1), sub)
        else:
            out.append(name)
    return out
print("\n".join(keys_of("root_fields", "")))
PY
)
undocumented=""
for k in $keys; do
	grep -q "\`$k\`\|\`${k##*.}\`" docs/CONFIG.md || undocumented+=" $k"
done
check "docs/CONFIG.md documents every key of the schema ($(wc -w <<<"$keys") keys; missing:${undocumented:- none})" \
	test -z "$undocumented"
check_finish
