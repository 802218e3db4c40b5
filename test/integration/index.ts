// Mocha runner for the integration suites, loaded by a real VS Code extension host:
// `run()` is the contract of `extensionTestsPath` (code-server harness in
// scripts/vscode/run-tests.mjs, or @vscode/test-electron). Suites are the bundled
// `*.test.js` next to this file and use Mocha's BDD interface (describe/it), the same as
// `.vscode-test.mjs` configures for @vscode/test-cli.
//
// Environment (inherited from the harness through the server):
//   LSTM_LAB_TEST_RESULT  file that receives {passed, failed, pending, failures} as JSON
//   LSTM_LAB_TEST_FILES   comma-separated suite names to run (e.g. "activation,vsix");
//                         default: every suite except vsix (it needs an installed VSIX)
//   LSTM_LAB_TEST_GREP    only tests whose full title matches this regular expression
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
// Bundled in by esbuild: the same reporter as the unit and webview stages.
import SummaryReporter from '../../scripts/mocha-summary-reporter.cjs';

function suiteFiles(dir: string): string[] {
  const all = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  const wanted = (process.env.LSTM_LAB_TEST_FILES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) return all.filter((name) => name !== 'vsix.test.js').map((name) => path.join(dir, name));
  const unknown = wanted.filter((w) => !all.includes(`${w}.test.js`));
  if (unknown.length) {
    throw new Error(`LSTM_LAB_TEST_FILES names suites that do not exist: ${unknown.join(', ')} (have: ${all.map((n) => n.replace(/\.test\.js$/, '')).join(', ')})`);
  }
  return wanted.map((w) => path.join(dir, `${w}.test.js`));
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false, // the output travels through the workbench's log, not a terminal
    timeout: 120_000,
    reporter: SummaryReporter,
    grep: process.env.LSTM_LAB_TEST_GREP ? new RegExp(process.env.LSTM_LAB_TEST_GREP) : undefined,
  });
  const files = suiteFiles(__dirname);
  if (files.length === 0) throw new Error(`no integration suites (*.test.js) found in ${__dirname}; run node scripts/build.mjs`);
  for (const file of files) mocha.addFile(file);
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (error) {
      reject(error);
    }
  });
  if (failures > 0) throw new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`);
}
