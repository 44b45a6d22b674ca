import { minBytes, withBandwidthBound } from './bandwidth';

describe('bench bandwidth bound', () => {
  it('counts the bytes of the issue\'s GPU shapes by hand', () => {
    // selectiveScan {8, 1024, 4096, 16}: x = 8·1024·4096 = 33 554 432, B/C = 2·8·16·4096 = 1 048 576, small = 1024·16 + 2048.
    const x = 33554432;
    expect(minBytes('selectiveScan', { B: 8, D: 1024, L: 4096, N: 16 })).toEqual({
      fwd: 4 * (4 * x + 1048576 + 18432), fwdBwd: 4 * (8 * x + 2 * 1048576 + 2 * 18432),
    });
    // fftConv {8, 768, 16384}: x = 100 663 296, k = 12 582 912.
    expect(minBytes('fftConv', { B: 8, H: 768, L: 16384 })).toEqual({
      fwd: 4 * (2 * 100663296 + 12582912 + 768), fwdBwd: 4 * (4 * 100663296 + 2 * 12582912 + 2 * 768),
    });
    expect(minBytes('causalConv1d', { B: 1, D: 1, L: 1, W: 1 })).toBeNull();
  });

  it('bound_ms = bytes / peak bandwidth, only with a peak given', () => {
    const r = { op: 'fftConv', impl: 'fused' as const, backend: 'webgpu', shape: { B: 1, H: 1, L: 1000 } };
    expect(withBandwidthBound(r).bound_ms).toBeUndefined();
    const b = withBandwidthBound(r, 1); // 1 GB/s: 1 byte per ns
    expect(b.bytes).toBe(4 * 3001);
    expect(b.bound_ms).toBeCloseTo(0.012, 4);
    expect(b.bound_fwd_bwd_ms).toBeCloseTo((4 * 6002) / 1e6, 4);
  });
});
