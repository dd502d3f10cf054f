#!/usr/bin/env bash
# Benchmark (not a test) of `attnlab data prepare` on a large TinyStories-format file:
# wall time, MB/s and peak resident memory (/usr/bin/time -v). See docs/BENCHMARKS.md.
#
#   scripts/bench-data-prepare.sh [MEGABYTES] [FORTUNES_DIR|fortunes_*.deb]
#
# Builds /tmp/attnlab-bench-corpus-<MB>MB.txt (default 1000 MB, kept for a rerun) from the
# lines of the fortune cookies (scripts/fortunes-to-tinystories.sh): documents of 3–12 lines
# drawn at random (seed 1) from all cookie lines, so the text is real English and no document
# repeats; then prepares it into /tmp/attnlab-bench-data with the release build of attnlab
# (or the binary $ATTNLAB).
set -euo pipefail
megabytes=${1:-1000}
source=${2:-/usr/share/games/fortunes}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=/tmp/attnlab-bench-corpus-${megabytes}MB.txt
out=/tmp/attnlab-bench-data
if [ ! -s "$corpus" ]; then
  "$root/scripts/fortunes-to-tinystories.sh" /tmp/attnlab-bench-fortunes.txt "$source"
  python3 - "$corpus" "$megabytes" <<'PY'
import random, sys
path, megabytes = sys.argv[1], int(sys.argv[2])
text = open("/tmp/attnlab-bench-fortunes.txt", encoding="utf-8").read()
lines = [l for d in text.split("<|endoftext|>") for l in d.strip().split("\n") if l.strip()]
rng = random.Random(1)
target, written = megabytes * 1_000_000, 0
with open(path, "w", encoding="utf-8") as f:
    while written < target:
        block = []
        for _ in range(1000):
            block.append("\n".join(rng.choice(lines) for _ in range(rng.randint(3, 12))) + "\n<|endoftext|>\n")
        chunk = "".join(block)
        f.write(chunk)
        written += len(chunk.encode("utf-8"))
PY
fi
bytes=$(stat -c %s "$corpus")
if [ -z "${ATTNLAB:-}" ]; then
  (cd "$root" && swift build -c release --product attnlab >/dev/null)
  ATTNLAB=$(cd "$root" && swift build -c release --show-bin-path)/attnlab
fi
attnlab=$ATTNLAB
rm -rf "$out"
log=$(mktemp)
start=$(date +%s.%N)
/usr/bin/time -v "$attnlab" data prepare --corpus "$corpus" --format tinystories --out "$out" 2> "$log"
end=$(date +%s.%N)
grep -v "^\s" "$log" | grep -v "^Command" || true
seconds=$(echo "$end - $start" | bc -l)
rss=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$log")
printf 'corpus %s: %d bytes\n' "$corpus" "$bytes"
printf 'wall %.1f s, %.1f MB/s, peak RSS %.0f MB, CPU %s\n' "$seconds" "$(echo "$bytes / 1000000 / $seconds" | bc -l)" \
  "$(echo "$rss / 1024" | bc -l)" "$(awk -F: '/Percent of CPU/ { gsub(/ /, "", $2); print $2 }' "$log")"
rm -f "$log"
