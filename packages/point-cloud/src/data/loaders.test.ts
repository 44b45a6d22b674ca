import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parsePcd, writePcd } from './pcd';
import { parsePly, writePly } from './ply';
import { parseOff, parseXyz } from './textFormats';
import { lzfDecompress } from './lzf';
import { loadPointCloudFile } from './loadFile';
import type { PointCloud } from './types';
import { HAVE_MODELNET10, MODELNET10, modelnetShapes } from '../testing/data';

const cloud: PointCloud = {
  positions: Float32Array.from([0.5, -1.25, 2, 3.5, 4, -5.75, 1e-3, 7, 8.125]),
  normals: Float32Array.from([0, 0, 1, 0, 1, 0, 1, 0, 0]),
  count: 3,
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-loaders-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const put = (name: string, data: string | Uint8Array) => { const f = path.join(tmp, name); fs.writeFileSync(f, data); return f; };

describe('PCD', () => {
  it.each(['ascii', 'binary', 'binary_compressed'] as const)('round-trips DATA %s with normals', (data) => {
    const f = put(`c_${data}.pcd`, writePcd(cloud, data));
    const back = loadPointCloudFile(f);
    expect(back.count).toBe(3);
    expect(Array.from(back.positions)).toEqual(Array.from(cloud.positions));
    expect(Array.from(back.normals!)).toEqual(Array.from(cloud.normals!));
  });
  it('decompresses LZF back references (hand-made stream)', () => {
    // literal "abc", then a back reference of length 6 at distance 3 → "abcabcabc"
    const src = Uint8Array.from([2, 97, 98, 99, (4 << 5) | 0, 2]);
    expect(Buffer.from(lzfDecompress('x', src, 0, 9)).toString()).toBe('abcabcabc');
    expect(() => lzfDecompress('f.pcd', Uint8Array.from([2, 97, 98, 99, (4 << 5), 9]), 100, 9)).toThrow(/f\.pcd: byte 104: LZF back reference points/);
  });
  it('reads the real ModelNet10 binary .pcd files, equal to train.bin rows', () => {
    if (!HAVE_MODELNET10) return;
    const f = path.join(MODELNET10, 'originals', 'bathtub', 'train', 'bathtub_0001.pcd');
    const pc = loadPointCloudFile(f);
    expect(pc.count).toBe(1024);
    expect(Array.from(pc.positions)).toEqual(Array.from(modelnetShapes(0, 1)[0]));
  });
  it('names the file and line or byte of corrupt input', () => {
    const good = Buffer.from(writePcd(cloud, 'binary'));
    expect(() => parsePcd(good.subarray(0, good.length - 5), 'cut.pcd')).toThrow(/cut\.pcd: byte \d+: file ends early: 3 points of 24 bytes/);
    const ascii = Buffer.from(writePcd(cloud, 'ascii')).toString().replace('3.5 4', '3.5 oops');
    expect(() => parsePcd(Buffer.from(ascii), 'bad.pcd')).toThrow(/bad\.pcd: line 13: expected a number for field y, received 'oops'/);
    expect(() => parsePcd(Buffer.from('VERSION 0.7\nFIELDS x y z\nSIZE 4 4\nDATA ascii\n'), 'h.pcd')).toThrow(/h\.pcd: line 3: SIZE has 2 entries, FIELDS has 3/);
    expect(() => parsePcd(Buffer.from('hello\n'), 'n.pcd')).toThrow(/n\.pcd: line 1: unknown PCD header entry 'hello'/);
    const comp = Buffer.from(writePcd(cloud, 'binary_compressed'));
    expect(() => parsePcd(comp.subarray(0, comp.length - 10), 'c.pcd')).toThrow(/c\.pcd: byte \d+: file ends early/);
  });
});

describe('PLY', () => {
  it.each(['ascii', 'binary_little_endian', 'binary_big_endian'] as const)('round-trips %s', (format) => {
    const back = loadPointCloudFile(put(`c_${format}.ply`, writePly(cloud, format)));
    expect(Array.from(back.positions)).toEqual(Array.from(cloud.positions));
    expect(Array.from(back.normals!)).toEqual(Array.from(cloud.normals!));
  });
  it('skips faces and other properties; reads big-endian bytes written independently', () => {
    const head = 'ply\nformat binary_big_endian 1.0\nelement vertex 2\nproperty double x\nproperty double y\nproperty double z\nproperty uchar red\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n';
    const body = Buffer.alloc(2 * 25 + 1 + 12);
    [[1, 2, 3, 255], [4, 5, 6, 7]].forEach((v, i) => { body.writeDoubleBE(v[0], i * 25); body.writeDoubleBE(v[1], i * 25 + 8); body.writeDoubleBE(v[2], i * 25 + 16); body.writeUInt8(v[3], i * 25 + 24); });
    body.writeUInt8(3, 50);
    const pc = parsePly(Buffer.concat([Buffer.from(head), body]), 'be.ply');
    expect(Array.from(pc.positions)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(pc.fields!.red)).toEqual([255, 7]);
    const ascii = 'ply\nformat ascii 1.0\nelement face 1\nproperty list uchar int vertex_indices\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\nend_header\n3 0 0 0\n9 8 7\n';
    expect(Array.from(parsePly(Buffer.from(ascii)).positions)).toEqual([9, 8, 7]);
  });
  it('names the file and line or byte of corrupt input', () => {
    expect(() => parsePly(Buffer.from('plx\n'), 'm.ply')).toThrow(/m\.ply: line 1: expected the magic line 'ply'/);
    const a = Buffer.from(writePly(cloud, 'ascii')).toString().replace('3.5 4 -5.75', '3.5 4');
    expect(() => parsePly(Buffer.from(a), 'a.ply')).toThrow(/a\.ply: line 13: expected a number for property 'nz', received end of line/);
    const b = Buffer.from(writePly(cloud, 'binary_little_endian'));
    expect(() => parsePly(b.subarray(0, b.length - 3), 'b.ply')).toThrow(/b\.ply: byte \d+: file ends early: property 'nz' of vertex 2/);
    expect(() => parsePly(Buffer.from('ply\nformat ascii 1.0\nelement vertex 1\nproperty quad x\nend_header\n'), 't.ply')).toThrow(/t\.ply: line 4: unknown PLY property type 'quad'/);
  });
});

describe('OFF and text point lists', () => {
  it('reads OFF, including ModelNet\'s glued header', () => {
    const off = 'OFF\n# comment\n4 2 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 1 2\n3 0 2 3\n';
    const m = parseOff(off);
    expect(m.count).toBe(4);
    expect(m.faces.length).toBe(2);
    expect(Array.from(parseOff('OFF4 1 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 1 2\n').positions.slice(3, 6))).toEqual([1, 0, 0]);
    expect(loadPointCloudFile(put('m.off', off)).count).toBe(4);
  });
  it('names the line of corrupt OFF input', () => {
    expect(() => parseOff('OFF\n2 1 0\n0 0 0\n1 x 0\n3 0 1 1\n', 'bad.off')).toThrow(/bad\.off: line 4: expected a number for coordinate y of vertex 1, received 'x'/);
    expect(() => parseOff('OFF\n2 1 0\n0 0 0\n1 1 0\n3 0 1 5\n', 'f.off')).toThrow(/f\.off: line 5: face 0 refers to vertex 5/);
    expect(() => parseOff('PLY\n', 'h.off')).toThrow(/h\.off: line 1: expected 'OFF'/);
  });
  it('reads xyz / txt (commas, normals) / pts (count line)', () => {
    expect(Array.from(loadPointCloudFile(put('a.xyz', '1 2 3\n4 5 6\n')).positions)).toEqual([1, 2, 3, 4, 5, 6]);
    const t = loadPointCloudFile(put('b.txt', '1,2,3,0,0,1\n4,5,6,0,1,0\n'));
    expect(Array.from(t.normals!)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(loadPointCloudFile(put('c.pts', '2\n1 2 3\n4 5 6\n')).count).toBe(2);
    expect(() => parseXyz('1 2 3\n4 5\n', 'd.xyz')).toThrow(/d\.xyz: line 2: expected 3 values like the first point line, received 2/);
    expect(() => parseXyz('1 2 3\n4 5 z\n', 'e.xyz')).toThrow(/e\.xyz: line 2: expected a number for coordinate z, received 'z'/);
    expect(() => loadPointCloudFile(put('f.obj', ''))).toThrow(/unknown point-cloud extension '\.obj'/);
  });
});
