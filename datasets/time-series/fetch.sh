#!/usr/bin/env bash
# Downloads the forecasting CSVs used by @statespace/time-series (bench and tests) and checks their sha256.
# Usage: datasets/time-series/fetch.sh [DEST]   (default: ../shared/datasets next to the repo, or $STATESPACE_DATA)
# Sources and licences: ETT (zhouhaoyi/ETDataset, CC BY-ND 4.0 — redistribute unmodified, cite Informer, AAAI 2021);
# weather (MPI-BGC Jena station, via ljnvs/HiCR-Mamba); exchange_rate (LSTNet, laiguokun/multivariate-time-series-data).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:-${STATESPACE_DATA:-$here/../../../shared/datasets}}"

ETD=https://raw.githubusercontent.com/zhouhaoyi/ETDataset/1d16c8f4f943005d613b5bc962e9eeb06058cf07/ETT-small
HICR=https://raw.githubusercontent.com/ljnvs/HiCR-Mamba/d472c100956ed4373e9ca3700481ce88f8f1e4dd/datasets
LAI=https://raw.githubusercontent.com/laiguokun/multivariate-time-series-data/7f402f185cc2435b5e66aed13a3b560ed142e023

# name | url | gzipped? | sha256 of the (decompressed) file
files=(
  "ett/ETTh1.csv|$ETD/ETTh1.csv|no|f18de3ad269cef59bb07b5438d79bb3042d3be49bdeecf01c1cd6d29695ee066"
  "ett/ETTm1.csv|$HICR/ETT-small/ETTm1.csv.gz|yes|6ce1759b1a18e3328421d5d75fadcb316c449fcd7cec32820c8dafda71986c9e"
  "weather/weather.csv|$HICR/weather/weather.csv.gz|yes|34ee981d07313e51da2a50bb600072c8ae4a69cb4b0651f4cb93a069d7a2ba63"
  "exchange_rate/exchange_rate.txt|$LAI/exchange_rate/exchange_rate.txt.gz|yes|0127465b51e3cd3c360f8eb2be30cfd294689a2a55903eb8245aafc396626c7f"
)

for entry in "${files[@]}"; do
  IFS='|' read -r name url gz sum <<<"$entry"
  out="$dest/$name"
  if [[ -f "$out" ]] && echo "$sum  $out" | sha256sum -c --quiet - 2>/dev/null; then echo "ok       $name"; continue; fi
  mkdir -p "$(dirname "$out")"
  tmp="$out.part"
  if [[ "$gz" == yes ]]; then curl -fsSL "$url" | gunzip -c >"$tmp"; else curl -fsSL "$url" -o "$tmp"; fi
  if ! echo "$sum  $tmp" | sha256sum -c --quiet -; then echo "checksum mismatch for $name (from $url)" >&2; rm -f "$tmp"; exit 1; fi
  mv "$tmp" "$out"
  echo "fetched  $name"
done
