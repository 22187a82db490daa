# Resident memory (sourced by bench/run.sh): each engine's daemons idle
# (berthd and its command helper; dockerd and its containerd), and
# the cost of one running container, averaged over 10: the daemons' growth
# plus the per-container supervisor (berth-monitor; containerd-shim for
# dockerd). The container's own processes are not counted for either.

# RSS (KiB) of an engine's long-lived daemons.
daemon_rss() {
  case $1 in
    berthd) sum_rss_kib "$BERTHD_PID" $(pgrep -P "$BERTHD_PID" -f -- '--spawner') ;; # + its command helper
    berthd-baseline) sum_rss_kib "$BASE_PID" $(pgrep -P "$BASE_PID" -f -- '--spawner') ;;
    dockerd) sum_rss_kib "$DOCKERD_PID" $(pgrep -P "$DOCKERD_PID" -x containerd) ;;
  esac
}

# Pids of the per-container supervisors of an engine.
supervisors() {
  case $1 in
    berthd) pids_with "--attach-socket $TMP/run/c/" ;;
    berthd-baseline) pids_with "--attach-socket $TMP/base-run/c/" ;;
    dockerd) for p in $(pids_with "$DOCKERD_DIR/exec/containerd/containerd.sock"); do
        grep -q containerd-shim "/proc/$p/cmdline" 2>/dev/null && echo "$p"
      done ;;
  esac
}

# Each engine's idle RSS, as figure $1: at start (after the busybox image, before any benchmark
# grew a heap) and after the suite (all containers removed, 2 s of quiet).
record_idle_rss() {
  local e rss
  for e in "${ENGINES[@]}"; do
    rss=$(daemon_rss "$e")
    figure "$1" "$e" "$((rss / 1024))" "MiB RSS ($rss KiB)"
  done
}

bench_memory() {
  echo "== resident memory per running container"
  local e idle busy sup n
  for e in "${ENGINES[@]}"; do
    rm_all "$e"
    sleep 2
    idle=$(daemon_rss "$e")
    for _ in $(seq 1 10); do dk "$e" run -d busybox sleep 600 >/dev/null; done
    sleep 2
    busy=$(daemon_rss "$e")
    sup=$(supervisors "$e")
    n=$(echo "$sup" | grep -c . || true)
    sup=$(sum_rss_kib $sup)
    figure memory-per-container "$e" "$(((busy - idle + sup) / 10))" \
      "KiB per running container (daemons $idle → $busy KiB, $n supervisors $sup KiB, over 10)"
    rm_all "$e"
  done
}
