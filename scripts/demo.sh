#!/usr/bin/env bash
# The main job: start berthd on its default socket and data root (unless one
# already runs there), make the busybox base image, build the demo app
# (examples/demo-app) and run it, run containers, and say what happened at
# each step.
set -euo pipefail
cd "$(dirname "$0")/.."
SOCK=/run/berth/berth.sock
export DOCKER_HOST="unix://$SOCK"
berth() { bin/berth "$@"; }

if ! berth version >/dev/null 2>&1; then
  mkdir -p /run/berth /var/log
  echo "==> starting berthd (socket $SOCK, data root /var/lib/berth, log /var/log/berthd.log)"
  nohup bin/berthd >>/var/log/berthd.log 2>&1 &
  for _ in $(seq 1 100); do berth version >/dev/null 2>&1 && break; sleep 0.1; done
fi
berth version
echo "==> making the busybox base image from Debian's busybox-static"
berth image bootstrap busybox
berth images
echo "==> berth run --rm busybox: a real container (own pid, mount, uts, ipc and net namespaces)"
berth run --rm --hostname demo busybox sh -c 'echo "hello from $(hostname), I am pid $$"; echo "kernel: $(uname -r)"; ls /'
echo "==> berth build: a two-stage Dockerfile (examples/demo-app), then the same build again from the cache"
berth build --build-arg GREETING=hi -t demo-app:1 examples/demo-app
berth build --build-arg GREETING=hi -t demo-app:1 examples/demo-app | grep -c 'Using cache' | sed 's/$/ steps reused from the cache/'
berth run --rm demo-app:1
berth image layers demo-app:1
echo "==> a detached container, its logs, an exec into it"
berth rm -f demo-web >/dev/null 2>&1 || true
berth run -d --name demo-web busybox sh -c 'while true; do echo "tick $(date +%T)"; sleep 1; done'
sleep 1.5
berth ps
berth logs demo-web
berth exec demo-web ps
berth rm -f demo-web
echo "==> a user-defined network and a named volume: a web server found by name, its port published on the host"
berth rm -f demo-web demo-api >/dev/null 2>&1 || true
berth network rm demo-net >/dev/null 2>&1 || true
berth volume rm demo-data >/dev/null 2>&1 || true
berth network create demo-net >/dev/null
berth volume create demo-data >/dev/null
berth run -d --name demo-web --network demo-net --network-alias web -p 127.0.0.1::80 -v demo-data:/www busybox \
  sh -c 'echo "hello from a volume" >/www/index.html; exec httpd -f -p 80 -h /www' >/dev/null
berth port demo-web
port=$(berth port demo-web 80/tcp | head -1 | sed 's/.*://')
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/index.html" && break; sleep 0.1; done
berth run --rm --network demo-net busybox wget -qO- http://web/index.html
berth rm -f demo-web >/dev/null
berth run --rm -v demo-data:/data busybox cat /data/index.html
berth network rm demo-net >/dev/null
berth volume rm demo-data >/dev/null
echo "==> berth compose: two services, web waiting for api to be healthy, api found by its service name"
berth compose -f examples/demo-compose/compose.yaml down -v >/dev/null 2>&1 || true
berth compose -f examples/demo-compose/compose.yaml up -d --wait
berth compose -f examples/demo-compose/compose.yaml ps
port=$(berth compose -f examples/demo-compose/compose.yaml port web 80 | sed 's/.*://')
curl -sf "http://127.0.0.1:$port/index.html"
berth events --since 2m --until 0s --filter event=health_status --format '{{.Actor.Attributes.name}} {{.Action}}'
berth compose -f examples/demo-compose/compose.yaml down -v
berth system df
echo "==> done. berthd keeps running; point the docker CLI at it with: export DOCKER_HOST=$DOCKER_HOST"
