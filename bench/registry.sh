# Registry benchmarks (issue 5, sourced by bench/run.sh): one ~300 MB image of four
# layers of random bytes (made by berthd from busybox, so every engine moves the same bytes),
# on loopback only.
#
#   registry-skopeo  skopeo copying the image (OCI layout → registry, registry → dir:)
#                    to `berth registry serve` and to Debian's CNCF distribution registry.
#                    The push source is an OCI layout of the already-compressed layers
#                    (made once, untimed): from a docker-archive skopeo gzips every layer
#                    as it sends and its own compression, not the registry, sets the pace.
#   registry-engine  `docker push` / `docker pull` of the image through berthd and,
#                    when bench/dockerd.sh started one, through dockerd, to berth's registry
#
# Throughput is the image's bytes (the sum of its layers, uncompressed as stored) over the
# median wall time. Each timed pull starts from an empty place: the --prepare step removes
# the image (engines) or the target directory (skopeo). Registries run from temp roots and
# are stopped after.

REG_MIB_PER_LAYER=${BENCH_REG_MIB_PER_LAYER:-75}

# Starts a registry on a free loopback port; prints "pid host" on stdout.
reg_start_berth() { # root
  local log=$1.log port
  node dist/src/cmd/berth.js registry serve --addr 127.0.0.1:0 --root "$1" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$' || true)
    [[ -n $port ]] && break
    sleep 0.1
  done
  echo "$pid 127.0.0.1:$port"
}

reg_start_distribution() { # root
  local port
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  cat >"$1.yml" <<EOF
version: 0.1
log: { level: error }
storage: { filesystem: { rootdirectory: $1 }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$port }
EOF
  docker-registry serve "$1.yml" >"$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break || sleep 0.1; done
  echo "$pid 127.0.0.1:$port"
}

bench_registry() {
  local ctx=$TMP/reg-ctx bytes archive=$TMP/reg-image.tar b d bhost dhost bpid dpid args=() e
  echo "== registry: a $((4 * REG_MIB_PER_LAYER)) MiB image of 4 layers (building it)"
  mkdir -p "$ctx"
  {
    echo 'FROM busybox'
    for i in 1 2 3 4; do echo "RUN head -c $((REG_MIB_PER_LAYER * 1048576)) /dev/urandom >/layer$i"; done
  } >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 dk berthd build -q -t bench-reg:latest "$ctx" >/dev/null
  bytes=$(dk berthd image inspect -f '{{.Size}}' bench-reg:latest)
  dk berthd save bench-reg:latest >"$archive"

  skopeo copy -q "docker-archive:$archive" "oci:$TMP/reg-oci:latest"

  read -r bpid bhost < <(reg_start_berth "$TMP/reg-berth")
  read -r dpid dhost < <(reg_start_distribution "$TMP/reg-distribution")
  echo "berth registry on $bhost, distribution on $dhost"

  echo "== registry: skopeo push and pull, berth registry vs CNCF distribution"
  for r in "berth $bhost" "distribution $dhost"; do
    set -- $r
    # Each push to an empty registry: its storage is removed under the running server (no cache
    # is configured for distribution; berth's server reads from disk), so every layer is sent.
    args+=(-n "skopeo push → $1" --prepare "rm -rf $TMP/reg-$1/docker $TMP/reg-$1/blobs $TMP/reg-$1/repositories"
      "skopeo copy -q --dest-tls-verify=false oci:$TMP/reg-oci:latest docker://$2/bench/reg:latest")
  done
  HF_RUNS=$SLOW HF_WARMUP=1 hf registry-skopeo-push "${args[@]}"
  for r in "berth $bhost" "distribution $dhost"; do
    set -- $r
    skopeo copy -q --dest-tls-verify=false "oci:$TMP/reg-oci:latest" "docker://$2/bench/reg:latest"
  done
  args=()
  for r in "berth $bhost" "distribution $dhost"; do
    set -- $r
    args+=(-n "skopeo pull ← $1" --prepare "rm -rf $TMP/reg-pulled" "skopeo copy -q --src-tls-verify=false docker://$2/bench/reg:latest dir:$TMP/reg-pulled")
  done
  HF_RUNS=$SLOW HF_WARMUP=1 hf registry-skopeo-pull "${args[@]}"
  rm -rf "$TMP/reg-pulled"
  for r in berth distribution; do
    figure_mbps registry-skopeo "push → $r" "$bytes" "$OUT/registry-skopeo-push.json" "skopeo push → $r"
    figure_mbps registry-skopeo "pull ← $r" "$bytes" "$OUT/registry-skopeo-pull.json" "skopeo pull ← $r"
  done

  echo "== registry: docker push and pull through each engine, to the berth registry"
  for e in "${ENGINES[@]}"; do
    [[ $e == berthd ]] || dk berthd save bench-reg:latest | dk "$e" load >/dev/null
    dk "$e" tag bench-reg:latest "$bhost/bench/$e:latest"
  done
  args=()
  for e in "${ENGINES[@]}"; do
    # A fresh repository name each run: the registry must take every layer again.
    args+=(-n "docker push via $e" --prepare "rm -rf $TMP/reg-berth/repositories/bench/$e $TMP/reg-berth/blobs; true"
      "$(dkcmd "$e") push -q $bhost/bench/$e:latest")
  done
  # --prepare empties the registry's storage under the running server (as GC deletes files under
  # it): every timed push uploads all four layers.
  HF_RUNS=$SLOW HF_WARMUP=1 hf registry-engine-push "${args[@]}"
  args=()
  for e in "${ENGINES[@]}"; do
    dk "$e" push -q "$bhost/bench/$e:latest" >/dev/null
    # Only the registry's tag is left, so removing it removes the image and its layers: every pull downloads.
    dk "$e" rmi bench-reg:latest >/dev/null
    args+=(-n "docker pull via $e" --prepare "$(dkcmd "$e") rmi -f $bhost/bench/$e:latest >/dev/null 2>&1; true"
      "$(dkcmd "$e") pull -q $bhost/bench/$e:latest")
  done
  HF_RUNS=$SLOW HF_WARMUP=1 hf registry-engine-pull "${args[@]}"
  for e in "${ENGINES[@]}"; do
    figure_mbps registry-engine "push via $e" "$bytes" "$OUT/registry-engine-push.json" "docker push via $e"
    figure_mbps registry-engine "pull via $e" "$bytes" "$OUT/registry-engine-pull.json" "docker pull via $e"
    dk "$e" rmi -f "$bhost/bench/$e:latest" >/dev/null 2>&1 || true
  done
  # The servers are not this shell's children (started in a process substitution): wait by polling.
  kill "$bpid" "$dpid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$bpid" 2>/dev/null || kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
  rm -rf "$ctx" "$archive" "$TMP"/reg-berth* "$TMP"/reg-dist* "$TMP/reg-oci"
}
