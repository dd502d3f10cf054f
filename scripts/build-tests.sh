#!/usr/bin/env bash
# Builds attnlab and its tests in release and fails when the compiler warns about the project's own
# code (Sources/, Tests/): a warning such as "function call causes an infinite recursion" is a bug
# the compiler has already found. Dependencies' warnings are theirs and are not counted. An
# incremental build re-reports only the files it recompiles; CI's fresh clone sees every file.
set -euo pipefail
cd "$(dirname "$0")/.."
swift=${SWIFT:-swift}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$swift" build -c release -Xswiftc -enable-testing --build-tests 2>&1 | tee "$log" || status=$?
[ "$status" -eq 0 ] || exit "$status"
own=$(grep -E "^$(pwd)/(Sources|Tests)/[^:]+:[0-9]+:[0-9]+: warning:" "$log" | sort -u || true)
if [ -n "$own" ]; then
    echo "build-tests.sh: the compiler warned about attnlab's own code; fix these:" >&2
    echo "$own" >&2
    exit 1
fi
