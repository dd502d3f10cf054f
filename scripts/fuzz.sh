#!/usr/bin/env bash
# Builds and runs attnlab's libFuzzer targets (docs/RELIABILITY.md).
#
#   scripts/fuzz.sh [target|all] [seconds]      default: all, 60 s each
#   scripts/fuzz.sh --build-only [target|all]
#
# Each target is fuzz/<target>/main.swift compiled together with the reader sources it
# exercises (their `import TensorCore/Models/Physics` lines stripped, so everything is one
# module) with `swiftc -sanitize=fuzzer,address`. The seed corpus fuzz/corpus/<target> is
# read-only; new inputs go to .build/fuzz/corpus/<target>, crashes to
# .build/fuzz/artifacts/<target>/, the log to .build/fuzz/<target>.log. Targets run one at a
# time in a single process. The summary line gives executions run and crashes found.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/.build/fuzz
TARGETS=(safetensors tokenfile vocab merges bpe npy)

sources() {
    local tok="Sources/Models/Tokenizer/*.swift Sources/TensorCore/IO/AtomicFile.swift Sources/TensorCore/Parallel/Parallel.swift"
    case "$1" in
        safetensors) echo "Sources/TensorCore/IO/SafeTensors.swift Sources/TensorCore/IO/AtomicFile.swift fuzz/shims/TensorShim.swift" ;;
        tokenfile) echo "Sources/Models/Data/TokenFile.swift Sources/TensorCore/IO/AtomicFile.swift" ;;
        npy) echo "Sources/TensorCore/IO/NPY.swift Sources/TensorCore/IO/AtomicFile.swift" ;;
        vocab|merges) echo "$tok fuzz/shims/TokenizerPairShim.swift" ;;
        bpe) echo "$tok" ;;
        *) echo "unknown fuzz target '$1'; expected one of: ${TARGETS[*]}" >&2; exit 2 ;;
    esac
}

build() {
    local name=$1 dir=$OUT/src/$1
    # Up to date: the binary is newer than the target and every source it compiles.
    if [ -x "$OUT/bin/$name" ] && [ -z "$(find $(sources "$name") "fuzz/$name/main.swift" -newer "$OUT/bin/$name")" ]; then
        return 0
    fi
    rm -rf "$dir"; mkdir -p "$dir" "$OUT/bin"
    for f in $(sources "$name"); do
        grep -v -E '^import (TensorCore|Models|Physics)$' "$f" > "$dir/$(basename "$f")"
    done
    cp "fuzz/$name/main.swift" "$dir/FuzzTarget_$name.swift"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name AttnlabFuzz \
        "$dir"/*.swift -o "$OUT/bin/$name" 2> "$OUT/$name.build.log" \
        || { cat "$OUT/$name.build.log" >&2; echo "fuzz: building $name failed" >&2; exit 1; }
}

run() {
    local name=$1 seconds=$2
    build "$name"
    mkdir -p "$OUT/corpus/$name" "$OUT/artifacts/$name" "fuzz/corpus/$name"
    local status=0
    ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS} "$OUT/bin/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -print_final_stats=1 -detect_leaks=0 -artifact_prefix="$OUT/artifacts/$name/" \
        "$OUT/corpus/$name" "fuzz/corpus/$name" > "$OUT/$name.log" 2>&1 || status=$?
    local execs crashes
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$name.log" | grep -o '[0-9]*$' || echo "?")
    crashes=$(find "$OUT/artifacts/$name" -type f | wc -l)
    echo "fuzz $name: ${seconds}s, ${execs:-?} executions, exit $status, artifacts in .build/fuzz/artifacts/$name: $crashes"
    [ "$status" -eq 0 ] || tail -30 "$OUT/$name.log" >&2
    return "$status"
}

if [ "${1:-}" = "--build-only" ]; then
    target=${2:-all}
    if [ "$target" = all ]; then for t in "${TARGETS[@]}"; do build "$t"; done; else build "$target"; fi
    exit 0
fi
target=${1:-all}
seconds=${2:-60}
if [ "$target" = all ]; then
    failed=0
    for t in "${TARGETS[@]}"; do run "$t" "$seconds" || failed=1; done
    exit $failed
fi
run "$target" "$seconds"
