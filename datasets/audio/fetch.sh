#!/usr/bin/env bash
# Free Spoken Digit Dataset (FSDD) for the @statespace/audio benchmark, for users who are online.
# Source: github.com/Jakobovski/free-spoken-digit-dataset, commit 26eb9aaf76e81b692f806f9140c2d2777410d7a1
# (v1.0.10-27-g26eb9aa), licence CC BY-SA 4.0. 8 kHz 16-bit mono WAV, {digit}_{speaker}_{index}.wav,
# official split: index 0-4 test. The benchmark uses the five speakers george, jackson, lucas, nicolas, theo
# (2,500 files); the sixth (yweweler) is dropped unless KEEP_ALL=1.
#
# Usage: datasets/audio/fetch.sh [DEST]   (default: ../shared/datasets/fsdd next to the repository)
# Checks: GitHub archives are not byte-stable, so instead of the archive's sha256 this verifies the
# sha256 of the sorted per-file sha256 listing of the 2,500 recordings (18,273,508 bytes).
set -euo pipefail
COMMIT=26eb9aaf76e81b692f806f9140c2d2777410d7a1
URL="https://github.com/Jakobovski/free-spoken-digit-dataset/archive/${COMMIT}.tar.gz"
LISTING_SHA256=6683e4cce57553414a3f46d7e6159c614cdbba1313f3ca0f3ea109523db11ea6
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="${1:-$HERE/../../../shared/datasets/fsdd}"
mkdir -p "$DEST"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "downloading $URL"
curl -fL --retry 3 -o "$TMP/fsdd.tar.gz" "$URL"
tar -xzf "$TMP/fsdd.tar.gz" -C "$TMP"
SRC="$TMP/free-spoken-digit-dataset-${COMMIT}/recordings"
mkdir -p "$DEST/recordings"
if [ "${KEEP_ALL:-0}" = "1" ]; then
  cp "$SRC"/*.wav "$DEST/recordings/"
else
  for s in george jackson lucas nicolas theo; do cp "$SRC"/*_"$s"_*.wav "$DEST/recordings/"; done
  got=$(cd "$DEST/recordings" && LC_ALL=C ls *_george_* *_jackson_* *_lucas_* *_nicolas_* *_theo_* | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
  if [ "$got" != "$LISTING_SHA256" ]; then
    echo "checksum mismatch for the 2,500 recordings: expected $LISTING_SHA256, got $got" >&2
    exit 1
  fi
fi
# Speaker metadata (from the repository's metadata.py), as the loader reads it.
cat > "$DEST/speakers.json" <<'JSON'
{"jackson":{"gender":"male","accent":"USA/neutral","language":"english"},"nicolas":{"gender":"male","accent":"BEL/French","language":"english"},"theo":{"gender":"male","accent":"USA/neutral","language":"english"},"george":{"gender":"male","accent":"GRC/Greek","language":"english"},"lucas":{"gender":"male","accent":"DEU/German","language":"english"}}
JSON
echo "FSDD ready in $DEST ($(ls "$DEST/recordings" | wc -l) files)"
