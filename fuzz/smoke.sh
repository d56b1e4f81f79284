#!/usr/bin/env bash
# Fuzz smoke test: builds the loader fuzz targets and runs each for
# FUZZ_SECONDS (default 20) over its committed corpus. Works on the stable
# toolchain through RUSTC_BOOTSTRAP=1; installs cargo-fuzz when missing.
# New corpus entries go to fuzz/target/, leaving fuzz/corpus/ untouched.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
seconds="${FUZZ_SECONDS:-20}"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
start=$(date +%s)
# No sanitizer (the core has no unsafe code); debug assertions catch overflow.
flags=(--sanitizer none --debug-assertions)
cargo fuzz build "${flags[@]}"
for target in load_v1 load_pickle load_adhoc; do
    scratch="target/fuzz-scratch/$target"
    mkdir -p "$scratch"
    echo "== fuzz $target for ${seconds}s"
    cargo fuzz run "${flags[@]}" "$target" "$scratch" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
echo "fuzz smoke passed in $(( $(date +%s) - start ))s"
