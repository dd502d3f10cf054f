#!/usr/bin/env bash
# `make lint`: swift-format's lint over the package's Swift files with the configuration in
# .swift-format, every finding an error. `scripts/lint.sh --fix` (`make format`) rewrites the
# same files in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

files=()
while IFS= read -r file; do files+=("$file"); done < <(find Sources Tests -name '*.swift' | LC_ALL=C sort; echo Package.swift)

case "${1:-}" in
    --fix) exec "$SWIFT" format format --in-place --parallel -- "${files[@]}" ;;
    "") exec "$SWIFT" format lint --strict --parallel -- "${files[@]}" ;;
    *) echo "usage: scripts/lint.sh [--fix]" >&2; exit 2 ;;
esac
