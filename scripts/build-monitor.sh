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
