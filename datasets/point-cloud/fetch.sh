#!/usr/bin/env bash
# Fetches the ModelNet10 point clouds used by the @statespace/point-cloud benchmark, for users who are online.
# Source (see ../shared/datasets/modelnet10/SOURCE.txt): the .pcd files of
#   https://github.com/molivas2022/modelNet10classifier at commit f5277c678e7db8579ed80a98fc21330924a0d826
#   (ModelNet10/pcd/<class>/{train,test}/<class>_<NNNN>.pcd, 1024 Poisson-disk points per mesh, raw CAD coordinates)
# and converts them into the raw layout the loaders read: <split>.bin (float32 LE [S,1024,3]),
# <split>_labels.json, <split>_ids.json, classes.json. The shared copy caps chair/train at 700 shapes
# (numpy default_rng(0)); this script keeps all shapes, so its train.bin differs from the shared one.
# Checksums of the shared files (for comparison): train.bin f87d5af56fba9a48e941638814ac663791b1d88507d65b5465bac11f523cb01e
#                                                test.bin  3c197b9d8e908bbb23104f4b58a39699a3195893465c669346b7febdaf2eee22
# Also: the meshes themselves, http://3dvision.princeton.edu/projects/2014/3DShapeNets/ModelNet10.zip
# Licence: ModelNet is for academic research only; do not redistribute or commit the data.
set -euo pipefail
OUT="${1:-modelnet10}"
COMMIT=f5277c678e7db8579ed80a98fc21330924a0d826
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
curl -fL "https://github.com/molivas2022/modelNet10classifier/archive/${COMMIT}.tar.gz" -o "$TMP/src.tar.gz"
tar -xzf "$TMP/src.tar.gz" -C "$TMP"
PCD="$(find "$TMP" -type d -path '*ModelNet10/pcd' | head -1)"
node - "$PCD" "$OUT" <<'JS'
const fs = require('fs'), path = require('path');
const [pcd, out] = process.argv.slice(2);
const classes = fs.readdirSync(pcd).filter((c) => fs.statSync(path.join(pcd, c)).isDirectory()).sort();
for (const split of ['train', 'test']) {
  const parts = [], labels = [], ids = [];
  classes.forEach((c, ci) => {
    for (const f of fs.readdirSync(path.join(pcd, c, split)).sort()) {
      const buf = fs.readFileSync(path.join(pcd, c, split, f));
      const at = buf.indexOf('DATA binary\n');
      if (at < 0) throw new Error(`${f}: expected 'DATA binary'`);
      parts.push(buf.subarray(at + 12, at + 12 + 1024 * 12));
      labels.push(ci); ids.push(path.basename(f, '.pcd'));
    }
  });
  fs.writeFileSync(path.join(out, `${split}.bin`), Buffer.concat(parts));
  fs.writeFileSync(path.join(out, `${split}_labels.json`), JSON.stringify(labels));
  fs.writeFileSync(path.join(out, `${split}_ids.json`), JSON.stringify(ids));
  console.log(`${split}: ${labels.length} shapes`);
}
fs.writeFileSync(path.join(out, 'classes.json'), JSON.stringify(classes));
JS
sha256sum "$OUT"/*.bin
