import * as tf from '@tensorflow/tfjs-core';
import { ssdScan } from '../../src/ops/ssd-scan/ssdScan';
import { ssdScanChunked } from '../../src/ops/ssd-scan/chunked';
import { ssdScanViaSelectiveScan } from '../../src/ops/ssd-scan/viaSelectiveScan';
import { BenchCase, Impl, OpFn } from '../types';
import { uniform } from './inputs';

type Shape = { B: number; L: number; H: number; P: number; N: number };

/** Mamba-2's SSD with one B/C group, a D skip, dt in [0.001, 0.1] and A_h in [-16, -1]. */
function prepare(s: Record<string, number>) {
  const { B, L, H, P, N } = s as Shape;
  return {
    tensors: {
      x: uniform([B, L, H, P], -1, 1, 11),
      dt: uniform([B, L, H], 0.001, 0.1, 12),
      A: tf.tidy(() => tf.neg(uniform([H], 1, 16, 13))),
      B: uniform([B, L, 1, N], -1, 1, 14),
      C: uniform([B, L, 1, N], -1, 1, 15),
      D: uniform([H], 0, 1, 16),
    },
    options: {},
  };
}

function load(impl: Impl): OpFn {
  return (impl === 'fused' ? ssdScan : ssdScanChunked) as unknown as OpFn;
}

/** The selective-scan sizes with D = H·P, P = 16. */
function make(B: number, D: number, L: number, N: number, quick: boolean, probeL?: number): BenchCase {
  const shape = { B, L, H: D / 16, P: 16, N };
  return {
    op: 'ssdScan', shape, quick, load, prepare,
    probe: probeL ? { shape: { ...shape, L: probeL }, factor: L / probeL } : undefined,
  };
}

export const ssdScanCases: BenchCase[] = [
  make(2, 64, 1024, 16, true, 128),
  make(2, 64, 1024, 64, true, 128),
  make(1, 256, 16384, 16, false, 1024),
];

/**
 * The same Mamba-2 scans through selectiveScan's fused kernel (A broadcast over the state, B/C
 * shared by a head's channels; the layout changes are timed too): op ssdScanViaSelectiveScan,
 * named with --op, fused only. Compare with op ssdScan: 'reference' is its chunked form; 'fused'
 * its fused recurrence on cpu/wasm, and elsewhere whatever ssdScan picks (unfusedForm.ts).
 */
function loadVia(impl: Impl): OpFn | string {
  return impl === 'fused' ? (ssdScanViaSelectiveScan as unknown as OpFn) : 'see op ssdScan for the chunked form';
}

export const ssdScanViaSelectiveCases: BenchCase[] = ssdScanCases.map((c) => ({ ...c, op: 'ssdScanViaSelectiveScan', load: loadVia }));
