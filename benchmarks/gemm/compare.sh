#!/usr/bin/env bash
# `attnlab bench gemm` beside OpenBLAS called directly from C (direct.c), interleaved.
#
#   benchmarks/gemm/compare.sh [rounds=5] [sizes=1024,2048] [threads=2]
#
# Each round runs, back to back: attnlab's sgemm rows (oneDNN and OpenBLAS behind attnlab's
# split, and OpenBLAS's own threading), then direct.c with OpenBLAS's SkylakeX and Cooperlake
# kernels (OPENBLAS_CORETYPE) at every size. The machine drifts from minute to minute, so the
# rounds interleave and the summary gives each column's median over the rounds and the ratio of
# attnlab's fastest f32 row to the best direct kernel, per round and overall.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds=${1:-5}
sizes=${2:-1024,2048}
threads=${3:-2}
bin="$root/.build/release/attnlab"
[ -x "$bin" ] || { echo "build attnlab first: swift build -c release --product attnlab" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/direct" "$here/direct.c" -lopenblas
: > "$work/results.jsonl"
for round in $(seq 1 "$rounds"); do
    "$bin" bench gemm --sizes "$sizes" --threads "$threads" --no-generic --json \
        | python3 -c 'import json,sys; r=json.load(sys.stdin); [print(json.dumps(dict(round='"$round"', source="attnlab "+x["threading"]+" "+x.get("backend","openblas"), kernel=x["kernel"], n=x["n"], gflops=x["gflops"]))) for x in r["rows"] if x["precision"]=="f32" and x["threads"]=='"$threads"']' \
        >> "$work/results.jsonl"
    for n in ${sizes//,/ }; do
        for kernel in SkylakeX Cooperlake; do
            OPENBLAS_CORETYPE=$kernel "$work/direct" f32 "$n" "$threads" \
                | python3 -c 'import json,sys; x=json.load(sys.stdin); print(json.dumps(dict(round='"$round"', source="direct openblas", kernel=x["kernel"], n=x["n"], gflops=x["gflops"])))' \
                >> "$work/results.jsonl"
        done
    done
    echo "round $round of $rounds done" >&2
done
python3 - "$work/results.jsonl" "$threads" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"sgemm f32, {sys.argv[2]} threads, GFLOP/s: median over {max(r['round'] for r in rows)} interleaved rounds (min–max)")
for n in sorted({r["n"] for r in rows}):
    print(f"\nn = {n}")
    keys = sorted({(r["source"], r["kernel"]) for r in rows if r["n"] == n})
    for source, kernel in keys:
        v = [r["gflops"] for r in rows if r["n"] == n and r["source"] == source and r["kernel"] == kernel]
        print(f"  {source:32s} {kernel:11s} {statistics.median(v):7.1f}  ({min(v):.1f}–{max(v):.1f})")
    ratios = []
    for rnd in sorted({r["round"] for r in rows}):
        mine = [r["gflops"] for r in rows if r["n"] == n and r["round"] == rnd and r["source"].startswith("attnlab attnlab")]
        direct = [r["gflops"] for r in rows if r["n"] == n and r["round"] == rnd and r["source"] == "direct openblas"]
        if mine and direct:
            ratios.append(max(mine) / max(direct))
    print("  attnlab's fastest / best direct OpenBLAS, per round: " + " ".join(f"{x:.3f}" for x in ratios)
          + f"; median {statistics.median(ratios):.3f}")
PY
