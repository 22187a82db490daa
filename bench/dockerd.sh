# A real dockerd (Debian's docker.io, 20.10) as a comparison column, started
# only for the benchmark and removed after: its own containerd, data root and
# exec root under /tmp/dockerd-bench, no bridge, no iptables rules. Sourced by
# bench/run.sh; nothing else in the project uses dockerd. When docker.io is
# not installed (or BENCH_DOCKERD=0), the dockerd columns are skipped.

DOCKERD_DIR=/tmp/dockerd-bench
DOCKERD_SOCK=$DOCKERD_DIR/d.sock
DOCKERD_PID=
DOCKERD_KEY_EXISTED=1

dockerd_wanted() {
  [[ ${BENCH_DOCKERD:-auto} != 0 ]] && command -v dockerd >/dev/null && command -v containerd >/dev/null
}

# Starts dockerd and loads the busybox image from berthd into it; returns 1 (and cleans up) on failure.
dockerd_start() {
  if [[ -e $DOCKERD_DIR ]]; then
    echo "bench: $DOCKERD_DIR exists (another benchmark running, or a leftover): skipping dockerd" >&2
    return 1
  fi
  mkdir -p "$DOCKERD_DIR"
  echo '{}' >"$DOCKERD_DIR/daemon.json"
  # dockerd 20.10 writes a trust key to /etc/docker/key.json; remove it after if it was not there.
  [[ -e /etc/docker/key.json ]] || DOCKERD_KEY_EXISTED=0
  dockerd --host "unix://$DOCKERD_SOCK" --data-root "$DOCKERD_DIR/root" --exec-root "$DOCKERD_DIR/exec" \
    --pidfile "$DOCKERD_DIR/d.pid" --config-file "$DOCKERD_DIR/daemon.json" \
    --bridge=none --iptables=false --ip-masq=false --ip-forward=false --userland-proxy=false \
    --storage-driver overlay2 >"$DOCKERD_DIR/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  local ok=0
  for _ in $(seq 1 150); do
    if "$DOCKER" -H "unix://$DOCKERD_SOCK" version >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.2
  done
  if [[ $ok != 1 ]]; then
    echo "bench: dockerd did not start (see below); skipping dockerd" >&2
    tail -5 "$DOCKERD_DIR/dockerd.log" >&2
    dockerd_stop
    return 1
  fi
  add_engine dockerd "unix://$DOCKERD_SOCK"
  dk berthd save busybox | dk dockerd load >/dev/null
}

# Stops dockerd and its containerd and removes everything they made.
dockerd_stop() {
  local errexit=0
  [[ $- != *e* ]] || errexit=1
  set +e
  if [[ -n $DOCKERD_PID ]]; then
    local ids
    ids=$("$DOCKER" -H "unix://$DOCKERD_SOCK" ps -aq 2>/dev/null)
    [[ -z $ids ]] || "$DOCKER" -H "unix://$DOCKERD_SOCK" rm -f $ids >/dev/null 2>&1
    kill "$DOCKERD_PID" 2>/dev/null
    wait "$DOCKERD_PID" 2>/dev/null
    DOCKERD_PID=
  fi
  # containerd normally exits with dockerd; shims of containers removed above are gone too.
  local p
  for p in $(pids_with "$DOCKERD_DIR/"); do kill "$p" 2>/dev/null; done
  sleep 0.5
  for p in $(pids_with "$DOCKERD_DIR/"); do kill -9 "$p" 2>/dev/null; done
  grep -o " $DOCKERD_DIR[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf "$DOCKERD_DIR"
  [[ $DOCKERD_KEY_EXISTED == 1 ]] || rm -f /etc/docker/key.json
  # cgroup v1 leaves the (now empty) "docker" groups behind.
  for p in /sys/fs/cgroup/*/docker; do [[ -d $p ]] && rmdir "$p" 2>/dev/null; done
  [[ $errexit == 0 ]] || set -e
}
