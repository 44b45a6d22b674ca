#!/bin/bash
# Builds the carry bundle for a GPU machine that has a GPU driver but no Node, no npm and no
# network (docs/gpu.md, "Running on a GPU machine without Node"). Run here, from anywhere:
#
#   tools/gpu-device/build-carry.sh [OUT_DIR]      # default: bench-out/gpu-carry (git-ignored)
#
# OUT_DIR then holds
#   node.xz          this machine's node binary, xz-compressed
#   bundle.tar.xz    packages/ssm-core/dist-bench + dist-wasm (no source maps) and exactly the
#                    node_modules files that the webgpu bench and the webgpu jest files open,
#                    found by tracing them here on SwiftShader (strace); paths relative to the repo root
#   debs/            Debian's Vulkan loader and libglvnd (.deb), which the NVIDIA Vulkan ICD needs
#   files.txt        the traced node_modules files
# Needs: strace, xz, chromium (SwiftShader, for the traced runs), apt-get download (or ./.gl/*.deb).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mkdir -p "${1:-$ROOT/bench-out/gpu-carry}" && cd "${1:-$ROOT/bench-out/gpu-carry}" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The webgpu jest files measure.sh runs on the device (the trace must open what they open).
JEST_FILES="src/kernels/webgpu src/ops/causal-conv1d/webgpu src/ops/fft-conv/webgpu src/ops/selective-scan/webgpu src/ops/ssd-scan/ssdScan.webgpu"

cd "$ROOT/packages/ssm-core"
echo "build: dist-wasm, dist-bench" >&2
node ../../tools/build-wasm.js >&2
npx tsc -p tsconfig.bench.json

trace() { strace -f -qq -e trace=open,openat,stat,lstat,newfstatat,statx,access -o "$TMP/trace.$1" "${@:2}" >&2; }
echo "trace: bench (SwiftShader)" >&2
trace 1 node dist-bench/bench/index.js --adapter --backend webgpu
trace 2 node dist-bench/bench/index.js --json --backend webgpu --impl fused --op smoke --runs 1 --kernel-time
echo "trace: jest (no cache, so ts-jest compiles with typescript as on a fresh machine)" >&2
# shellcheck disable=SC2086
trace 3 node ../../node_modules/jest/bin/jest.js --ci --no-cache $JEST_FILES || true

# Regular files under node_modules that any traced process opened or looked up, relative to the
# repo root; not the workspace links (node_modules/@statespace/*: the tree itself is on the device).
cd "$ROOT"
# (Relative paths in the trace are from packages/ssm-core, where every traced command ran.)
grep -ohE '"[^"]*node_modules/[^"]*"' "$TMP"/trace.* | tr -d '"' | sed -e "s#^$ROOT/##" -e 's#^\.\./\.\./##' | grep -v '^/' \
  | grep -v '^node_modules/@statespace/' | sort -u | while read -r f; do if [ -f "$f" ]; then echo "$f"; fi; done > "$OUT/files.txt"
# Every package.json of a package that contributed a file (module resolution reads them).
sed -nE 's#^(.*node_modules/(@[^/]+/)?[^/]+)/.*#\1/package.json#p' "$OUT/files.txt" | sort -u \
  | while read -r f; do if [ -f "$f" ]; then echo "$f"; fi; done >> "$OUT/files.txt"
# tfjs-backend-wasm's binaries too: automatic selection falls back to wasm when no adapter starts.
ls node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm >> "$OUT/files.txt"
sort -u -o "$OUT/files.txt" "$OUT/files.txt"
echo "bundle: $(wc -l < "$OUT/files.txt") node_modules files + dist-bench + dist-wasm" >&2
{ cat "$OUT/files.txt"; find packages/ssm-core/dist-bench packages/ssm-core/dist-wasm -type f ! -name '*.map'; } > "$TMP/all.txt"
tar -cf - -T "$TMP/all.txt" | xz -T2 -6 > "$OUT/bundle.tar.xz"
xz -T2 -c "$(command -v node)" > "$OUT/node.xz"

mkdir -p "$OUT/debs"
if ls "$ROOT"/.gl/*.deb > /dev/null 2>&1; then cp "$ROOT"/.gl/*.deb "$OUT/debs/"
else (cd "$OUT/debs" && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libgles2 libopengl0)
fi
du -sh "$OUT"/* >&2
echo "carry: $OUT (pass it to the device as a carried path; see tools/gpu-device/README.md)" >&2
