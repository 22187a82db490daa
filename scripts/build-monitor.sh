#!/usr/bin/env bash
# Compiles berth-monitor, the small C process that supervises one task
# (see docs/runtime-monitor.md). Output: dist/bin/berth-monitor.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist/bin
dir=src/runtime/monitor
[[ -f "$dir/berth-monitor.c" ]] || exit 0
out=dist/bin/berth-monitor
stale=0
[[ -x "$out" ]] || stale=1
for f in "$dir"/*.c "$dir"/*.h; do [[ "$f" -nt "$out" ]] && stale=1; done
if (( stale )); then
  cc -O2 -static -Wall -Wextra -Werror -std=gnu11 -o "$out.tmp" "$dir"/*.c
  mv "$out.tmp" "$out"
fi

# berth-blob-sink: the registry's upload data path (src/registry/native/). Linked
# dynamically with OpenSSL's libcrypto (its SHA-256 uses the CPU's SHA extensions).
sink_src=src/registry/native/berth-blob-sink.c
sink_out=dist/bin/berth-blob-sink
if [[ -f "$sink_src" && ( ! -x "$sink_out" || "$sink_src" -nt "$sink_out" ) ]]; then
  cc -O2 -Wall -Wextra -Werror -std=gnu11 -o "$sink_out.tmp" "$sink_src" -lcrypto
  mv "$sink_out.tmp" "$sink_out"
fi
