# Throughput benchmarks (sourced by bench/run.sh): commit, save, load.
# hyperfine times each operation; MB/s = bytes moved / median time
# (MB = 10^6 bytes). Between timed runs the image made is removed again
# (--prepare), so every run does the whole job.

COMMIT_MIB=${BENCH_COMMIT_MIB:-200}
SAVE_MIB=${BENCH_SAVE_MIB:-286} # ~300 MB

# A stopped container named $2 that wrote $3 MiB of random data to /data.bin.
writer_container() { # engine, name, MiB
  dk "$1" rm -f "$2" >/dev/null 2>&1 || true
  dk "$1" run --name "$2" busybox dd if=/dev/urandom of=/data.bin bs=1M count="$3" 2>/dev/null
}

# A script removing the named image from every engine (hyperfine --prepare).
rmi_script() { # image
  local f=$TMP/rmi-${1//[:\/]/-}.sh e
  : >"$f"
  for e in "${ENGINES[@]}"; do echo "$(dkcmd "$e") rmi -f $1 >/dev/null 2>&1 || true" >>"$f"; done
  echo "$f"
}

bench_commit() {
  echo "== commit of a container that wrote $COMMIT_MIB MiB"
  local args=() e
  for e in "${ENGINES[@]}"; do
    writer_container "$e" bench-w"$COMMIT_MIB" "$COMMIT_MIB"
    args+=(-n "docker CLI → $e" "$(dkcmd "$e") commit bench-w$COMMIT_MIB bench-commit")
  done
  local bytes=$((COMMIT_MIB * 1024 * 1024))
  # Bare floor: the same bytes copied once on this disk and fsynced (a layer must be written at least once).
  dd if=/dev/urandom of="$TMP/commit-src.bin" bs=1M count="$COMMIT_MIB" 2>/dev/null
  args+=(-n "bare cp + fsync" "cp $TMP/commit-src.bin $TMP/commit-dst.bin && sync $TMP/commit-dst.bin")
  HF_RUNS=$SLOW HF_WARMUP=1 hf commit --prepare "bash $(rmi_script bench-commit); rm -f $TMP/commit-dst.bin" "${args[@]}"
  for e in "${ENGINES[@]}"; do figure_mbps commit "docker CLI → $e" "$bytes" "$OUT/commit.json" "docker CLI → $e"; done
  figure_mbps commit "bare cp + fsync" "$bytes" "$OUT/commit.json" "bare cp + fsync"
  bash "$(rmi_script bench-commit)"
  rm -f "$TMP/commit-src.bin" "$TMP/commit-dst.bin"
  for e in "${ENGINES[@]}"; do dk "$e" rm -f bench-w"$COMMIT_MIB" >/dev/null; done
}

bench_save_load() {
  echo "== save and load of a ~300 MB image"
  local save=() load=() e
  for e in "${ENGINES[@]}"; do
    writer_container "$e" bench-w"$SAVE_MIB" "$SAVE_MIB"
    dk "$e" commit bench-w"$SAVE_MIB" bench-big >/dev/null
    dk "$e" rm -f bench-w"$SAVE_MIB" >/dev/null
    save+=(-n "docker CLI → $e" "$(dkcmd "$e") save -o $TMP/save-$e.tar bench-big")
    load+=(-n "docker CLI → $e" "$(dkcmd "$e") load -q -i $TMP/save-$e.tar")
  done
  HF_RUNS=$SLOW HF_WARMUP=1 hf save --prepare "rm -f $TMP/save-*.tar" "${save[@]}"
  for e in "${ENGINES[@]}"; do
    [[ -f $TMP/save-$e.tar ]] || dk "$e" save -o "$TMP/save-$e.tar" bench-big
    figure_mbps save "docker CLI → $e" "$(stat -c %s "$TMP/save-$e.tar")" "$OUT/save.json" "docker CLI → $e"
  done
  HF_RUNS=$SLOW HF_WARMUP=1 hf load --prepare "bash $(rmi_script bench-big)" "${load[@]}"
  for e in "${ENGINES[@]}"; do
    figure_mbps load "docker CLI → $e" "$(stat -c %s "$TMP/save-$e.tar")" "$OUT/load.json" "docker CLI → $e"
  done
  bash "$(rmi_script bench-big)"
  rm -f "$TMP"/save-*.tar
}
