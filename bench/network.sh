# Network benchmarks (issue 4, sourced by bench/run.sh), the docker CLI against every engine:
#
#   net-rps        requests per second of ApacheBench (`ab`, 2,000 requests for a small
#                  file, 1 and 8 at a time) to a busybox httpd through a port published on
#                  127.0.0.1, and to the same server on its container address directly: how
#                  much of the direct rate the published port keeps
#   net-first-200  from `run -d -p 127.0.0.1:P:80 … httpd` to the first HTTP 200 through
#                  the port (polled with bash's /dev/tcp, no process per try)
#   net-run-rm     `run --rm busybox true` on the default bridge against `--network none`:
#                  what a container's network costs (netns, veth, address, its removal)
#
# berthd only: the comparison dockerd (bench/dockerd.sh) runs without a bridge or iptables
# rules, so that benchmarking never leaves docker0 and DOCKER chains on the host; Docker's
# figures on this machine are the issue's, in brackets in RESULTS.md. Every container is
# removed after; ports are picked from 18000–18999.

NET_REQUESTS=${BENCH_NET_REQUESTS:-2000}

# The container's address on its first network, as inspect reports it.
net_container_ip() { # engine, container
  dk "$1" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$2"
}

# Requests per second from one ab run (retried once: ab gives up on a single reset).
net_ab_rps() { # concurrency, url
  local out
  out=$(ab -q -n "$NET_REQUESTS" -c "$1" "$2" 2>&1) || out=$(ab -q -n "$NET_REQUESTS" -c "$1" "$2" 2>&1) || {
    echo "bench: ab failed on $2: $out" >&2
    echo 0
    return
  }
  awk '/^Requests per second/ {print $4}' <<<"$out"
}

bench_net_rps() {
  echo "== published port vs container address: $NET_REQUESTS requests, ab -c 1 and -c 8"
  local e port=18080 ip c direct published
  for e in "${ENGINES[@]}"; do
    dk "$e" run -d --name bench-web -p "127.0.0.1:$port:80" busybox sh -c \
      'mkdir -p /www && echo hello-from-the-bench >/www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
    ip=$(net_container_ip "$e" bench-web)
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/index.html" >/dev/null && break; sleep 0.1; done
    for c in 1 8; do
      direct=$(net_ab_rps "$c" "http://$ip:80/index.html")
      published=$(net_ab_rps "$c" "http://127.0.0.1:$port/index.html")
      figure net-rps "$e direct -c $c" "$direct" "requests/s"
      figure net-rps "$e published 127.0.0.1 -c $c" "$published" "requests/s"
      figure net-rps "$e published/direct -c $c" "$(node -e 'console.log((100 * Number(process.argv[1]) / Number(process.argv[2])).toFixed(0))' "$published" "$direct")" "% of the direct rate"
    done
    dk "$e" rm -f bench-web >/dev/null
    port=$((port + 1))
  done
}

bench_net_first_200() {
  echo "== run -d -p … httpd → first HTTP 200 through the published port"
  local args=() e port=18180 wait_script
  wait_script=$TMP/net-wait-200.sh
  # Polls until an HTTP 200 comes back on 127.0.0.1:$1 (no process per try: bash's /dev/tcp).
  cat >"$wait_script" <<'EOF'
for _ in $(seq 1 20000); do
  if exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null; then
    printf 'GET /index.html HTTP/1.0\r\n\r\n' >&3
    IFS= read -r line <&3 || line=
    exec 3<&-
    [[ $line == *" 200 "* ]] && exit 0
  fi
done
exit 1
EOF
  for e in "${ENGINES[@]}"; do
    args+=(-n "docker CLI → $e" --prepare "$(dkcmd "$e") rm -f bench-first >/dev/null 2>&1 || true"
      "$(dkcmd "$e") run -d --name bench-first -p 127.0.0.1:$port:80 busybox sh -c 'mkdir -p /w && echo ok >/w/index.html && exec httpd -f -p 80 -h /w' >/dev/null && bash $wait_script $port")
    port=$((port + 1))
  done
  HF_RUNS=$SLOW hf net-first-200 "${args[@]}"
  figures_ms net-first-200
  for e in "${ENGINES[@]}"; do dk "$e" rm -f bench-first >/dev/null 2>&1 || true; done
}

bench_net_run_rm() {
  echo "== run --rm busybox true: default bridge against --network none"
  local args=() e bridge none
  for e in "${ENGINES[@]}"; do
    args+=(-n "bridge → $e" "$(dkcmd "$e") run --rm busybox true")
    args+=(-n "none → $e" "$(dkcmd "$e") run --rm --network none busybox true")
  done
  hf net-run-rm "${args[@]}"
  figures_ms net-run-rm
  for e in "${ENGINES[@]}"; do
    bridge=$(median_of "$OUT/net-run-rm.json" "bridge → $e")
    none=$(median_of "$OUT/net-run-rm.json" "none → $e")
    figure net-run-rm "bridge − none → $e" "$(node -e 'console.log(((Number(process.argv[1]) - Number(process.argv[2])) * 1000).toFixed(1))' "$bridge" "$none")" "ms added by the network"
  done
}

bench_network() {
  local saved=("${ENGINES[@]}")
  ENGINES=(berthd)
  bench_net_rps
  bench_net_first_200
  bench_net_run_rm
  ENGINES=("${saved[@]}")
}
