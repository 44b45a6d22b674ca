#!/bin/bash
# The GPU measurements of docs/benchmarks.md ("GPU: memory-bandwidth bound and measured H100
# times") and docs/gpu.md, in one go, on a GPU machine (repo root):
#
#   bash tools/gpu-device/measure.sh [CARRY_DIR] [PEAK_GBPS]   # defaults: bench-out/gpu-carry, 3350 (H100 SXM)
#
# Writes to $OUT (default ./gpu-out): env.txt, adapter.jsonl, bench.jsonl, sweep.jsonl, jest.log,
# stderr.log. Stops when the adapter is SwiftShader / a software one (set ALLOW_SOFTWARE=1 to go
# on anyway, e.g. to check the bundle on a machine without a GPU). QUICK=1: the adapter, the smoke
# case and one jest file only.
set -u
CARRY=${1:-bench-out/gpu-carry}
PEAK=${2:-3350}
OUT=${OUT:-$PWD/gpu-out}
mkdir -p "$OUT"
T0=$(date +%s)
log() { echo "[$(($(date +%s) - T0)) s] $*" | tee -a "$OUT/env.txt" >&2; }
# shellcheck source=/dev/null
source "$(dirname "$0")/setup.sh" "$CARRY" || exit 1
log "node $(node --version); $(date -u)"
{ nvidia-smi --query-gpu=name,driver_version,memory.total,power.max_limit,clocks.max.sm,clocks.max.mem,clocks.sm,temperature.gpu --format=csv 2>&1; uptime; nproc; } >> "$OUT/env.txt"
cd packages/ssm-core
B="node dist-bench/bench/index.js"
timeout 90 $B --adapter --backend webgpu > "$OUT/adapter.jsonl" 2>> "$OUT/stderr.log"
timeout 90 $B --adapter >> "$OUT/adapter.jsonl" 2>> "$OUT/stderr.log"
cat "$OUT/adapter.jsonl"
if ! grep -q '"software":false' "$OUT/adapter.jsonl" && [ "${ALLOW_SOFTWARE:-0}" != 1 ]; then
  log "no hardware WebGPU adapter: stop"; tail -20 "$OUT/stderr.log"; exit 2
fi
G="$B --json --backend webgpu --impl fused --kernel-time"
# Each step gets at most its own cap and what is left of BUDGET_S (default 540 s: a device call may
# run 600 s), so the most important steps go first and a slow one cannot starve the rest.
left() { local l=$(( ${BUDGET_S:-540} - ($(date +%s) - T0) )); [ "$l" -lt "$1" ] && echo $(( l > 1 ? l : 1 )) || echo "$1"; }
run() { local t=$1 f=$2; shift 2; log "$*"; timeout "$(left "$t")" $G "$@" >> "$OUT/$f" 2>> "$OUT/stderr.log" || log "exit $? ($*)"; }
run 60 bench.jsonl --op smoke
JEST="node ../../node_modules/jest/bin/jest.js --ci"
if [ "${QUICK:-0}" = 1 ]; then
  log jest; timeout "$(left 120)" $JEST src/kernels/webgpu > "$OUT/jest.log" 2>&1
else
  run 120 bench.jsonl --op selectiveScan --peak-gbps "$PEAK"
  run 120 bench.jsonl --op fftConv --peak-gbps "$PEAK"
  run 60 bench.jsonl --op causalConv1d
  log jest
  timeout "$(left 200)" $JEST src/kernels/webgpu src/ops/causal-conv1d/webgpu src/ops/fft-conv/webgpu src/ops/selective-scan/webgpu src/ops/ssd-scan/ssdScan.webgpu > "$OUT/jest.log" 2>&1
  log "jest exit $?"
  for form in fftConvToeplitz fftConvFft; do run 90 sweep.jsonl --op $form --shape B=8,H=256; done   # crossover, realistic layer
  for form in fftConvToeplitz fftConvFft; do run 90 sweep.jsonl --op $form; done                     # {B 2, H 16}, L 64 … 16384
fi
log done
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu --format=csv >> "$OUT/env.txt" 2>&1
grep -E '^(PASS|FAIL)|Tests:' "$OUT/jest.log"
