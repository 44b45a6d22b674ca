import { expandShapes, withShape } from './shapes';
import { fftConvFormCases } from './cases/fftConv';
import { BenchCase } from './types';

const base: BenchCase = {
  op: 'fake', shape: { B: 2, H: 16, L: 4096 }, quick: false, load: () => 'unused', prepare: () => ({ tensors: {}, options: {} }),
  probe: { shape: { B: 2, H: 16, L: 1024 }, factor: 4 },
};

describe('--shape overrides', () => {
  it('replaces the named entries and keeps the probe when it shrinks another dimension', () => {
    const c = withShape(base, { B: 8, H: 256 });
    expect(c.shape).toEqual({ B: 8, H: 256, L: 4096 });
    expect(c.probe).toEqual({ shape: { B: 8, H: 256, L: 1024 }, factor: 4 });
    expect(base.shape).toEqual({ B: 2, H: 16, L: 4096 }); // not mutated
  });

  it('drops the probe when the override changes the dimension it shrinks', () => {
    expect(withShape(base, { L: 512 }).probe).toBeUndefined();
  });

  it('refuses a key the op does not have, naming the op and its keys', () => {
    expect(() => withShape(base, { N: 16 })).toThrow("--shape names 'N', which op fake does not have; its shape keys are B, H, L");
  });

  it('turns the fftConv form sweep into a sweep at another B, H; repeated shapes run once', () => {
    const fft = fftConvFormCases.filter((c) => c.op === 'fftConvFft');
    const swept = expandShapes(fft, [{ B: 8, H: 256 }]);
    expect(swept.map((c) => c.shape.L)).toEqual(fft.map((c) => c.shape.L));
    expect(swept.every((c) => c.shape.B === 8 && c.shape.H === 256)).toBe(true);
    expect(expandShapes(fft, [{ B: 8, H: 256, L: 512 }])).toHaveLength(1);
    expect(expandShapes(fft, [])).toBe(fft);
  });

  it('annotates the fftConv form cases with the form auto picks', () => {
    const at = (L: number) => fftConvFormCases[0].annotate?.({ B: 8, H: 256, L });
    expect(at(256)?.auto_picks).toBe('toeplitz');
    expect(at(4096)?.auto_picks).toBe('fft');
    expect(at(4096)?.estimates?.fft).toBeLessThan(at(4096)?.estimates?.toeplitz as number);
  });
});
