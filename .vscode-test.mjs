// @vscode/test-cli configuration: runs the same integration suites as the code-server
// harness (scripts/vscode/run-tests.mjs), in a VS Code that @vscode/test-electron
// downloads — for machines with internet access (a laptop, a public CI).
// Run: node scripts/build.mjs && npx vscode-test   (or LSTM_LAB_TEST_ELECTRON=1 npm test)
// Counts go to $LSTM_LAB_TEST_RESULT through the project's summary reporter.
import { defineConfig } from '@vscode/test-cli';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  label: 'integration',
  // The version code-server 4.100.3 embeds, so both runners test against the same VS Code.
  version: process.env.LSTM_LAB_VSCODE_VERSION ?? '1.100.3',
  // Every suite but the packaging one (it checks an installed VSIX: run-tests.mjs --vsix).
  files: 'dist/test/integration/!(vsix).test.js',
  workspaceFolder: path.join(root, 'test/fixtures/workspace'),
  extensionDevelopmentPath: root,
  launchArgs: ['--disable-extensions', '--skip-welcome', '--skip-release-notes', '--disable-workspace-trust'],
  env: { LSTM_LAB_REPO_ROOT: root },
  mocha: {
    ui: 'bdd',
    timeout: 120_000,
    color: true,
    reporter: path.join(root, 'scripts/mocha-summary-reporter.cjs'),
  },
});
