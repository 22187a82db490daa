# Latency benchmarks (sourced by bench/run.sh): run --rm, exec, ps -a, and
# 50 detached runs 8 at a time. hyperfine times every command; medians go
# to figures.tsv.

bench_run_rm() {
  echo "== run --rm busybox true"
  local args=() e
  for e in "${ENGINES[@]}"; do args+=(-n "docker CLI → $e" "$(dkcmd "$e") run --rm busybox true"); done
  args+=(-n "berth CLI → berthd" "$BERTH run --rm busybox true")
  args+=(-n "bare runc run" "runc --root $TMP/bare run --bundle $TMP/bundle bench-bare")
  hf run-rm "${args[@]}"
  figures_ms run-rm
}

bench_exec() {
  echo "== exec true (a running container)"
  local args=() e
  for e in "${ENGINES[@]}"; do
    dk "$e" run -d --name bench-exec busybox sleep 3600 >/dev/null
    args+=(-n "docker CLI → $e" "$(dkcmd "$e") exec bench-exec true")
  done
  # runc's own exec into a running bare container: the floor under any engine's exec.
  runc --root "$TMP/bare" run --detach --bundle "$TMP/bundle-sleep" bench-bare-sleep >/dev/null 2>&1 </dev/null
  args+=(-n "bare runc exec" "runc --root $TMP/bare exec bench-bare-sleep true")
  hf exec "${args[@]}"
  figures_ms exec
  runc --root "$TMP/bare" delete -f bench-bare-sleep >/dev/null 2>&1 || true
  for e in "${ENGINES[@]}"; do dk "$e" rm -f bench-exec >/dev/null; done
}

bench_ps() {
  echo "== ps -a with 100 containers"
  local args=() e
  for e in "${ENGINES[@]}"; do
    seq 1 100 | xargs -P 4 -I{} $(dkcmd "$e") create --name ps-{} busybox true >/dev/null
    args+=(-n "docker CLI → $e" "$(dkcmd "$e") ps -a")
  done
  hf ps "${args[@]}"
  figures_ms ps
  for e in "${ENGINES[@]}"; do rm_all "$e"; done
}

bench_run_d_50() {
  echo "== 50 run -d, 8 at a time (wall time)"
  local args=() e
  for e in "${ENGINES[@]}"; do
    args+=(-n "docker CLI → $e" "seq 1 50 | xargs -P 8 -I{} $(dkcmd "$e") run -d busybox sleep 600")
  done
  args+=(-n "bare runc run -d" "seq 1 50 | xargs -P 8 -I{} runc --root $TMP/bare-d run --detach --bundle $TMP/bundle-sleep bench-d-{}")
  # Every run starts from no containers; the removal (bench/run.sh's reset script) is not timed.
  HF_RUNS=$SLOW HF_WARMUP=1 hf run-d-50 --prepare "bash $RESET" "${args[@]}"
  figures_ms run-d-50
  bash "$RESET"
}
