#!/usr/bin/env node
// `npm test`: builds, then runs every test stage, streaming each one's output, and ends
// with one line `N passed, N failed` summing all of them. Exits non-zero when a test
// failed or a stage crashed (a crashed stage counts as one failure in that line).
//
// Stages: deps (Debian packages, when root with apt-get) · build · typecheck · unit (test/unit) · webview (test/webview, when present) ·
// integration (inside a real VS Code) · vsix (package, install the VSIX, check it runs).
// Integration runs in code-server + headless Chromium (scripts/vscode/run-tests.mjs);
// LSTM_LAB_TEST_ELECTRON=1 runs the same suites through @vscode/test-cli instead (needs
// internet to download VS Code).
// Env: LSTM_LAB_SKIP=typecheck,vsix,…  skip stages by name (reported as skipped).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-lab-test-all-'));
const reporter = path.join(root, 'scripts/mocha-summary-reporter.cjs');
const mochaBin = path.join(root, 'node_modules/mocha/bin/mocha.js');
const skipped = new Set(
  (process.env.LSTM_LAB_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const useElectron = process.env.LSTM_LAB_TEST_ELECTRON === '1';

/** Runs a command with inherited stdio; resolves with its exit code (signals count as failure). */
function run(command, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
    child.on('error', (error) => {
      console.error(`test-all: could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function readSummary(file) {
  try {
    const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof summary.passed === 'number' && typeof summary.failed === 'number') return summary;
  } catch {
    // missing or unreadable: the stage crashed before its reporter finished
  }
  return null;
}

const results = [];
let stopping = false;

/**
 * One stage. `body(resultFile)` returns an exit code; a test stage's reporter writes counts to
 * resultFile. kind 'step' (build, typecheck) has no counts: failing it counts as one failure.
 */
async function stage(name, kind, body) {
  if (stopping) {
    results.push({ name, status: 'not run (an earlier stage failed)', passed: 0, failed: 0, seconds: 0 });
    return false;
  }
  if (skipped.has(name)) {
    console.log(`\n━━ ${name}: skipped (LSTM_LAB_SKIP)`);
    results.push({ name, status: 'skipped', passed: 0, failed: 0, seconds: 0 });
    return true;
  }
  console.log(`\n━━ ${name}`);
  const started = Date.now();
  const resultFile = path.join(resultsDir, `${name}.json`);
  const code = await body(resultFile);
  const seconds = (Date.now() - started) / 1000;
  let entry;
  if (kind === 'step') {
    entry = { name, status: code === 0 ? 'ok' : `failed (exit ${code})`, passed: 0, failed: code === 0 ? 0 : 1, seconds };
  } else {
    const summary = readSummary(resultFile);
    if (!summary) entry = { name, status: `crashed (exit ${code}, no results)`, passed: 0, failed: 1, seconds };
    else if (code !== 0 && summary.failed === 0) entry = { name, status: `crashed (exit ${code} after ${summary.passed} passed)`, passed: summary.passed, failed: 1, seconds };
    else entry = { name, status: summary.failed ? 'failed' : 'ok', passed: summary.passed, failed: summary.failed, pending: summary.pending ?? 0, seconds };
  }
  results.push(entry);
  console.log(`━━ ${name}: ${entry.status}${kind === 'tests' ? `, ${entry.passed} passed, ${entry.failed} failed` : ''} in ${seconds.toFixed(1)} s`);
  return code === 0;
}

function hasFiles(dir, suffix) {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return false;
  return fs.readdirSync(full, { recursive: true }).some((name) => String(name).endsWith(suffix));
}

const reporterArgs = (resultFile) => ['--reporter', reporter, '--reporter-option', `output=${resultFile}`];
// Unit tests: .mocharc.json's options over test/unit (the config names no files, so `npx mocha FILE`
// runs just FILE). Webview tests: the same options, spelled out.
const unitTests = (resultFile) => run(process.execPath, [mochaBin, '--config', '.mocharc.json', ...reporterArgs(resultFile), 'test/unit/**/*.test.ts']);
const webviewTests = (resultFile) =>
  run(process.execPath, [mochaBin, '--no-config', '--require', 'tsx/cjs', '--extension', 'ts', '--timeout', '120000', ...reporterArgs(resultFile), 'test/webview/**/*.test.ts']);

const allStarted = Date.now();
try {
  // Debian packages the browser stages need (chromium; code-server's build needs): installed
  // when missing, where that is possible (root with apt-get), so `npm test` works on a fresh
  // Debian machine; elsewhere the stages that need them say what is missing.
  if (process.platform === 'linux' && process.getuid?.() === 0 && fs.existsSync('/usr/bin/apt-get') && !process.env.CHROMIUM_PATH) {
    if (!(await stage('deps', 'step', () => run('bash', ['scripts/vscode/ensure-deps.sh'])))) stopping = true;
  }
  if (!(await stage('build', 'step', () => run(process.execPath, ['scripts/build.mjs'])))) stopping = true;
  await stage('typecheck', 'step', () => run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']));
  // ESLint states the import table of docs/architecture.md; prettier checks the folders already formatted.
  await stage('lint', 'step', () => run(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), 'src', 'webview']));
  await stage('format', 'step', () => run(process.execPath, [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--check', 'src/shared']));
  await stage('unit', 'tests', unitTests);
  if (hasFiles('test/webview', '.test.ts')) await stage('webview', 'tests', webviewTests);
  if (useElectron) {
    await stage('integration', 'tests', async (file) => {
      const code = await run(process.execPath, [path.join(root, 'node_modules/@vscode/test-cli/out/bin.mjs')], { LSTM_LAB_TEST_RESULT: file });
      if (code !== 0 && !fs.existsSync(file))
        console.error('test-all: @vscode/test-cli could not run the suites (it downloads VS Code: internet needed). Without LSTM_LAB_TEST_ELECTRON=1 they run in code-server instead.');
      return code;
    });
  } else {
    await stage('integration', 'tests', async (file) => {
      const install = await run(process.execPath, ['scripts/vscode/install-code-server.mjs']);
      if (install !== 0) return install;
      return run(process.execPath, ['scripts/vscode/run-tests.mjs', '--result', file]);
    });
  }
  // Last: packaging rewrites dist/ as a production build, and the dev build comes back after.
  await stage('vsix', 'tests', async (file) => {
    const packaged = await run('npm', ['run', '--silent', 'package']);
    const rebuilt = await run(process.execPath, ['scripts/build.mjs']);
    if (packaged !== 0 || rebuilt !== 0) return packaged || rebuilt;
    if (useElectron) {
      console.log('test-all: the VSIX install check runs in code-server only; skipped with LSTM_LAB_TEST_ELECTRON=1');
      fs.writeFileSync(file, JSON.stringify({ passed: 0, failed: 0, pending: 0 }));
      return 0;
    }
    return run(process.execPath, ['scripts/vscode/run-tests.mjs', '--vsix', '--result', file]);
  });
} finally {
  fs.rmSync(resultsDir, { recursive: true, force: true });
}

const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log('\n━━ summary');
for (const r of results)
  console.log(`  ${r.name.padEnd(12)} ${r.status.padEnd(34)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${r.seconds.toFixed(1).padStart(7)} s`);
console.log(`  total time ${((Date.now() - allStarted) / 1000).toFixed(1)} s`);
const crashed = results.filter((r) => /crashed|failed \(exit/.test(r.status));
if (crashed.length) console.log(`  (counted as one failure per stage that crashed or failed to build: ${crashed.map((r) => r.name).join(', ')})`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
