#!/usr/bin/env bash
# Converts the fortune cookies of Debian's `fortunes` package (fortune-mod data, BSD licence)
# into one TinyStories-format file: every cookie is a document, followed by a line
# <|endoftext|>. See docs/DATA.md ("A real English corpus").
#
#   scripts/fortunes-to-tinystories.sh OUT.txt [FORTUNES_DIR|fortunes_*.deb]
#
# The source is a folder of fortune files (default /usr/share/games/fortunes, where
# `apt-get install fortunes` puts them) or the package file itself (`apt-get download
# fortunes`), unpacked into a temporary folder. Files are read in name order, the cookies in
# file order; cookies are separated in the fortune files by lines holding only "%". The
# offensive set (fortunes-off) and the binary index files (.dat) are not read.
set -euo pipefail
out=${1:?usage: $0 OUT.txt [FORTUNES_DIR|fortunes_*.deb]}
source=${2:-/usr/share/games/fortunes}
if [ -f "$source" ] && [[ "$source" == *.deb ]]; then
  unpacked=$(mktemp -d)
  trap 'rm -rf "$unpacked"' EXIT
  dpkg-deb -x "$source" "$unpacked"
  source="$unpacked/usr/share/games/fortunes"
fi
if [ ! -d "$source" ]; then
  echo "$0: $source is not a folder of fortune files; install them (apt-get install fortunes) or pass fortunes_*.deb (apt-get download fortunes)" >&2
  exit 1
fi
files=$(find "$source" -maxdepth 1 -type f ! -name '*.dat' ! -name '*.u8' | LC_ALL=C sort)
[ -n "$files" ] || { echo "$0: no fortune files in $source" >&2; exit 1; }
# shellcheck disable=SC2086
LC_ALL=C awk '
  function flush() { if (doc ~ /[^ \t\r\n]/) { printf "%s\n<|endoftext|>\n", doc; n++ } doc = "" }
  FNR == 1 && NR > 1 { flush() }
  $0 == "%" { flush(); next }
  { doc = (doc == "" ? $0 : doc "\n" $0) }
  END { flush(); printf "%d documents\n", n > "/dev/stderr" }
' $files > "$out"
