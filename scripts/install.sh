#!/usr/bin/env bash
# Installs everything Berth needs on a Debian machine (as root) and builds it.
# Safe to run again: packages already present are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(runc busybox-static tini attr iptables iproute2 procps util-linux gcc libc6-dev libssl-dev hyperfine apache2-utils skopeo docker-registry zstd docker-compose)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
npm run --silent build
