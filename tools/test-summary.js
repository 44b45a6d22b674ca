#!/usr/bin/env node
// Prints the totals recorded by tools/jest-summary-reporter.js, then clears them.
// Usage: test-summary.js --clear (before the run) | test-summary.js (after).
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, '..', 'node_modules', '.cache', 'statespace-tests');
if (process.argv.includes('--clear')) {
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
let passed = 0, failed = 0, skipped = 0;
for (const f of files) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  console.log(`  ${r.package}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  passed += r.passed; failed += r.failed; skipped += r.skipped;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
