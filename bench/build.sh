# Build benchmarks (issue 3, sourced by bench/run.sh): `docker build` with
# the legacy builder (DOCKER_BUILDKIT=0, POST /build) against every engine.
#
#   build-cached         fully cached rebuild of a 10-instruction multi-stage Dockerfile
#   build-cold           the same with --no-cache; beside it `docker run --rm` of the
#                        RUN's command on the same engine, for the per-step overhead
#   build-bigctx-cold    COPY of a 290 MiB, 20,000-file context (--no-cache); beside it
#                        the floors: `tar -c` of the context, and `tar -c | tar -x` of it
#   build-bigctx-cached  the same rebuilt with every step cached (the context is still
#                        sent and hashed: that is what a cache hit of COPY costs)
#
# The context is generated once per run under $TMP with deterministic
# pseudo-random content (AES-CTR keystream under a fixed key, sizes from a
# seeded PRNG), so every run and engine copies the same bytes. Between timed
# cold builds the previous image is removed (--prepare, not timed), so disk use
# stays bounded; after the benchmarks every image they made is removed from
# every engine, dangling ones included, and so is the context.
#
#   BENCH_BUILD_CTX_MIB=290 BENCH_BUILD_CTX_FILES=20000   size of the big context
#
# Reading the big-context figures: on ext4 without a journal (the development
# VM's root), an inode freed in the last 60 s (300 s while its inode-table
# block is dirty) is skipped when allocating, with a buffer lookup for each,
# so creating 20,000 files soon after deleting 20,000 costs up to ~0.8 ms of
# kernel CPU per file (fs/ext4/ialloc.c, recently_deleted). Every engine pays
# it (each build unpacks the context and deletes it after); the
# `tar -c | tar -x` column, run after deleting its previous copy, shows it.

BUILD_CTX_MIB=${BENCH_BUILD_CTX_MIB:-290}
BUILD_CTX_FILES=${BENCH_BUILD_CTX_FILES:-20000}
BUILD_STEPS=10 # instructions in the small Dockerfile below
BUILD_RUN_CMD='tr a-z A-Z <hello.txt >/out.txt'

# The docker CLI with the legacy builder, aimed at one engine, as a string for hyperfine.
dkbuild() { # engine
  echo "DOCKER_BUILDKIT=0 $(dkcmd "$1") build"
}

# The small multi-stage context: 10 instructions, one RUN, one file.
build_small_context() { # dir
  mkdir -p "$1"
  echo 'hello from the berth build benchmark' >"$1/hello.txt"
  cat >"$1/Dockerfile" <<EOF
FROM busybox AS build
WORKDIR /src
COPY hello.txt .
RUN $BUILD_RUN_CMD
FROM busybox
ENV GREETING=hello
COPY --from=build /out.txt /app/out.txt
EXPOSE 8080
LABEL org.berth.bench=build
CMD ["cat", "/app/out.txt"]
EOF
}

# The big context: $BUILD_CTX_FILES files totalling exactly $BUILD_CTX_MIB MiB in
# 20 × 10 directories, sizes log-uniform over four decades (tens of bytes to
# ~150 KiB at the defaults), content incompressible and the same every time.
build_big_context() { # dir
  mkdir -p "$1"
  node -e '
    const fs = require("fs"), path = require("path"), crypto = require("crypto");
    const root = process.argv[1], total = Number(process.argv[2]) * 1048576, n = Number(process.argv[3]);
    let s = 0x2545f491; // mulberry32, fixed seed
    const rnd = () => {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const w = Array.from({ length: n }, () => Math.exp(rnd() * Math.log(1e4)));
    const sum = w.reduce((a, b) => a + b, 0);
    const sizes = w.map((x) => Math.floor((x / sum) * total));
    sizes[n - 1] += total - sizes.reduce((a, b) => a + b, 0);
    const keystream = crypto.createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16, 0));
    for (let i = 0; i < n; i++) {
      const dir = path.join(root, "d" + String(i % 20).padStart(2, "0"), "s" + (Math.floor(i / 20) % 10));
      if (i < 200) fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "f" + String(i).padStart(5, "0") + ".bin"), keystream.update(Buffer.alloc(sizes[i])));
    }
  ' "$1" "$BUILD_CTX_MIB" "$BUILD_CTX_FILES"
  printf 'FROM busybox\nCOPY . /ctx/\nRUN true\n' >"$1/Dockerfile"
}

