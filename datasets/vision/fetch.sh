#!/usr/bin/env bash
# Fetches Fashion-MNIST (train + test) and the MNIST test split for the vision benchmark into
# ${STATESPACE_DATA:-../shared/datasets} and checks each file's sha256 AFTER decompression
# (the .gz wrappers differ between mirrors; the IDX content does not). Needs curl, gzip, sha256sum.
#   bash datasets/vision/fetch.sh            # from the repository root
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="${STATESPACE_DATA:-$ROOT/../shared/datasets}"

FASHION=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com   # zalandoresearch/fashion-mnist README
MNIST=https://ossci-datasets.s3.amazonaws.com/mnist                    # torchvision's MNIST mirror

# dataset  file  url  sha256-of-decompressed-content ("-" = not verified here: fetched but unchecked)
FILES=(
  "fashion-mnist train-images-idx3-ubyte.gz $FASHION/train-images-idx3-ubyte.gz c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
  "fashion-mnist train-labels-idx1-ubyte.gz $FASHION/train-labels-idx1-ubyte.gz bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
  "fashion-mnist t10k-images-idx3-ubyte.gz $FASHION/t10k-images-idx3-ubyte.gz -"
  "fashion-mnist t10k-labels-idx1-ubyte.gz $FASHION/t10k-labels-idx1-ubyte.gz -"
  "mnist t10k-images-idx3-ubyte.gz $MNIST/t10k-images-idx3-ubyte.gz 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
  "mnist t10k-labels-idx1-ubyte.gz $MNIST/t10k-labels-idx1-ubyte.gz ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
  "mnist train-labels-idx1-ubyte.gz $MNIST/train-labels-idx1-ubyte.gz 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
  "mnist train-images-idx3-ubyte.gz $MNIST/train-images-idx3-ubyte.gz -"
)

for row in "${FILES[@]}"; do
  read -r set file url sum <<<"$row"
  mkdir -p "$DEST/$set"
  out="$DEST/$set/$file"
  if [ ! -f "$out" ]; then
    echo "fetching $url"
    curl -fL --retry 3 -o "$out.part" "$url" && mv "$out.part" "$out"
  fi
  if [ "$sum" != "-" ]; then
    got="$(gunzip -c "$out" | sha256sum | cut -c1-64)"
    if [ "$got" != "$sum" ]; then echo "sha256 mismatch for $out: expected $sum, got $got" >&2; exit 1; fi
    echo "ok $out"
  else
    echo "fetched $out (no checksum recorded here)"
  fi
done
