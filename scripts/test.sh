#!/usr/bin/env bash
# Builds and runs the tests with node's built-in runner.
#   scripts/test.sh              every test (unit, then integration)
#   scripts/test.sh unit         unit tests beside the code (src/**/*.test.ts)
#   scripts/test.sh integration  tests that start a real berthd (test/**/*.test.ts)
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
which="${1:-all}"
files=()
if [[ "$which" == all || "$which" == unit ]]; then
  while IFS= read -r f; do files+=("$f"); done < <(find dist/src -name '*.test.js' | sort)
fi
if [[ "$which" == all || "$which" == integration ]]; then
  while IFS= read -r f; do files+=("$f"); done < <(find dist/test -name '*.test.js' 2>/dev/null | sort)
fi
if [[ ${#files[@]} -eq 0 ]]; then echo "no test files found" >&2; exit 1; fi
# Integration tests share the kernel (mounts, cgroups, runc state): run files one at a time.
exec node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