# A script removing the named images from every engine (hyperfine --prepare).
build_rmi_script() { # image...
  local f=$TMP/build-rmi-${*// /+}.sh e
  : >"$f"
  for e in "${ENGINES[@]}"; do echo "$(dkcmd "$e") rmi -f $* >/dev/null 2>&1 || true" >>"$f"; done
  echo "$f"
}

# The first build on each engine, its output kept in $OUT/<name>-<engine>.log
# (hyperfine hides output, so a failing build is shown here instead).
build_first() { # name, context dir, image
  local e
  for e in "${ENGINES[@]}"; do
    if ! eval "$(dkbuild "$e") -t $3 $2" >"$OUT/$1-$e.log" 2>&1; then
      echo "bench: the first $1 build failed on $e:" >&2
      tail -20 "$OUT/$1-$e.log" >&2
      return 1
    fi
  done
}

# Warns when a rebuild on some engine was not fully cached ($2 steps expected
# to say "Using cache"): the cached figure would then measure something else.
build_check_cached() { # name, steps expected cached, context dir, image
  local e hits
  for e in "${ENGINES[@]}"; do
    hits=$(eval "$(dkbuild "$e") -t $4 $3" 2>&1 | tee "$OUT/$1-$e.log" | grep -c 'Using cache' || true)
    [[ $hits == "$2" ]] || echo "bench: $1 on $e: $hits of $2 steps cached (see $OUT/$1-$e.log)" >&2
  done
}

# Image IDs of every engine before the build benchmarks, to remove exactly what they made.
build_snapshot_images() {
  local e
  for e in "${ENGINES[@]}"; do dk "$e" images -aq --no-trunc | sort -u >"$TMP/build-images-$e.before"; done
}

# Removes every image made since build_snapshot_images: tags first (their
# untagged parents go with them), then whatever is left (dangling stage
# images), children before parents over a few passes.
build_remove_images() {
  local e pass left
  bash "$(build_rmi_script bench-build-small bench-build-bigctx)"
  for e in "${ENGINES[@]}"; do
    for pass in 1 2 3 4; do
      left=$(dk "$e" images -aq --no-trunc | sort -u | comm -23 - "$TMP/build-images-$e.before")
      [[ -n $left ]] || break
      dk "$e" rmi -f $left >/dev/null 2>&1 || true
    done
    [[ -z $left ]] || echo "bench: images left on $e after the build benchmarks: $left" >&2
  done
}

bench_build_small() {
  local ctx=$TMP/build-small args=() e
  build_small_context "$ctx"
  echo "== build: fully cached rebuild, $BUILD_STEPS-instruction multi-stage Dockerfile"
  build_first build-small-first "$ctx" bench-build-small
  build_check_cached build-small-rebuild 8 "$ctx" bench-build-small # all but the two FROMs
  for e in "${ENGINES[@]}"; do args+=(-n "docker CLI → $e" "$(dkbuild "$e") -t bench-build-small $ctx"); done
  hf build-cached "${args[@]}"
  figures_ms build-cached

  echo "== build: the same with --no-cache; RUN cost as run --rm of its command"
  args=()
  for e in "${ENGINES[@]}"; do
    args+=(-n "docker CLI → $e" "$(dkbuild "$e") --no-cache -t bench-build-small $ctx")
    args+=(-n "run --rm → $e" "$(dkcmd "$e") run --rm busybox sh -c 'cd /tmp && echo hello >hello.txt && $BUILD_RUN_CMD'")
  done
  HF_WARMUP=1 hf build-cold --prepare "bash $(build_rmi_script bench-build-small)" "${args[@]}"
  figures_ms build-cold
  local cold run
  for e in "${ENGINES[@]}"; do
    cold=$(median_of "$OUT/build-cold.json" "docker CLI → $e")
    run=$(median_of "$OUT/build-cold.json" "run --rm → $e")
    figure build-cold "per-step overhead → $e" \
      "$(node -e 'console.log(((Number(process.argv[1]) - Number(process.argv[2])) * 1000 / Number(process.argv[3])).toFixed(1))' "$cold" "$run" "$BUILD_STEPS")" \
      "ms: (cold build − one run --rm) / $BUILD_STEPS steps"
  done
  rm -rf "$ctx"
}

bench_build_bigctx() {
  local ctx=$TMP/build-bigctx untar=$TMP/build-untar args=() e bytes
  echo "== build: context of $BUILD_CTX_MIB MiB in $BUILD_CTX_FILES files (generating it)"
  build_big_context "$ctx"
  bytes=$(find "$ctx" -type f ! -name Dockerfile -printf '%s\n' | awk '{ n += $1 } END { print n }')
  figure build-bigctx context "$BUILD_CTX_FILES files" "$(node -e 'console.log((Number(process.argv[1]) / 1048576).toFixed(1))' "$bytes") MiB in 200 directories"
  build_first build-bigctx-first "$ctx" bench-build-bigctx

  echo "== build: COPY . of the big context, --no-cache"
  for e in "${ENGINES[@]}"; do args+=(-n "docker CLI → $e" "$(dkbuild "$e") --no-cache -t bench-build-bigctx $ctx"); done
  # Floors: packing the context (what the CLI does; GNU tar skips reading
  # files when its output is /dev/null, hence the pipe), and packing plus
  # unpacking it into a fresh directory (what a daemon must at least do to
  # receive it: 20,000 file creations, which this disk makes slow at times).
  args+=(-n "tar -c (floor)" "tar -C $ctx -cf - . | cat >/dev/null")
  args+=(-n "tar -c | tar -x (floor)" "mkdir $untar && tar -C $ctx -cf - . | tar -C $untar -xf -")
  HF_RUNS=$SLOW HF_WARMUP=1 hf build-bigctx-cold --prepare "bash $(build_rmi_script bench-build-bigctx); rm -rf $untar" "${args[@]}"
  rm -rf "$untar"
  figures_ms build-bigctx-cold

  echo "== build: the same, every step cached"
  build_first build-bigctx-first "$ctx" bench-build-bigctx # the cold runs left no cache behind: make it
  build_check_cached build-bigctx-rebuild 2 "$ctx" bench-build-bigctx
  args=()
  for e in "${ENGINES[@]}"; do args+=(-n "docker CLI → $e" "$(dkbuild "$e") -t bench-build-bigctx $ctx"); done
  HF_RUNS=$SLOW HF_WARMUP=1 hf build-bigctx-cached "${args[@]}"
  figures_ms build-bigctx-cached
  rm -rf "$ctx"
}

bench_build() {
  build_snapshot_images
  bench_build_small
  bench_build_bigctx
  build_remove_images
}
