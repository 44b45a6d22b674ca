// Jest reporter: records each package's pass/fail counts so `npm test` can end with one plain
// closing line ("tests: N passed, N failed, N skipped") over every package.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, '..', 'node_modules', '.cache', 'statespace-tests');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, results) {
    fs.mkdirSync(dir, { recursive: true });
    const name = path.basename(this.rootDir);
    const failedSuites = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        package: name,
        passed: results.numPassedTests,
        failed: results.numFailedTests + failedSuites,
        skipped: results.numPendingTests + results.numTodoTests,
      }),
    );
  }
}
module.exports = SummaryReporter;
