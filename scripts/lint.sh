#!/usr/bin/env bash
# `make lint`: swift-format's lint over the package's Swift files with the configuration in
# .swift-format, every finding an error. `scripts/lint.sh --fix` (`make format`) rewrites the
# same files in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

# Files that are being reworked on another branch: they are formatted, and leave this list, once
# that work has landed. Patterns are bash globs on paths relative to the repository root.
NOT_YET_FORMATTED=(
    'Sources/Lab/Run/*.swift'
    'Sources/attnlab/Claims.swift'
    'Sources/attnlab/Console.swift'
    'Sources/attnlab/Reproduce.swift'
    'Sources/Models/Training/ProcessGroup.swift'
    'Sources/CMPI/*'
    'Tests/*/Distributed*.swift'
    'Tests/LabTests/Run*.swift'
)

files=()
while IFS= read -r file; do
    for pattern in "${NOT_YET_FORMATTED[@]}"; do
        # shellcheck disable=SC2053  # the pattern is a glob on purpose
        [[ $file == $pattern ]] && continue 2
    done
    files+=("$file")
done < <(find Sources Tests -name '*.swift' | LC_ALL=C sort; echo Package.swift)

case "${1:-}" in
    --fix) exec "$SWIFT" format format --in-place --parallel -- "${files[@]}" ;;
    "") exec "$SWIFT" format lint --strict --parallel -- "${files[@]}" ;;
    *) echo "usage: scripts/lint.sh [--fix]" >&2; exit 2 ;;
esac
