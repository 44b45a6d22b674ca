#!/usr/bin/env node
// Writes a tiny synthetic point-cloud set in the raw layout (train.bin/test.bin + labels JSON + classes.json):
// three classes (sphere, cube surface, flat disc), 1024 points each, for demos and smoke tests without real data.
// Usage: node datasets/point-cloud/sample.js OUT_DIR [shapesPerClass=20]
const fs = require('fs'), path = require('path');
const out = process.argv[2] ?? 'pc-sample';
const per = Number(process.argv[3] ?? 20);
let s = 12345;
const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
function shape(c) {
  const p = new Float32Array(1024 * 3);
  for (let i = 0; i < 1024; i++) {
    let x, y, z;
    if (c === 0) { z = 2 * r() - 1; const t = 2 * Math.PI * r(), q = Math.sqrt(1 - z * z); x = q * Math.cos(t); y = q * Math.sin(t); }
    else if (c === 1) { const f = Math.floor(r() * 6), a = 2 * r() - 1, b = 2 * r() - 1, sgn = f % 2 ? 1 : -1; [x, y, z] = f < 2 ? [sgn, a, b] : f < 4 ? [a, sgn, b] : [a, b, sgn]; }
    else { const t = 2 * Math.PI * r(), q = Math.sqrt(r()); x = q * Math.cos(t); y = q * Math.sin(t); z = 0.02 * (r() - 0.5); }
    const sc = 0.5 + r();
    p.set([x * sc * 10, y * sc * 10, z * sc * 10], 3 * i);
  }
  return p;
}
fs.mkdirSync(out, { recursive: true });
for (const split of ['train', 'test']) {
  const n = split === 'train' ? per : Math.max(2, Math.floor(per / 4));
  const pts = new Float32Array(3 * n * 1024 * 3), labels = [];
  for (let c = 0; c < 3; c++) for (let k = 0; k < n; k++) { pts.set(shape(c), (c * n + k) * 1024 * 3); labels.push(c); }
  fs.writeFileSync(path.join(out, `${split}.bin`), new Uint8Array(pts.buffer));
  fs.writeFileSync(path.join(out, `${split}_labels.json`), JSON.stringify(labels));
}
fs.writeFileSync(path.join(out, 'classes.json'), JSON.stringify(['sphere', 'cube', 'disc']));
console.log(`wrote ${out}: ${per * 3} train / ${Math.max(2, Math.floor(per / 4)) * 3} test shapes`);
