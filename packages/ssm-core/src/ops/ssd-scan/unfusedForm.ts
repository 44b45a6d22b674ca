import * as tf from '@tensorflow/tfjs-core';
import { hasFusedKernel } from '../../kernels/dispatch';
import { SELECTIVE_SCAN } from '../selective-scan/kernelNames';

/**
 * How ssdScan runs on a backend without its fused recurrent kernel (webgpu, tensorflow):
 * 'chunked' = the chunked matmul form (chunked.ts, plain tf ops); 'selectiveScan' = the fused
 * selective-scan kernel with A broadcast over the state and B/C shared by a head's channels
 * (viaSelectiveScan.ts). 'auto' follows the measurement in docs/benchmarks.md ("ssdScan vs
 * selectiveScan"): the selective-scan kernel where the backend has one (webgpu's WGSL kernel),
 * else the chunked form (tensorflow, where selectiveScan's reference is a loop over L).
 */
export type SsdScanUnfusedForm = 'auto' | 'chunked' | 'selectiveScan';

const FORMS: readonly SsdScanUnfusedForm[] = ['auto', 'chunked', 'selectiveScan'];
let current: SsdScanUnfusedForm = 'auto';

/** Forces the form (tests, benchmarks); returns the previous setting. */
export function setSsdScanUnfusedForm(form: SsdScanUnfusedForm): SsdScanUnfusedForm {
  if (!FORMS.includes(form)) {
    throw new Error(`setSsdScanUnfusedForm: argument 'form' must be one of ${FORMS.map((f) => `'${f}'`).join(', ')}, received ${JSON.stringify(form)}`);
  }
  const prev = current;
  current = form;
  return prev;
}

/** The form ssdScan takes now, on the current backend (which has no fused ssdScan kernel). */
export function ssdScanUnfusedForm(): 'chunked' | 'selectiveScan' {
  if (current !== 'auto') return current;
  return PREFER_SELECTIVE_SCAN[tf.getBackend()] === true && hasFusedKernel(SELECTIVE_SCAN) ? 'selectiveScan' : 'chunked';
}

/** Backends where the measured selective-scan kernel beat the chunked form (docs/benchmarks.md). */
const PREFER_SELECTIVE_SCAN: Record<string, boolean> = { webgpu: true };
