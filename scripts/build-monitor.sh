#!/usr/bin/env bash
# Compiles berth-monitor, the small C process that supervises one container
# (see docs/runtime.md). Output: dist/bin/berth-monitor.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist/bin
src=src/runtime/monitor/berth-monitor.c
[[ -f "$src" ]] || exit 0
out=dist/bin/berth-monitor
if [[ ! -x "$out" || "$src" -nt "$out" ]]; then
  cc -O2 -Wall -Wextra -Werror -std=gnu11 -o "$out.tmp" "$src"
  mv "$out.tmp" "$out"
fi
