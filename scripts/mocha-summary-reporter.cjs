// Mocha reporter used by every test stage (unit, webview, integration in code-server or
// in VS Code through @vscode/test-cli): the `spec` output people read, plus a JSON file
// of counts that scripts/test-all.mjs sums into its final `N passed, N failed` line.
//
// Where the JSON goes: reporter option `output` (`--reporter-option output=FILE`), else
// the environment variable LSTM_LAB_TEST_RESULT (the code-server harness sets it in the
// server's environment, which the extension host inherits). Neither set: spec only.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_FAIL } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const reporterOptions = (options && options.reporterOptions) || {};
    const output = reporterOptions.output || process.env.LSTM_LAB_TEST_RESULT;
    const failures = [];
    runner.on(EVENT_TEST_FAIL, (test, error) => {
      failures.push({ title: test.fullTitle(), file: test.file, message: String((error && error.message) || error) });
    });
    runner.once(EVENT_RUN_END, () => {
      if (!output) return;
      const stats = runner.stats || {};
      const summary = {
        passed: stats.passes || 0,
        // Mocha counts a failed hook as a failure too: that is wanted (tests did not run).
        failed: stats.failures || 0,
        pending: stats.pending || 0,
        durationMs: stats.duration || 0,
        failures,
      };
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(output, JSON.stringify(summary, null, 2) + '\n');
    });
  }
}

module.exports = SummaryReporter;
