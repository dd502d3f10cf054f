#!/usr/bin/env bash
# `make lint`: swift-format's lint over the package's Swift files with the configuration in
# .swift-format, every finding an error, and no source file under Sources longer than 400 lines
# (README.md; a file is meant to be read top to bottom). `scripts/lint.sh --fix` (`make format`)
# rewrites the same files in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

files=()
while IFS= read -r file; do files+=("$file"); done < <(find Sources Tests -name '*.swift' | LC_ALL=C sort; echo Package.swift)

case "${1:-}" in
    --fix) exec "$SWIFT" format format --in-place --parallel -- "${files[@]}" ;;
    "")
        long=$(find Sources -name '*.swift' -exec wc -l {} + | awk '$2 != "total" && $1 > 400 { print "  " $2 ": " $1 " lines" }')
        if [ -n "$long" ]; then
            echo "lint: source files over 400 lines (split them by what they do):" >&2
            echo "$long" >&2
            exit 1
        fi
        exec "$SWIFT" format lint --strict --parallel -- "${files[@]}" ;;
    *) echo "usage: scripts/lint.sh [--fix]" >&2; exit 2 ;;
esac
