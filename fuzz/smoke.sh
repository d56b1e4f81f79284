#!/usr/bin/env bash
# Fuzz smoke test: builds the loader fuzz targets and runs each for a fixed
# number of inputs (scaled by FUZZ_SCALE, default 1) from a fixed seed over its
# committed corpus, so a run is the same on every machine and under any load
# (no time limit decides what is tried). Works on the stable toolchain through
# RUSTC_BOOTSTRAP=1; installs cargo-fuzz when missing. New corpus entries go
# to fuzz/target/, leaving fuzz/corpus/ untouched. libFuzzer's progress lines
# go to fuzz/target/logs/<target>.log; only a summary line per target is
# printed (and the log's tail when a target fails).
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
scale="${FUZZ_SCALE:-1}"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
start=$(date +%s)
# No sanitizer (the core has no unsafe code); debug assertions catch overflow.
flags=(--sanitizer none --debug-assertions)
mkdir -p target/logs
if ! cargo fuzz build "${flags[@]}" >target/logs/build.log 2>&1; then
    tail -n 40 target/logs/build.log
    echo "fuzz build failed (full log: fuzz/target/logs/build.log)"
    exit 1
fi
# Inputs per target: about 20 s each on an idle 2-core machine (the v1 target
# parses whole documents and is the slowest per input).
for spec in load_v1:8000 load_pickle:300000 load_adhoc:200000 load_mprof:100000 series:15000; do
    target="${spec%%:*}"
    runs=$(( ${spec##*:} * scale ))
    scratch="target/fuzz-scratch/$target"
    log="target/logs/$target.log"
    mkdir -p "$scratch"
    # -timeout is a hang detector, generous so that a loaded machine never trips it.
    if cargo fuzz run "${flags[@]}" "$target" "$scratch" "corpus/$target" -- \
        -seed=1 -runs="$runs" -max_len=65536 -timeout=120 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
        echo "fuzz $target: ${execs:-?} inputs, no failure (log: fuzz/$log)"
    else
        tail -n 60 "$log"
        echo "fuzz $target FAILED (full log: fuzz/$log)"
        exit 1
    fi
done
echo "fuzz smoke passed in $(( $(date +%s) - start ))s"
