#!/usr/bin/env bash
# Builds and runs attnlab's libFuzzer targets (docs/RELIABILITY.md).
#
#   scripts/fuzz.sh [target|all] [seconds]      default: all, 60 s each
#   scripts/fuzz.sh --build-only [target|all]
#
# Each target is fuzz/<target>/main.swift compiled together with the reader sources it
# exercises (their `import TensorCore/Models/Physics/Lab` lines stripped, so everything is one
# module) with `swiftc -sanitize=fuzzer,address` — except `results`, which needs the whole Lab
# (the report and every claim's rule): SwiftPM builds the library targets with
# `-sanitize=fuzzer,address` into .build/fuzz-spm, and the target's main is linked against
# their objects. The seed corpus fuzz/corpus/<target> is
# read-only; new inputs go to .build/fuzz/corpus/<target>, crashes to
# .build/fuzz/artifacts/<target>/, the log to .build/fuzz/<target>.log. Targets run one at a
# time in a single process. The summary line gives executions run and crashes found.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/.build/fuzz
TARGETS=(safetensors tokenfile vocab merges bpe npy manifest figure results)

sources() {
    local tok="Sources/Models/Tokenizer/*.swift Sources/TensorCore/IO/AtomicFile.swift Sources/TensorCore/IO/StrictJSON.swift Sources/TensorCore/Parallel/Parallel.swift"
    case "$1" in
        safetensors) echo "Sources/TensorCore/IO/SafeTensors.swift Sources/TensorCore/IO/StrictJSON.swift Sources/TensorCore/IO/AtomicFile.swift fuzz/shims/TensorShim.swift" ;;
        manifest) echo "Sources/Models/Training/CheckpointManifest.swift Sources/Models/Training/MemoryBudget.swift Sources/Models/Training/TrainingConfig.swift Sources/Models/Architecture/ModelConfig.swift Sources/TensorCore/IO/StrictJSON.swift Sources/TensorCore/IO/AtomicFile.swift fuzz/shims/CheckpointShim.swift" ;;
        figure) echo "Sources/Lab/Report/UntrustedFigure.swift" ;;
        results) echo "Sources/Lab Sources/Models Sources/Physics Sources/TensorCore" ;;
        tokenfile) echo "Sources/Models/Data/TokenFile.swift Sources/TensorCore/IO/AtomicFile.swift" ;;
        npy) echo "Sources/TensorCore/IO/NPY.swift Sources/TensorCore/IO/AtomicFile.swift" ;;
        vocab|merges) echo "$tok fuzz/shims/TokenizerPairShim.swift" ;;
        bpe) echo "$tok" ;;
        *) echo "unknown fuzz target '$1'; expected one of: ${TARGETS[*]}" >&2; exit 2 ;;
    esac
}

# `results`: the library targets built by SwiftPM with the fuzzer's instrumentation, then the
# target's main linked against their objects (and the libraries the package links).
build_results() {
    local spm=$ROOT/.build/fuzz-spm
    swift build -c release --build-path "$spm" -Xswiftc -sanitize=fuzzer,address --target Lab > "$OUT/results.build.log" 2>&1 \
        || { tail -30 "$OUT/results.build.log" >&2; echo "fuzz: building the instrumented Lab failed" >&2; exit 1; }
    local release
    release=$(cd "$spm" && cd "$(readlink -f release)" && pwd)
    local objects
    objects=$(find "$release" -path '*/attnlab.build' -prune -o -path '*Tests.build' -prune -o -path '*ArgumentParser*' -prune -o \
        -name '*.o' -print)
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name AttnlabFuzzResults \
        -I "$release/Modules" -Xcc -fmodule-map-file="$release/CLinearAlgebra.build/module.modulemap" \
        -Xcc -I -Xcc "$ROOT/Sources/CLinearAlgebra/include" \
        -Xcc -fmodule-map-file="$spm/checkouts/swift-numerics/Sources/_NumericsShims/include/module.modulemap" \
        -Xcc -I -Xcc "$spm/checkouts/swift-numerics/Sources/_NumericsShims/include" \
        fuzz/results/main.swift $objects -lopenblas -llapacke -ldnnl -lgomp -ldl -o "$OUT/bin/results" >> "$OUT/results.build.log" 2>&1 \
        || { tail -30 "$OUT/results.build.log" >&2; echo "fuzz: linking results failed" >&2; exit 1; }
}

build() {
    local name=$1 dir=$OUT/src/$1
    # Up to date: the binary is newer than the target and every source it compiles.
    if [ -x "$OUT/bin/$name" ] && [ -z "$(find $(sources "$name") "fuzz/$name/main.swift" -newer "$OUT/bin/$name")" ]; then
        return 0
    fi
    mkdir -p "$OUT/bin"
    if [ "$name" = results ]; then build_results; return 0; fi
    rm -rf "$dir"; mkdir -p "$dir"
    for f in $(sources "$name"); do
        grep -v -E '^import (TensorCore|Models|Physics|Lab)$' "$f" > "$dir/$(basename "$f")"
    done
    # The manifest's ModelConfig names LayerNorm's centring enum: taken from its source, so the
    # target decodes exactly what the package does.
    if [ "$name" = manifest ]; then
        awk '/^public enum AnnealedNormCentring/,/^}/' Sources/Models/Layers/LayerNorm.swift > "$dir/AnnealedNormCentring.swift"
    fi
    cp "fuzz/$name/main.swift" "$dir/FuzzTarget_$name.swift"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name AttnlabFuzz \
        "$dir"/*.swift -o "$OUT/bin/$name" 2> "$OUT/$name.build.log" \
        || { cat "$OUT/$name.build.log" >&2; echo "fuzz: building $name failed" >&2; exit 1; }
}

run() {
    local name=$1 seconds=$2
    build "$name"
    mkdir -p "$OUT/corpus/$name" "$OUT/artifacts/$name" "fuzz/corpus/$name"
    local status=0 max_len=4096
    [ "$name" = results ] && max_len=32768   # a results.json of two experiments is ~10 kB
    ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS} "$OUT/bin/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
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
