import { parseArgs, parseShape } from './args';

describe('bench flags', () => {
  it('defaults: no kernel time, no shape overrides, no adapter print', () => {
    const o = parseArgs([]);
    expect(o).toMatchObject({ kernelTime: false, shapes: [], adapter: false, backendGiven: false, runs: 7 });
  });

  it('--kernel-time, --adapter and --backend are read (backendGiven without --quick too)', () => {
    const o = parseArgs(['--backend', 'webgpu', '--kernel-time', '--adapter', '--json']);
    expect(o).toMatchObject({ kernelTime: true, adapter: true, json: true, backendGiven: true, fusedBackends: ['webgpu'] });
  });

  it('--shape parses K=V lists and may repeat', () => {
    expect(parseShape('B=8,H=256')).toEqual({ B: 8, H: 256 });
    expect(parseShape(' L=4096 ')).toEqual({ L: 4096 });
    const o = parseArgs(['--op', 'fftConvFft', '--shape', 'B=8,H=256', '--shape', 'B=2,H=16,L=64']);
    expect(o.shapes).toEqual([{ B: 8, H: 256 }, { B: 2, H: 16, L: 64 }]);
  });

  it.each([
    ['B8,H=256', "at 'B8'"],
    ['B=0', "at 'B=0'"],
    ['B=1.5', "at 'B=1.5'"],
    ['B=-2', "at 'B=-2'"],
    ['', "at ''"],
  ])('refuses --shape %p naming the bad entry', (raw, where) => {
    expect(() => parseShape(raw)).toThrow(where);
    expect(() => parseShape(raw)).toThrow('--shape expects K=V,... with positive integer values');
  });

  it('refuses a key given twice and a --shape without a value', () => {
    expect(() => parseShape('B=2,B=4')).toThrow("names 'B' twice");
    expect(() => parseArgs(['--shape'])).toThrow('--shape needs a value');
  });
});
